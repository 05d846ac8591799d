"""The `VectorDB` protocol and the document types every vector database backend shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypedDict, runtime_checkable

__all__ = ["Document", "ItemID", "QueryResults", "VectorDB", "EmbeddingFunction", "Vector"]

ItemID = str | int
Vector = Sequence[float]
EmbeddingFunction = Callable[[list[str]], Any]  # texts -> one vector per text


class _DocumentRequired(TypedDict):
    id: ItemID
    content: str


class Document(_DocumentRequired, total=False):
    """A chunk of text stored in a vector database."""

    metadata: Mapping[str, Any] | None
    embedding: Vector | None


QueryResults = list[list[tuple[Document, float]]]
"""One list per query of (document, distance) pairs, best (smallest distance) first."""


@runtime_checkable
class VectorDB(Protocol):
    """A store of embedded documents grouped in collections.

    Rules every backend follows: `create_collection` creates a missing collection, recreates an
    existing one when ``overwrite``, returns it when ``get_or_create``, else raises ValueError; a
    ``collection_name`` of None means the active collection; ``distance_threshold < 0`` disables
    filtering; inserting a document whose embedding dimension differs from the collection's raises
    ValueError naming both dimensions, and leaves what was stored intact.
    """

    active_collection: Any
    type: str
    embedding_function: EmbeddingFunction | None

    def create_collection(self, collection_name: str, overwrite: bool = False, get_or_create: bool = True) -> Any: ...

    def get_collection(self, collection_name: str | None = None) -> Any: ...

    def delete_collection(self, collection_name: str) -> Any: ...

    def insert_docs(self, docs: list[Document], collection_name: str | None = None, upsert: bool = False, **kwargs: Any) -> None: ...

    def update_docs(self, docs: list[Document], collection_name: str | None = None, **kwargs: Any) -> None: ...

    def delete_docs(self, ids: list[ItemID], collection_name: str | None = None, **kwargs: Any) -> None: ...

    def retrieve_docs(
        self,
        queries: list[str],
        collection_name: str | None = None,
        n_results: int = 10,
        distance_threshold: float = -1,
        **kwargs: Any,
    ) -> QueryResults: ...

    def get_docs_by_ids(
        self, ids: list[ItemID] | None = None, collection_name: str | None = None, include: list[str] | None = None, **kwargs: Any
    ) -> list[Document]: ...
