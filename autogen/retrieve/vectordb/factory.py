"""`VectorDBFactory`: build a vector database backend from its name (each backend imported only when asked for)."""

from __future__ import annotations

import importlib
from typing import Any

from .base import VectorDB

__all__ = ["PREDEFINED_VECTOR_DB", "VectorDBFactory"]

PREDEFINED_VECTOR_DB = ["chroma", "pgvector", "mongodb", "qdrant", "couchbase"]

# name -> (module under autogen.retrieve.vectordb, class name)
_BACKENDS: dict[str, tuple[str, str]] = {
    "chroma": ("chromadb", "ChromaVectorDB"),
    "pgvector": ("pgvector", "PGVectorDB"),
    "mongodb": ("mongodb", "MongoDBAtlasVectorDB"),
    "qdrant": ("qdrant", "QdrantVectorDB"),
    "couchbase": ("couchbase", "CouchbaseVectorDB"),
}
_ALIASES = {
    "chroma": "chroma", "chromadb": "chroma",
    "pgvector": "pgvector", "pgvectordb": "pgvector",
    "mdb": "mongodb", "mongodb": "mongodb", "atlas": "mongodb",
    "qdrant": "qdrant", "qdrantdb": "qdrant",
    "couchbase": "couchbase", "couchbasedb": "couchbase", "capella": "couchbase",
}  # fmt: skip


class VectorDBFactory:
    """Creates `VectorDB` backends by name: chroma, pgvector, mongodb, qdrant, couchbase (and their aliases)."""

    PREDEFINED_VECTOR_DB = PREDEFINED_VECTOR_DB

    @staticmethod
    def backend_class(db_type: str) -> type:
        """The backend class for ``db_type`` (imports its module now)."""
        key = _ALIASES.get(str(db_type).strip().lower())
        if key is None:
            raise ValueError(
                f"Unsupported vector database type: {db_type!r}. Valid types are {sorted(_ALIASES)}, "
                "or pass a VectorDB instance."
            )
        module_name, class_name = _BACKENDS[key]
        try:
            module = importlib.import_module(f"{__package__}.{module_name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__package__}.{module_name}":
                raise NotImplementedError(f"The {key} vector database backend is not included in this version.") from e
            raise
        try:
            return getattr(module, class_name)
        except AttributeError as e:
            raise NotImplementedError(f"The {key} vector database backend ({class_name}) is not available.") from e

    @staticmethod
    def create_vector_db(db_type: str, **kwargs: Any) -> VectorDB:
        """Build the ``db_type`` backend with ``kwargs`` (e.g. ``path``, ``embedding_function``, ``connection_string``)."""
        return VectorDBFactory.backend_class(db_type)(**kwargs)
