"""Graph-based RAG: documents, the `GraphQueryEngine` protocol and the capability that lets an agent answer
from a graph database. The FalkorDB and Neo4j engines live in their own modules (each imports its
database packages only when an engine is built)."""

from .document import Document, DocumentType
from .graph_query_engine import GraphQueryEngine, GraphStoreQueryResult
from .graph_rag_capability import GraphRagCapability

__all__ = ["Document", "DocumentType", "GraphQueryEngine", "GraphRagCapability", "GraphStoreQueryResult"]
