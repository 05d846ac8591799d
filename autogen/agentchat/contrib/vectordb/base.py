"""Legacy import path: `autogen.retrieve.vectordb.base` (the protocol) and the factory."""

from ....retrieve.vectordb.base import Document, EmbeddingFunction, ItemID, QueryResults, Vector, VectorDB
from ....retrieve.vectordb.factory import PREDEFINED_VECTOR_DB, VectorDBFactory

__all__ = [
    "PREDEFINED_VECTOR_DB",
    "Document",
    "EmbeddingFunction",
    "ItemID",
    "QueryResults",
    "Vector",
    "VectorDB",
    "VectorDBFactory",
]
