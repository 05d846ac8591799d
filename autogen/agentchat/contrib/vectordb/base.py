"""Legacy import path: `autogen.retrieve.vectordb.base` (the protocol) and the factory."""

from ....retrieve.vectordb.base import Document, EmbeddingFunction, ItemID, QueryResults, Vector, VectorDB
from ....retrieve.vectordb.factory import PREDEFINED_VECTOR_DB, VectorDBFactory

__all__ = [
    "Document",
    "EmbeddingFunction",
    "ItemID",
    "PREDEFINED_VECTOR_DB",
    "QueryResults",
    "Vector",
    "VectorDB",
    "VectorDBFactory",
]
