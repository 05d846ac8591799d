"""Legacy import path: `autogen.retrieve.vectordb.qdrant`."""

from ....retrieve.vectordb.qdrant import FastEmbedEmbeddingFunction, QdrantVectorDB

__all__ = ["FastEmbedEmbeddingFunction", "QdrantVectorDB"]
