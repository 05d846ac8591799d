"""Helpers shared by the vector database backends: result conversion, distance filtering, input checks."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from .base import Document, ItemID, QueryResults

__all__ = [
    "check_dimension",
    "chroma_results_to_query_results",
    "filter_results_by_distance",
    "get_logger",
    "include_fields",
    "validate_docs",
]


def get_logger(name: str = "autogen.retrieve", level: int | None = None) -> logging.Logger:
    """A standard library logger for the retrieval modules (kept for the old import path)."""
    logger = logging.getLogger(name)
    if level is not None:
        logger.setLevel(level)
    return logger


def filter_results_by_distance(results: QueryResults, distance_threshold: float = -1) -> QueryResults:
    """Keep only the (document, distance) pairs with distance < threshold; a negative threshold keeps all."""
    if distance_threshold is None or distance_threshold < 0:
        return results
    return [[(doc, dist) for doc, dist in per_query if dist < distance_threshold] for per_query in results]


# Chroma's plural column names and the Document field each fills; other columns lose their final "s" (as in ag2).
_COLUMN_FIELDS = {"documents": "content", "contents": "content"}


def _is_sequence(value: Any) -> bool:
    return not isinstance(value, str | bytes | Mapping) and hasattr(value, "__len__") and hasattr(value, "__getitem__")


def _is_column(value: Any) -> bool:
    """A per-query column: a sequence (list, tuple or array) whose first entry is a sequence of values."""
    return _is_sequence(value) and len(value) > 0 and _is_sequence(value[0])


def chroma_results_to_query_results(data_dict: Mapping[str, Any], special_key: str = "distances") -> QueryResults:
    """Turn a chroma-style column dict into `QueryResults`: one list per query of (Document, distance) pairs.

    Every per-query column (``ids``, ``documents``/``contents``, ``metadatas``, ``embeddings``, any other) gives
    each document the field of its singular name (``documents`` -> ``content``); ``special_key`` gives the
    distances. Without distances each ``ids`` entry gets 0.0; a document with an id always has a ``content``.
    """
    columns = {
        _COLUMN_FIELDS.get(key, key.removesuffix("s")): value
        for key, value in data_dict.items()
        if key != special_key and _is_column(value)
    }
    specials = data_dict.get(special_key)
    if specials is None:
        specials = [[0.0] * len(ids) for ids in data_dict.get("ids") or []]
    out: QueryResults = []
    for q, distances in enumerate(specials):
        row: list[tuple[Document, float]] = []
        for i, distance in enumerate(distances):
            doc: dict[str, Any] = {}
            for field, column in columns.items():
                if len(column) > q and column[q] is not None and len(column[q]) > i:
                    doc[field] = column[q][i]
            if "id" in doc:
                doc.setdefault("content", "")
            row.append((doc, float(distance)))  # type: ignore[arg-type]
        out.append(row)
    return out


# `include` names accepted by get_docs_by_ids: ours, plus chroma's plural spellings.
_INCLUDE_FIELDS = {
    "content": "content",
    "document": "content",
    "documents": "content",
    "metadata": "metadata",
    "metadatas": "metadata",
    "embedding": "embedding",
    "embeddings": "embedding",
}
# Chroma include names that have no meaning for a lookup by id (and the id, always returned); accepted and ignored.
_IGNORED_INCLUDE = {"distances", "uris", "data", "id"}


def include_fields(include: list[str] | str | None) -> tuple[str, ...]:
    """The document fields (``content``, ``metadata``, ``embedding``) a get_docs_by_ids ``include`` asks for.

    None means content and metadata; chroma's plural names are accepted, its query-only names ignored.
    """
    if include is None:
        return ("content", "metadata")
    if isinstance(include, str):
        include = [include]
    fields: list[str] = []
    for name in include:
        if name in _IGNORED_INCLUDE:
            continue
        mapped = _INCLUDE_FIELDS.get(name)
        if mapped is None:
            raise ValueError(f"Unknown include field {name!r}: use 'content', 'metadata' and/or 'embedding'.")
        if mapped not in fields:
            fields.append(mapped)
    return tuple(fields)


def validate_docs(docs: Sequence[Document]) -> None:
    """Every doc needs an ``id`` and a str ``content``, and ids must not repeat within one call."""
    seen: set[ItemID] = set()
    repeated: list[ItemID] = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, Mapping) or doc.get("id") is None:
            raise ValueError(f"Document {i} has no 'id'; every document needs an id and a content.")
        if not isinstance(doc.get("content"), str):
            raise ValueError(f"Document {doc['id']!r} has no str 'content'.")  # noqa: TRY004
        if doc["id"] in seen:
            repeated.append(doc["id"])
        seen.add(doc["id"])
    if repeated:
        raise ValueError(f"The same id appears more than once in one insert: {repeated[:5]}. Ids must be unique.")


def check_dimension(collection_name: str, stored: int | None, given: int) -> None:
    """Raise a ValueError naming both sizes when vectors of ``given`` size meet a collection of ``stored`` size."""
    if stored is not None and stored != given:
        raise ValueError(
            f"Embedding dimension mismatch in collection '{collection_name}': it stores {stored}-dimensional "
            f"vectors but the embedding function gives {given}-dimensional ones. Use the embedding function the "
            "collection was built with, or rebuild it (overwrite=True / a new collection_name). Nothing was changed."
        )
