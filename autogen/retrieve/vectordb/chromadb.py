"""`ChromaVectorDB`: the `VectorDB` protocol on an embedded (or user-given) ChromaDB client.

We embed documents and queries ourselves and hand chroma the vectors, so the user's embedding function
is used on new and existing collections alike. Chroma still receives our embedding function (wrapped),
because its own default one downloads a model at first use, which fails offline.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from ..embeddings import DEFAULT_EMBEDDING_MODEL, DefaultEmbeddingFunction, embeddings_to_matrix
from .base import Document, ItemID, QueryResults
from .utils import check_dimension, chroma_results_to_query_results, filter_results_by_distance, validate_docs

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CHROMADB_MAX_BATCH_SIZE", "ChromaVectorDB"]

logger = logging.getLogger(__name__)

CHROMADB_MAX_BATCH_SIZE = 4096
"""Documents written per chroma call (chroma's own limit may be lower; the smaller one wins)."""
DEFAULT_COLLECTION_METADATA = {"hnsw:space": "ip", "hnsw:construction_ef": 30, "hnsw:M": 32}
"""Inner product on L2-normalised vectors = cosine similarity; distance = 1 - cosine."""

_ADAPTER: type | None = None


def _adapter_class() -> type:
    """A chroma EmbeddingFunction class wrapping any of our embedding callables (built once, on first use)."""
    global _ADAPTER
    if _ADAPTER is not None:
        return _ADAPTER
    from chromadb.api.types import EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    def _missing(texts: list[str]) -> Any:
        raise ValueError(
            "This collection was built by ag2 with a custom embedding function; pass the same "
            "embedding_function again to use it."
        )

    class AG2EmbeddingFunction(EmbeddingFunction):  # type: ignore[type-arg,misc]
        """Lets chroma call an ag2 embedding function (texts -> vectors)."""

        def __init__(self, function: Callable[[list[str]], Any]) -> None:
            self._function = function

        def __call__(self, input: Sequence[str]) -> Any:
            return embeddings_to_matrix(self._function(list(input)))

        @staticmethod
        def name() -> str:
            return "ag2"

        def get_config(self) -> dict[str, Any]:
            default = isinstance(self._function, DefaultEmbeddingFunction)
            return {"model": DEFAULT_EMBEDDING_MODEL if default else "custom"}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> Any:
            if config.get("model") == DEFAULT_EMBEDDING_MODEL:
                return AG2EmbeddingFunction(DefaultEmbeddingFunction())
            return AG2EmbeddingFunction(_missing)

        def default_space(self) -> str:
            return "ip"

        def supported_spaces(self) -> list[str]:
            return ["ip", "cosine", "l2"]

    register_embedding_function(AG2EmbeddingFunction)
    _ADAPTER = AG2EmbeddingFunction
    return _ADAPTER


def _clean_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Chroma stores only flat str/int/float/bool values: encode anything else as JSON."""
    if not metadata:
        return None
    clean: dict[str, Any] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        clean[str(key)] = value if isinstance(value, (str, int, float, bool)) else json.dumps(value, default=str)
    return clean or None


class ChromaVectorDB:
    """A `VectorDB` stored in ChromaDB (embedded ``PersistentClient`` at ``path`` unless ``client`` is given)."""

    def __init__(
        self,
        *,
        client: Any = None,
        path: str | None = "tmp/db",
        embedding_function: Callable[[list[str]], Any] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """``kwargs`` go to ``chromadb.PersistentClient`` (e.g. ``settings``); ``metadata`` is the collection
        metadata (default: HNSW inner-product space)."""
        chromadb = optional_import("chromadb", "retrievechat", feature="ChromaVectorDB")
        if client is None:
            settings = kwargs.pop("settings", None)
            if settings is None:
                from chromadb.config import Settings

                settings = Settings(anonymized_telemetry=False, allow_reset=True)
            client = chromadb.PersistentClient(path=path or "tmp/db", settings=settings, **kwargs)
        self.client = client
        self.path = path
        self.embedding_function = embedding_function if embedding_function is not None else DefaultEmbeddingFunction()
        self.metadata = dict(metadata) if metadata else dict(DEFAULT_COLLECTION_METADATA)
        self.type = "chroma"
        self.active_collection: Any = None
        self._chroma_ef = _adapter_class()(self.embedding_function)

    # ------------------------------------------------------------------ errors

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn "cannot reach the server" failures of a remote chroma client into one clear ConnectionError."""
        try:
            yield
        except (ConnectionError, TimeoutError) as e:
            raise ConnectionError(
                f"ChromaDB is not reachable while trying to {action}: {e}. Is the server running?"
            ) from e
        except Exception as e:
            if "connect" in type(e).__name__.lower() or "Could not connect" in str(e):
                raise ConnectionError(
                    f"ChromaDB is not reachable while trying to {action}: {e}. Is the server running?"
                ) from e
            raise

    # ------------------------------------------------------------------ collections

    def _open(self, collection_name: str) -> Any:
        from chromadb.errors import NotFoundError

        with self._guard(f"open collection '{collection_name}'"):
            try:
                return self.client.get_collection(collection_name, embedding_function=self._chroma_ef)
            except NotFoundError:
                return None
            except ValueError as e:
                if "does not exist" in str(e):
                    return None
                # Built with another embedding function config: open it as is; we embed ourselves anyway.
                logger.debug(
                    "Opening collection %s without re-attaching the embedding function: %s", collection_name, e
                )
                return self.client.get_collection(collection_name)

    def create_collection(self, collection_name: str, overwrite: bool = False, get_or_create: bool = True) -> Any:
        """Create ``collection_name``; when it exists: recreate it (overwrite), return it (get_or_create) or raise ValueError."""
        existing = self._open(collection_name)
        if existing is not None and overwrite:
            with self._guard(f"delete collection '{collection_name}'"):
                self.client.delete_collection(collection_name)
            existing = None
        if existing is not None:
            if not get_or_create:
                raise ValueError(
                    f"Collection {collection_name} already exists. Pass get_or_create=True to use it, or "
                    "overwrite=True to rebuild it."
                )
            collection = existing
        else:
            with self._guard(f"create collection '{collection_name}'"):
                collection = self.client.create_collection(
                    collection_name, embedding_function=self._chroma_ef, metadata=self.metadata
                )
        self.active_collection = collection
        return collection

    def get_collection(self, collection_name: str | None = None) -> Any:
        """The collection named ``collection_name`` (None = the active one); ValueError when it does not exist."""
        if collection_name is None:
            if self.active_collection is None:
                raise ValueError("No collection is specified and there is no active collection; create one first.")
            return self.active_collection
        if self.active_collection is not None and self.active_collection.name == collection_name:
            return self.active_collection
        collection = self._open(collection_name)
        if collection is None:
            raise ValueError(f"Collection {collection_name} does not exist.")
        self.active_collection = collection
        return collection

    def delete_collection(self, collection_name: str) -> None:
        """Delete ``collection_name`` (and forget it if it was the active one)."""
        with self._guard(f"delete collection '{collection_name}'"):
            self.client.delete_collection(collection_name)
        if self.active_collection is not None and self.active_collection.name == collection_name:
            self.active_collection = None

    # ------------------------------------------------------------------ documents

    def _embed(self, texts: list[str]) -> np.ndarray:
        function = self.embedding_function
        if isinstance(function, DefaultEmbeddingFunction):
            return function.embed(texts)  # numpy straight through, no list round-trip
        matrix = embeddings_to_matrix(function(texts))
        if matrix.shape[0] != len(texts):
            raise ValueError(
                f"The embedding function returned {matrix.shape[0]} vectors for {len(texts)} texts; it must return one per text."
            )
        return matrix

    def _doc_embeddings(self, docs: Sequence[Document]) -> np.ndarray:
        np = optional_import("numpy", "retrievechat")
        given = [d.get("embedding") for d in docs]
        if all(e is not None for e in given):
            lengths = {len(e) for e in given}  # type: ignore[arg-type]
            if len(lengths) > 1:
                raise ValueError(
                    f"The documents' embeddings have different lengths {sorted(lengths)}; they must all match."
                )
            return np.asarray(given, dtype=np.float32)
        matrix = self._embed([d["content"] for d in docs])
        for i, e in enumerate(given):
            if e is not None:
                matrix[i] = np.asarray(e, dtype=np.float32)
        return matrix

    @staticmethod
    def _stored_dimension(collection: Any) -> int | None:
        got = collection.get(limit=1, include=["embeddings"])
        embeddings = got.get("embeddings")
        if embeddings is None or len(embeddings) == 0:
            return None
        return len(embeddings[0])

    def _batch_size(self) -> int:
        try:
            return max(1, min(int(self.client.get_max_batch_size()), CHROMADB_MAX_BATCH_SIZE))
        except Exception:  # noqa: BLE001 - older/remote clients may not offer it
            return CHROMADB_MAX_BATCH_SIZE

    def _write(self, docs: list[Document], collection_name: str | None, mode: str) -> None:
        if not docs:
            return
        validate_docs(docs)
        collection = self.get_collection(collection_name)
        name = collection.name
        with self._guard(f"write to collection '{name}'"):
            stored = self._stored_dimension(collection)
            step = self._batch_size()
            for start in range(0, len(docs), step):
                batch = docs[start : start + step]
                embeddings = self._doc_embeddings(batch)
                # Check before the first write so a mismatch leaves the collection as it was.
                check_dimension(name, stored, embeddings.shape[1])
                if start == 0:
                    stored = embeddings.shape[1]
                metadatas = [_clean_metadata(d.get("metadata")) for d in batch]
                write = getattr(collection, mode)
                write(
                    ids=[str(d["id"]) for d in batch],
                    documents=[d["content"] for d in batch],
                    embeddings=embeddings,
                    metadatas=metadatas if any(m is not None for m in metadatas) else None,
                )

    def insert_docs(
        self, docs: list[Document], collection_name: str | None = None, upsert: bool = False, **kwargs: Any
    ) -> None:
        """Add ``docs``; with ``upsert`` existing ids are replaced, otherwise chroma keeps the stored version."""
        self._write(docs, collection_name, "upsert" if upsert else "add")

    def update_docs(self, docs: list[Document], collection_name: str | None = None, **kwargs: Any) -> None:
        """Replace content/metadata/embedding of existing ids."""
        self._write(docs, collection_name, "update")

    def delete_docs(self, ids: list[ItemID], collection_name: str | None = None, **kwargs: Any) -> None:
        """Delete the documents with these ids."""
        if not ids:
            return
        collection = self.get_collection(collection_name)
        with self._guard(f"delete from collection '{collection.name}'"):
            collection.delete(ids=[str(i) for i in ids], **kwargs)

    def retrieve_docs(
        self,
        queries: list[str],
        collection_name: str | None = None,
        n_results: int = 10,
        distance_threshold: float = -1,
        **kwargs: Any,
    ) -> QueryResults:
        """The ``n_results`` nearest documents for each query (distance = 1 - cosine for the default space).

        ``kwargs`` go to chroma's query, e.g. ``where`` or ``where_document={"$contains": "word"}``.
        """
        if isinstance(queries, str):
            queries = [queries]
        if not queries:
            return []
        collection = self.get_collection(collection_name)
        with self._guard(f"query collection '{collection.name}'"):
            size = collection.count()
            if size == 0 or n_results < 1:
                return [[] for _ in queries]
            query_embeddings = self._embed(list(queries))
            kwargs = {k: v for k, v in kwargs.items() if v is not None}
            try:
                results = collection.query(
                    query_embeddings=query_embeddings,
                    n_results=min(n_results, size),
                    include=["documents", "metadatas", "distances"],
                    **kwargs,
                )
            except Exception as e:
                match = re.search(r"dimension of (\d+), got (\d+)", str(e))
                if match:
                    check_dimension(collection.name, int(match.group(1)), int(match.group(2)))
                raise
        return filter_results_by_distance(chroma_results_to_query_results(results, "distances"), distance_threshold)

    def get_docs_by_ids(
        self,
        ids: list[ItemID] | None = None,
        collection_name: str | None = None,
        include: list[str] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """The stored documents with these ids (all documents when ``ids`` is None)."""
        collection = self.get_collection(collection_name)
        include = list(include) if include else ["metadatas", "documents"]
        if "documents" not in include:
            include.append("documents")
        with self._guard(f"read collection '{collection.name}'"):
            got = collection.get(ids=[str(i) for i in ids] if ids is not None else None, include=include, **kwargs)
        docs: list[Document] = []
        embeddings = got.get("embeddings")
        for i, doc_id in enumerate(got["ids"]):
            doc: Document = {"id": doc_id, "content": got["documents"][i] if got.get("documents") else ""}
            if got.get("metadatas") is not None:
                doc["metadata"] = got["metadatas"][i]
            if embeddings is not None and len(embeddings) > i:
                doc["embedding"] = list(map(float, embeddings[i]))
            docs.append(doc)
        return docs
