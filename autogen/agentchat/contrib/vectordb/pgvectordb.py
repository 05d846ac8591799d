"""Legacy import path: `autogen.retrieve.vectordb.pgvector`."""

from ....retrieve.vectordb.pgvector import PGVectorDB

__all__ = ["PGVectorDB"]
