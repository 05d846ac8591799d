"""Query engines for retrieval-augmented agents: the `RAGQueryEngine` protocol and its Chroma, MongoDB
and LlamaIndex implementations (each imports its database package only when built)."""

from .chromadb_query_engine import ChromaDBQueryEngine
from .llamaindex_query_engine import LlamaIndexQueryEngine
from .mongodb_query_engine import MongoDBQueryEngine
from .query_engine import RAGQueryEngine

__all__ = ["ChromaDBQueryEngine", "LlamaIndexQueryEngine", "MongoDBQueryEngine", "RAGQueryEngine"]
