"""`QdrantVectorDB`: the `VectorDB` protocol on qdrant-client (local ``:memory:``/``path=`` mode or a server URL).

The default embedder is ours (all-MiniLM-L6-v2 on ONNX, offline), not FastEmbed (which downloads its
model). Qdrant point ids must be UUIDs or unsigned ints: any other str id is mapped to a stable UUID and
the original id is kept in the payload, so callers always see their own ids.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from ..embeddings import DefaultEmbeddingFunction, embedding_dimension, embeddings_to_matrix
from .base import Document, ItemID, QueryResults
from .utils import check_dimension, filter_results_by_distance, validate_docs

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FastEmbedEmbeddingFunction", "QdrantVectorDB"]

logger = logging.getLogger(__name__)

_ID_KEY = "_ag2_id"
_ID_NAMESPACE = uuid.UUID("6f1c8bd2-6a5e-4ac6-8a52-3c1b0b3c2f00")
_UPSERT_BATCH = 1024


class FastEmbedEmbeddingFunction:
    """FastEmbed text embeddings (needs ``pip install fastembed`` and its model files; it downloads them)."""

    def __init__(self, model_name: str = "BAAI/bge-small-en-v1.5", batch_size: int = 256, **kwargs: Any) -> None:
        fastembed = optional_import("fastembed", "retrievechat-qdrant", feature="FastEmbedEmbeddingFunction")
        self._model = fastembed.TextEmbedding(model_name=model_name, **kwargs)
        self._batch_size = batch_size

    def __call__(self, inputs: list[str]) -> list[list[float]]:
        return [e.tolist() for e in self._model.embed(inputs, batch_size=self._batch_size)]


def _point_id(doc_id: ItemID) -> str | int:
    """A Qdrant-valid point id for ``doc_id`` (ints and UUID strings as they are, other strings via uuid5)."""
    if isinstance(doc_id, int) and not isinstance(doc_id, bool) and doc_id >= 0:
        return doc_id
    text = str(doc_id)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(_ID_NAMESPACE, text))


def _normalise(matrix: np.ndarray) -> np.ndarray:
    np = optional_import("numpy", "retrievechat-qdrant")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


class QdrantVectorDB:
    """A `VectorDB` stored in Qdrant. ``kwargs`` go to ``QdrantClient`` (``location=":memory:"``, ``path=``,
    ``url=``...); with none of them the client runs in memory, in this process."""

    def __init__(
        self,
        *,
        client: Any = None,
        embedding_function: Callable[[list[str]], Any] | None = None,
        content_payload_key: str = "_content",
        metadata_payload_key: str = "_metadata",
        collection_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        qdrant_client = optional_import("qdrant_client", "retrievechat-qdrant", feature="QdrantVectorDB")
        if client is None:
            if not any(kwargs.get(k) for k in ("location", "url", "host", "path")):
                kwargs["location"] = ":memory:"
            client = qdrant_client.QdrantClient(**kwargs)
        self.client = client
        self.embedding_function = embedding_function if embedding_function is not None else DefaultEmbeddingFunction()
        self.content_payload_key = content_payload_key
        self.metadata_payload_key = metadata_payload_key
        self.collection_options = dict(collection_options or {})
        self.type = "qdrant"
        self.active_collection: str | None = None
        self._where = (
            kwargs.get("url") or kwargs.get("host") or kwargs.get("path") or kwargs.get("location") or "the client"
        )
        self._dimensions: dict[str, int] = {}
        self._similarity: dict[str, bool] = {}  # collection -> score is a similarity (dot/cosine), not a distance

    # ------------------------------------------------------------------ errors

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn connection failures into one ConnectionError saying which server could not be reached."""
        try:
            yield
        except ValueError:
            raise
        except Exception as e:
            name = type(e).__name__
            if (
                isinstance(e, (ConnectionError, TimeoutError))
                or name in ("ResponseHandlingException", "ConnectError")
                or ("Connection refused" in str(e))
            ):
                raise ConnectionError(
                    f"Qdrant at {self._where} is not reachable while trying to {action}: {e}. "
                    "Start the server (or use location=':memory:' / path=... for local mode)."
                ) from e
            raise

    # ------------------------------------------------------------------ collections

    def _exists(self, name: str) -> bool:
        with self._guard(f"look up collection '{name}'"):
            return bool(self.client.collection_exists(name))

    def _dimension(self, name: str) -> int:
        if name not in self._dimensions:
            with self._guard(f"read collection '{name}'"):
                vectors = self.client.get_collection(name).config.params.vectors
            params = vectors
            if getattr(vectors, "size", None) is None and isinstance(vectors, Mapping) and vectors:
                params = next(iter(vectors.values()))
            self._dimensions[name] = int(params.size)
            self._similarity[name] = str(getattr(params, "distance", "Cosine")).lower().split(".")[-1] in (
                "cosine",
                "dot",
            )
        return self._dimensions[name]

    def create_collection(self, collection_name: str, overwrite: bool = False, get_or_create: bool = True) -> str:
        """Create ``collection_name`` (vector size from the embedding function); see `VectorDB`.

        Vectors are L2-normalised here on the way in and out, so the collection uses the dot product,
        which equals cosine similarity (and spares qdrant's local mode re-normalising every stored vector
        on each query)."""
        from qdrant_client import models

        exists = self._exists(collection_name)
        if exists and overwrite:
            self.delete_collection(collection_name)
            exists = False
        if exists and not get_or_create:
            raise ValueError(
                f"Collection {collection_name} already exists. Pass get_or_create=True to use it, or overwrite=True to rebuild it."
            )
        if not exists:
            size = embedding_dimension(self.embedding_function)
            options = dict(self.collection_options)
            vectors_config = options.pop("vectors_config", None) or models.VectorParams(
                size=size, distance=models.Distance.DOT
            )
            with self._guard(f"create collection '{collection_name}'"):
                self.client.create_collection(collection_name, vectors_config=vectors_config, **options)
        self.active_collection = collection_name
        return collection_name

    def get_collection(self, collection_name: str | None = None) -> str:
        """The name of the collection (None = the active one); ValueError when it does not exist."""
        name = collection_name if collection_name is not None else self.active_collection
        if name is None:
            raise ValueError("No collection is specified and there is no active collection; create one first.")
        if not self._exists(name):
            raise ValueError(f"Collection {name} does not exist.")
        self.active_collection = name
        return name

    def delete_collection(self, collection_name: str) -> None:
        """Delete ``collection_name``."""
        with self._guard(f"delete collection '{collection_name}'"):
            self.client.delete_collection(collection_name)
        self._dimensions.pop(collection_name, None)
        if self.active_collection == collection_name:
            self.active_collection = None

    # ------------------------------------------------------------------ documents

    def _embed(self, texts: list[str]) -> np.ndarray:
        function = self.embedding_function
        if isinstance(function, DefaultEmbeddingFunction):
            return function.embed(texts)
        matrix = embeddings_to_matrix(function(texts))
        if matrix.shape[0] != len(texts):
            raise ValueError(f"The embedding function returned {matrix.shape[0]} vectors for {len(texts)} texts.")
        return matrix

    def _points(self, docs: Sequence[Document], name: str) -> list[Any]:
        from qdrant_client import models

        np = optional_import("numpy", "retrievechat-qdrant")
        given = [d.get("embedding") for d in docs]
        missing = [i for i, e in enumerate(given) if e is None]
        computed = self._embed([docs[i]["content"] for i in missing]) if missing else None
        vectors: list[Any] = list(given)
        for row, i in enumerate(missing):
            vectors[i] = computed[row]  # type: ignore[index]
        matrix = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)
        if matrix.ndim != 2:
            raise ValueError("The documents' embeddings have different lengths; they must all match.")
        check_dimension(name, self._dimension(name), matrix.shape[1])
        matrix = _normalise(matrix)
        points = []
        for doc, vector in zip(docs, matrix):
            payload: dict[str, Any] = {self.content_payload_key: doc["content"]}
            metadata = doc.get("metadata")
            if metadata is not None:
                payload[self.metadata_payload_key] = dict(metadata)
            point_id = _point_id(doc["id"])
            if point_id != doc["id"]:
                payload[_ID_KEY] = doc["id"]
            points.append(models.PointStruct(id=point_id, vector=vector.tolist(), payload=payload))
        return points

    def _existing_ids(self, name: str, point_ids: list[str | int]) -> set[str | int]:
        with self._guard(f"read collection '{name}'"):
            found = self.client.retrieve(name, ids=point_ids, with_payload=False, with_vectors=False)
        return {p.id for p in found}

    def insert_docs(
        self, docs: list[Document], collection_name: str | None = None, upsert: bool = False, **kwargs: Any
    ) -> None:
        """Add ``docs``; without ``upsert``, documents whose ids are already stored are left unchanged."""
        if not docs:
            return
        validate_docs(docs)
        name = self.get_collection(collection_name)
        for start in range(0, len(docs), _UPSERT_BATCH):
            batch = docs[start : start + _UPSERT_BATCH]
            if not upsert:
                existing = self._existing_ids(name, [_point_id(d["id"]) for d in batch])
                if existing:
                    logger.info("Skipping %d documents whose ids already exist in %s.", len(existing), name)
                    batch = [d for d in batch if _point_id(d["id"]) not in existing]
                if not batch:
                    continue
            points = self._points(batch, name)  # checks the dimension before anything is written
            with self._guard(f"write to collection '{name}'"):
                self.client.upsert(name, points=points, wait=True)

    def update_docs(self, docs: list[Document], collection_name: str | None = None, **kwargs: Any) -> None:
        """Replace the stored documents with these ids; ValueError if some id is not stored."""
        if not docs:
            return
        validate_docs(docs)
        name = self.get_collection(collection_name)
        point_ids = [_point_id(d["id"]) for d in docs]
        missing = [d["id"] for d, p in zip(docs, point_ids) if p not in self._existing_ids(name, point_ids)]
        if missing:
            raise ValueError(f"Cannot update documents that are not in {name}: {missing[:5]}.")
        points = self._points(docs, name)
        with self._guard(f"write to collection '{name}'"):
            self.client.upsert(name, points=points, wait=True)

    def delete_docs(self, ids: list[ItemID], collection_name: str | None = None, **kwargs: Any) -> None:
        """Delete the documents with these ids."""
        if not ids:
            return
        from qdrant_client import models

        name = self.get_collection(collection_name)
        with self._guard(f"delete from collection '{name}'"):
            self.client.delete(name, points_selector=models.PointIdsList(points=[_point_id(i) for i in ids]), wait=True)

    def _to_document(self, point: Any, with_vector: bool = False) -> Document:
        payload = point.payload or {}
        doc: Document = {"id": payload.get(_ID_KEY, point.id), "content": payload.get(self.content_payload_key, "")}
        doc["metadata"] = payload.get(self.metadata_payload_key)
        if with_vector and point.vector is not None:
            doc["embedding"] = list(point.vector) if not isinstance(point.vector, dict) else point.vector
        return doc

    def retrieve_docs(
        self,
        queries: list[str],
        collection_name: str | None = None,
        n_results: int = 10,
        distance_threshold: float = -1,
        **kwargs: Any,
    ) -> QueryResults:
        """The ``n_results`` nearest documents per query; distance = 1 - cosine similarity."""
        if isinstance(queries, str):
            queries = [queries]
        if not queries:
            return []
        name = self.get_collection(collection_name)
        if n_results < 1:
            return [[] for _ in queries]
        matrix = self._embed(list(queries))
        check_dimension(name, self._dimension(name), matrix.shape[1])
        matrix = _normalise(matrix)
        similarity = self._similarity.get(name, True)
        out: QueryResults = []
        with self._guard(f"query collection '{name}'"):
            for vector in matrix:
                response = self.client.query_points(
                    name, query=vector.tolist(), limit=n_results, with_payload=True, **kwargs
                )
                out.append(
                    [
                        (self._to_document(p), 1.0 - float(p.score) if similarity else float(p.score))
                        for p in response.points
                    ]
                )
        return filter_results_by_distance(out, distance_threshold)

    def get_docs_by_ids(
        self,
        ids: list[ItemID] | None = None,
        collection_name: str | None = None,
        include: list[str] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """The stored documents with these ids (all documents when ``ids`` is None)."""
        name = self.get_collection(collection_name)
        with_vectors = bool(include and "embedding" in " ".join(include))
        with self._guard(f"read collection '{name}'"):
            if ids is not None:
                points = self.client.retrieve(
                    name, ids=[_point_id(i) for i in ids], with_payload=True, with_vectors=with_vectors
                )
            else:
                points, offset = [], None
                while True:
                    page, offset = self.client.scroll(
                        name, limit=1024, offset=offset, with_payload=True, with_vectors=with_vectors
                    )
                    points.extend(page)
                    if offset is None:
                        break
        return [self._to_document(p, with_vectors) for p in points]
