"""The pre-VectorDB chroma helpers of `autogen.retrieve_utils`: build a collection from files, then query it.

Both take the user's ``embedding_function`` (or the offline default for ``embedding_model``) and use it
for new and existing collections alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..import_utils import optional_import
from .chunking import iter_file_chunks
from .documents import TEXT_FORMATS, get_files_from_dir
from .embeddings import DEFAULT_EMBEDDING_MODEL, embeddings_to_matrix, get_embedding_function

__all__ = ["create_vector_db_from_dir", "query_vector_db"]

logger = logging.getLogger(__name__)

_LEGACY_METADATA = {"hnsw:space": "ip", "hnsw:construction_ef": 30, "hnsw:M": 32}


def _client(client: Any, db_path: str) -> Any:
    if client is not None:
        return client
    chromadb = optional_import("chromadb", "retrievechat", feature="The chroma retrieval helpers")
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=db_path, settings=Settings(anonymized_telemetry=False, allow_reset=True))


def _wrap(embedding_function: Callable[[list[str]], Any]) -> Any:
    from .vectordb.chromadb import _adapter_class

    return _adapter_class()(embedding_function)


def create_vector_db_from_dir(
    dir_path: str | list[str],
    max_tokens: int = 4000,
    client: Any = None,
    db_path: str = "tmp/chromadb.db",
    collection_name: str = "all-my-documents",
    get_or_create: bool = False,
    chunk_mode: str = "multi_lines",
    must_break_at_empty_line: bool = True,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    embedding_function: Callable[[list[str]], Any] | None = None,
    custom_text_split_function: Callable[[str], list[str]] | None = None,
    custom_text_types: list[str] = TEXT_FORMATS,
    recursive: bool = True,
    extra_docs: bool = False,
) -> Any:
    """Chunk the documents under ``dir_path`` into a chroma collection and return the chroma client.

    Chunk ids are content hashes, so indexing the same files again adds nothing new (``extra_docs`` is
    accepted for compatibility: new content is always added, stored content is never duplicated).
    An existing collection with ``get_or_create=False`` is logged and left as it is.
    """
    from .vectordb.chromadb import ChromaVectorDB

    client = _client(client, db_path)
    function = embedding_function if embedding_function is not None else get_embedding_function(embedding_model)
    db = ChromaVectorDB(client=client, embedding_function=function, metadata=dict(_LEGACY_METADATA))
    try:
        db.create_collection(collection_name, overwrite=False, get_or_create=get_or_create)
    except ValueError as e:
        logger.warning("%s", e)
        return client
    files = get_files_from_dir(dir_path, custom_text_types, recursive)
    chunks = iter_file_chunks(
        files, max_tokens, chunk_mode, must_break_at_empty_line, custom_text_split_function=custom_text_split_function
    )
    batch: list[dict[str, Any]] = []
    total = 0
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.id in seen:
            continue
        seen.add(chunk.id)
        batch.append({"id": chunk.id, "content": chunk.content, "metadata": chunk.metadata})
        if len(batch) >= 1024:
            db.insert_docs(batch, collection_name, upsert=True)  # type: ignore[arg-type]
            total += len(batch)
            batch = []
    if batch:
        db.insert_docs(batch, collection_name, upsert=True)  # type: ignore[arg-type]
        total += len(batch)
    logger.info("Indexed %d chunks into %s.", total, collection_name)
    return client


def query_vector_db(
    query_texts: list[str],
    n_results: int = 10,
    client: Any = None,
    db_path: str = "tmp/chromadb.db",
    collection_name: str = "all-my-documents",
    search_string: str = "",
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    embedding_function: Callable[[list[str]], Any] | None = None,
) -> dict[str, Any]:
    """Query a chroma collection; returns chroma's column dict (``ids``, ``documents``, ``metadatas``, ``distances``...).

    ``search_string`` keeps only documents containing it. A missing collection raises ValueError.
    """
    from chromadb.errors import NotFoundError

    client = _client(client, db_path)
    function = embedding_function if embedding_function is not None else get_embedding_function(embedding_model)
    try:
        try:
            collection = client.get_collection(collection_name, embedding_function=_wrap(function))
        except ValueError as e:
            if "does not exist" in str(e):
                raise
            collection = client.get_collection(collection_name)
    except (NotFoundError, ValueError) as e:
        raise ValueError(
            f"Collection {collection_name} does not exist; build it first with create_vector_db_from_dir."
        ) from e
    # Embed the queries ourselves: the collection's stored function may not be the one given here.
    query_embeddings = embeddings_to_matrix(function(list(query_texts)))
    size = collection.count()
    return collection.query(
        query_embeddings=query_embeddings,
        n_results=max(1, min(n_results, size)) if size else n_results,
        where_document={"$contains": search_string} if search_string else None,
        include=["documents", "metadatas", "distances"],
    )
