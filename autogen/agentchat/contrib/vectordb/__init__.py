"""Legacy import path: the vector databases now live in `autogen.retrieve.vectordb`."""

from ....retrieve.vectordb import (  # noqa: F401
    PREDEFINED_VECTOR_DB,
    Document,
    EmbeddingFunction,
    ItemID,
    QueryResults,
    Vector,
    VectorDB,
    VectorDBFactory,
    __all__,
    __getattr__,
)
