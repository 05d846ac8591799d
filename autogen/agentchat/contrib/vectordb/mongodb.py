"""Legacy import path: `autogen.retrieve.vectordb.mongodb`."""

from ....retrieve.vectordb.mongodb import MongoDBAtlasVectorDB

__all__ = ["MongoDBAtlasVectorDB"]
