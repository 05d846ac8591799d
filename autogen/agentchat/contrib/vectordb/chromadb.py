"""Legacy import path: `autogen.retrieve.vectordb.chromadb`."""

from ....retrieve.vectordb.chromadb import CHROMADB_MAX_BATCH_SIZE, ChromaVectorDB

__all__ = ["CHROMADB_MAX_BATCH_SIZE", "ChromaVectorDB"]
