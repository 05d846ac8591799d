"""`GraphQueryEngine`: what a graph database must offer to graph-RAG agents, and `GraphStoreQueryResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .document import Document

__all__ = ["GraphQueryEngine", "GraphStoreQueryResult"]


@dataclass
class GraphStoreQueryResult:
    """The answer to a graph query.

    ``answer`` is the human-readable answer; ``results`` holds intermediate results (e.g. the nodes found).
    """

    answer: str | None = None
    results: list[Any] = field(default_factory=list)


@runtime_checkable
class GraphQueryEngine(Protocol):
    """Build a knowledge graph from documents and answer questions from it."""

    def init_db(self, input_doc: list[Document] | None = None) -> None:
        """Connect to the graph database and build the graph (nodes, edges, indexes) from ``input_doc``."""
        ...

    def add_records(self, new_records: list[Any]) -> bool:
        """Add records to the database (and to the graph when needed); True on success."""
        ...

    def query(self, question: str, n_results: int = 1, **kwarg: Any) -> GraphStoreQueryResult:
        """Turn ``question`` into a database query and return its result."""
        ...
