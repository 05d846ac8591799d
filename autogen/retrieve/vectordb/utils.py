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


def chroma_results_to_query_results(data_dict: Mapping[str, Any], special_key: str = "distances") -> QueryResults:
    """Turn a chroma-style column dict (``ids``, ``documents``/``contents``, ``metadatas``, ``distances``...)
    into `QueryResults`: one list per query of (Document, distance) pairs."""
    ids = data_dict.get("ids") or []
    out: QueryResults = []
    contents = data_dict.get("contents", data_dict.get("documents"))
    for q, id_list in enumerate(ids):
        row: list[tuple[Document, float]] = []
        for i, doc_id in enumerate(id_list):
            doc: Document = {"id": doc_id, "content": contents[q][i] if contents else ""}
            metadatas = data_dict.get("metadatas")
            if metadatas is not None and metadatas[q] is not None:
                doc["metadata"] = metadatas[q][i]
            embeddings = data_dict.get("embeddings")
            if embeddings is not None and embeddings[q] is not None and len(embeddings[q]) > i:
                doc["embedding"] = embeddings[q][i]
            specials = data_dict.get(special_key)
            row.append((doc, float(specials[q][i]) if specials is not None else 0.0))
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
