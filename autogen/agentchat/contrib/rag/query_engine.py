"""`RAGQueryEngine`: what a document store must offer to agents that ingest documents and answer from them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["RAGQueryEngine"]


@runtime_checkable
class RAGQueryEngine(Protocol):
    """Ingest documents into a database and answer questions from them."""

    def init_db(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Connect to the database, insert the given documents and build its indexes; True on success."""
        ...

    def add_docs(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Add the documents of a folder and/or a list of files to the store."""
        ...

    def connect_db(self, *args: Any, **kwargs: Any) -> bool:
        """Connect to an existing database; True on success."""
        ...

    def query(self, question: str, *args: Any, **kwargs: Any) -> str:
        """Answer ``question`` from the stored documents."""
        ...
