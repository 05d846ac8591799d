"""Vector database backends behind one protocol (`VectorDB`); each backend imports its client library lazily."""

from __future__ import annotations

from typing import Any

from .base import Document, EmbeddingFunction, ItemID, QueryResults, Vector, VectorDB
from .factory import PREDEFINED_VECTOR_DB, VectorDBFactory

__all__ = [
    "PREDEFINED_VECTOR_DB",
    "ChromaVectorDB",
    "Document",
    "EmbeddingFunction",
    "ItemID",
    "MongoDBAtlasVectorDB",
    "PGVectorDB",
    "QdrantVectorDB",
    "QueryResults",
    "Vector",
    "VectorDB",
    "VectorDBFactory",
]

_LAZY = {
    "ChromaVectorDB": "chroma",
    "QdrantVectorDB": "qdrant",
    "PGVectorDB": "pgvector",
    "MongoDBAtlasVectorDB": "mongodb",
}


def __getattr__(name: str) -> Any:
    # The backend modules are cheap to import, but keep them out until a backend is named.
    if name in _LAZY:
        return VectorDBFactory.backend_class(_LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
