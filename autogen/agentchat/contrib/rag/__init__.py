"""Query engines for retrieval-augmented agents (the protocol they share)."""

from .query_engine import RAGQueryEngine

__all__ = ["RAGQueryEngine"]
