"""A `VectorDB` on MongoDB Atlas Vector Search (pymongo).

Documents are stored as ``{"_id": id, "content": str, "metadata": dict | None, "embedding": [float]}``;
each collection gets an Atlas search index of type ``vectorSearch`` on the ``embedding`` field, and
queries run the ``$vectorSearch`` aggregation stage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from .base import Document, EmbeddingFunction, ItemID, QueryResults
from .utils import include_fields

if TYPE_CHECKING:
    from pymongo.collection import Collection

__all__ = ["MongoDBAtlasVectorDB"]

logger = logging.getLogger(__name__)

_EXTRA = "retrievechat-mongodb"
DEFAULT_INSERT_BATCH_SIZE = 100_000
# Atlas rejects a $vectorSearch whose numCandidates is above this.
_MAX_NUM_CANDIDATES = 10_000
_SIMILARITIES = ("cosine", "dotProduct", "euclidean")


class MongoDBAtlasVectorDB:
    """Vector database on MongoDB Atlas (``mongodb+srv://...``) using Atlas Vector Search.

    ``wait_until_index_ready`` / ``wait_until_document_ready`` (seconds, None = do not wait) make
    index creation / writes block until Atlas reports the search index queryable / the last written
    document findable by ``$vectorSearch`` (Atlas indexes asynchronously); TimeoutError otherwise.

    Distances are reported like the other backends (smaller = closer) and derived from Atlas'
    normalised ``vectorSearchScore``: cosine and dotProduct give ``1 - similarity`` (= 2 - 2*score),
    euclidean gives the euclidean distance (= 1/score - 1). ``distance_threshold`` keeps distances
    strictly below it.

    Extra keyword-only arguments: ``client`` (an existing MongoClient-like object, used instead of
    ``connection_string``), ``similarity`` ("cosine", "dotProduct" or "euclidean") and
    ``server_selection_timeout_ms`` (how long connecting may take; default 10 s).

    Not exercised by this project's tests: a MongoDB server cannot run on the test machines, so
    the tests use mongomock for storage; Atlas ``$vectorSearch`` queries and search index creation,
    listing and readiness are checked only against a recording fake (the pipelines and index
    definitions sent are asserted, not Atlas' answers to them).
    """

    type: str = "mongodb"

    def __init__(
        self,
        connection_string: str = "",
        database_name: str = "vector_db",
        embedding_function: EmbeddingFunction | None = None,
        collection_name: str | None = None,
        index_name: str = "vector_index",
        overwrite: bool = False,
        wait_until_index_ready: float | None = None,
        wait_until_document_ready: float | None = None,
        *,
        client: Any = None,
        similarity: str = "cosine",
        server_selection_timeout_ms: int = 10_000,
    ) -> None:
        if similarity not in _SIMILARITIES:
            raise ValueError(f"similarity must be one of {', '.join(_SIMILARITIES)}; got {similarity!r}.")
        if not index_name or not isinstance(index_name, str):
            raise ValueError("index_name must be a non-empty string.")
        self.embedding_function: EmbeddingFunction | None = embedding_function
        self.index_name = index_name
        self.similarity = similarity
        self._wait_until_index_ready = wait_until_index_ready
        self._wait_until_document_ready = wait_until_document_ready
        self._poll_interval = 0.5
        self._dimensions: int | None = None
        self.client = client if client is not None else _connect(connection_string, server_selection_timeout_ms)
        self.db = self.client[database_name]
        self.active_collection: Collection | None = None
        if collection_name:
            self.active_collection = self.create_collection(collection_name, overwrite=overwrite)

    # ------------------------------------------------------------------ collections

    @property
    def dimensions(self) -> int:
        """Vector length of the embedding function (measured once, on first need)."""
        if self._dimensions is None:
            from ..embeddings import embedding_dimension

            self._dimensions = embedding_dimension(self._embedder())
        return self._dimensions

    def list_collections(self) -> list[str]:
        """Names of the collections in the database."""
        return list(self.db.list_collection_names())

    def create_collection(
        self, collection_name: str, overwrite: bool = False, get_or_create: bool = True
    ) -> Collection:
        """Create the collection and its vector search index; recreate it when ``overwrite``;
        return it when it exists and ``get_or_create``; otherwise ValueError if it exists."""
        _check_name(collection_name)
        exists = collection_name in self.db.list_collection_names()
        if exists and overwrite:
            self.delete_collection(collection_name)
            exists = False
        if exists and not get_or_create:
            raise ValueError(
                f"Collection {collection_name!r} already exists. Pass get_or_create=True to use it, "
                "or overwrite=True to replace it."
            )
        collection = self.db[collection_name] if exists else self.db.create_collection(collection_name)
        if self._find_index(collection) is None:
            self.create_vector_search_index(collection, self.index_name, self.similarity)
        self.active_collection = collection
        return collection

    def get_collection(self, collection_name: str | None = None) -> Collection:
        """Return the named collection (which becomes the active one) or, with no name, the active
        collection. ValueError when it does not exist."""
        if collection_name is None:
            if self.active_collection is None:
                raise ValueError("No collection is active: pass collection_name, or call create_collection() first.")
            return self.active_collection
        _check_name(collection_name)
        if collection_name not in self.db.list_collection_names():
            raise ValueError(
                f"Collection {collection_name!r} does not exist. Create it with create_collection({collection_name!r})."
            )
        self.active_collection = self.db[collection_name]
        return self.active_collection

    def delete_collection(self, collection_name: str) -> None:
        """Drop the collection's search indexes, then the collection (nothing happens if it is missing)."""
        _check_name(collection_name)
        collection = self.db[collection_name]
        if collection_name in self.db.list_collection_names():
            try:
                indexes = self._search_indexes(collection)
            except RuntimeError:  # not Atlas: there are no search indexes to drop
                indexes = []
            for index in indexes:
                collection.drop_search_index(index["name"])
            if self._wait_until_index_ready:
                self._wait_for(
                    lambda: not self._search_indexes(collection),
                    self._wait_until_index_ready,
                    f"the search indexes of collection {collection_name!r} to be dropped",
                )
            collection.drop()
        if self.active_collection is not None and self.active_collection.name == collection_name:
            self.active_collection = None

    def create_vector_search_index(
        self, collection: Collection, index_name: str = "vector_index", similarity: str = "cosine"
    ) -> None:
        """Create the Atlas ``vectorSearch`` index on ``embedding`` and wait for it when asked."""
        model = {
            "name": index_name,
            "type": "vectorSearch",
            "definition": {
                "fields": [
                    {"type": "vector", "path": "embedding", "numDimensions": self.dimensions, "similarity": similarity}
                ]
            },
        }
        try:
            collection.create_search_index(model)
        except Exception as e:
            raise RuntimeError(
                f"Could not create the vector search index {index_name!r} on collection {collection.name!r}: {e}. "
                "Vector search needs a MongoDB Atlas cluster (or Atlas local deployment); on a shared/free tier you "
                "may have to create the index in the Atlas UI with this definition: "
                f"{model['definition']}"
            ) from e
        if self._wait_until_index_ready:
            self._wait_for(
                lambda: self._index_ready(collection, index_name),
                self._wait_until_index_ready,
                f"search index {index_name!r} on collection {collection.name!r} to be ready",
            )

    # ------------------------------------------------------------------ documents

    def insert_docs(
        self,
        docs: list[Document],
        collection_name: str | None = None,
        upsert: bool = False,
        batch_size: int = DEFAULT_INSERT_BATCH_SIZE,
        **kwargs: Any,
    ) -> None:
        """Store documents, computing embeddings for those that have none.

        Without ``upsert`` an id already stored (or repeated in ``docs``) is a ValueError and nothing
        is written; with ``upsert`` stored documents are replaced.
        """
        if not docs:
            return
        collection = self.get_collection(collection_name)
        records = self._records(docs, collection, allow_duplicates=upsert)
        if upsert:
            pymongo = optional_import("pymongo", _EXTRA, feature="MongoDBAtlasVectorDB")
            ops = [pymongo.ReplaceOne({"_id": r["_id"]}, r, upsert=True) for r in records]
            for start in range(0, len(ops), batch_size):
                collection.bulk_write(ops[start : start + batch_size], ordered=True)
        else:
            ids = [r["_id"] for r in records]
            taken = [d["_id"] for d in collection.find({"_id": {"$in": ids}}, {"_id": 1})]
            if taken:
                raise ValueError(
                    f"Cannot insert into collection {collection.name!r}: ids already stored: {taken[:10]}. "
                    "Nothing was written. Pass upsert=True to replace stored documents."
                )
            for start in range(0, len(records), batch_size):
                collection.insert_many(records[start : start + batch_size], ordered=True)
        self._wait_for_document(collection, records[-1])

    def update_docs(self, docs: list[Document], collection_name: str | None = None, **kwargs: Any) -> None:
        """Update stored documents (content, embedding, and metadata when given). Ids not stored are
        skipped, unless ``upsert=True`` is passed, which inserts them."""
        if not docs:
            return
        pymongo = optional_import("pymongo", _EXTRA, feature="MongoDBAtlasVectorDB")
        collection = self.get_collection(collection_name)
        records = self._records(docs, collection, allow_duplicates=True)
        upsert = bool(kwargs.get("upsert", False))
        ops = []
        for record, doc in zip(records, _dedupe_last(docs)):
            fields = {k: v for k, v in record.items() if k != "_id"}
            if "metadata" not in doc:  # an update without metadata keeps what is stored
                fields.pop("metadata", None)
            ops.append(pymongo.UpdateOne({"_id": record["_id"]}, {"$set": fields}, upsert=upsert))
        result = collection.bulk_write(ops, ordered=True)
        matched = getattr(result, "matched_count", None)
        upserted = getattr(result, "upserted_count", 0) or 0
        if matched is not None and matched + upserted < len(ops):
            logger.warning("update_docs: %d of %d ids are not stored and were skipped.", len(ops) - matched, len(ops))
        self._wait_for_document(collection, records[-1])

    def delete_docs(self, ids: list[ItemID], collection_name: str | None = None, **kwargs: Any) -> None:
        """Delete the documents with these ids; unknown ids are ignored."""
        collection = self.get_collection(collection_name)
        if ids:
            collection.delete_many({"_id": {"$in": list(ids)}})

    def get_docs_by_ids(
        self,
        ids: list[ItemID] | None = None,
        collection_name: str | None = None,
        include: list[str] | None = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Fetch documents by id, in the order asked (missing ids skipped); ``ids=None`` returns all.
        ``include`` picks among "content", "metadata", "embedding" (default: content and metadata)."""
        collection = self.get_collection(collection_name)
        fields = include_fields(include)
        projection = {"_id": 1, **{f: 1 for f in fields}}
        if ids is None:
            return [_to_document(d, fields) for d in collection.find({}, projection)]
        if not ids:
            return []
        found = {d["_id"]: d for d in collection.find({"_id": {"$in": list(ids)}}, projection)}
        out: list[Document] = []
        seen: set[Any] = set()
        for i in ids:
            if i in found and i not in seen:
                seen.add(i)
                out.append(_to_document(found[i], fields))
        return out

    def retrieve_docs(
        self,
        queries: list[str],
        collection_name: str | None = None,
        n_results: int = 10,
        distance_threshold: float = -1,
        **kwargs: Any,
    ) -> QueryResults:
        """Nearest documents for each query via ``$vectorSearch``, closest first, as (document, distance).

        Keyword options: ``oversampling_factor`` (numCandidates = n_results x this, default 10,
        capped at Atlas' 10,000) and ``include_embedding`` (default False).
        """
        if isinstance(queries, str):
            queries = [queries]
        if not isinstance(n_results, int) or isinstance(n_results, bool) or n_results < 1:
            raise ValueError(f"n_results must be a positive integer, got {n_results!r}.")
        if n_results > _MAX_NUM_CANDIDATES:
            raise ValueError(
                f"Atlas vector search returns at most {_MAX_NUM_CANDIDATES} results; got n_results={n_results}."
            )
        oversampling = kwargs.get("oversampling_factor", 10)
        if not isinstance(oversampling, int) or oversampling < 1:
            raise ValueError(f"oversampling_factor must be a positive integer, got {oversampling!r}.")
        include_embedding = bool(kwargs.get("include_embedding", False))
        collection = self.get_collection(collection_name)
        if not queries:
            return []
        if collection.find_one({}, {"_id": 1}) is None:
            return [[] for _ in queries]
        vectors = self._embed(list(queries))
        expected = self._collection_dimensions(collection)
        if len(vectors[0]) != expected:
            raise ValueError(
                f"The query embeddings have {len(vectors[0])} dimensions but the vector index of collection "
                f"{collection.name!r} expects {expected}: use the embedding function the collection was built with."
            )
        num_candidates = min(_MAX_NUM_CANDIDATES, n_results * oversampling)
        results: QueryResults = []
        for vector in vectors:
            pipeline = self._pipeline(vector, n_results, num_candidates, distance_threshold, include_embedding)
            hits = []
            for raw in collection.aggregate(pipeline):
                raw = dict(raw)
                score = float(raw.pop("score"))
                fields = ("content", "metadata", "embedding") if include_embedding else ("content", "metadata")
                hits.append((_to_document(raw, fields), self._distance(score)))
            hits.sort(key=lambda pair: pair[1])
            results.append(hits)
        return results

    # ------------------------------------------------------------------ internals

    def _pipeline(
        self,
        vector: list[float],
        n_results: int,
        num_candidates: int,
        distance_threshold: float,
        include_embedding: bool,
    ) -> list[dict[str, Any]]:
        """The aggregation sent to Atlas for one query vector."""
        pipeline: list[dict[str, Any]] = [
            {
                "$vectorSearch": {
                    "index": self.index_name,
                    "path": "embedding",
                    "queryVector": vector,
                    "numCandidates": num_candidates,
                    "limit": n_results,
                }
            },
            {"$set": {"score": {"$meta": "vectorSearchScore"}}},
        ]
        if distance_threshold >= 0:
            pipeline.append({"$match": {"score": {"$gt": self._score_for_distance(distance_threshold)}}})
        if not include_embedding:
            pipeline.append({"$project": {"embedding": 0}})
        return pipeline

    def _distance(self, score: float) -> float:
        if self.similarity == "euclidean":
            return 1.0 / score - 1.0 if score > 0 else float("inf")
        return 2.0 - 2.0 * score  # score = (1 + similarity) / 2

    def _score_for_distance(self, distance: float) -> float:
        if self.similarity == "euclidean":
            return 1.0 / (1.0 + distance)
        return 1.0 - distance / 2.0

    def _embedder(self) -> Callable[[list[str]], Any]:
        if self.embedding_function is None:
            from ..embeddings import get_embedding_function  # loads onnxruntime: only on first use

            self.embedding_function = get_embedding_function()
        return self.embedding_function

    def _embed(self, texts: list[str]) -> list[list[float]]:
        from ..embeddings import embeddings_to_matrix

        matrix = embeddings_to_matrix(self._embedder()(texts))
        if matrix.shape[0] != len(texts):
            raise ValueError(f"The embedding function returned {matrix.shape[0]} vectors for {len(texts)} texts.")
        return matrix.tolist()

    def _search_indexes(self, collection: Collection, index_name: str | None = None) -> list[Mapping[str, Any]]:
        try:
            return list(collection.list_search_indexes(index_name))
        except Exception as e:
            raise RuntimeError(
                f"Could not list the search indexes of collection {collection.name!r}: {e}. "
                "Vector search needs a MongoDB Atlas cluster (or an Atlas local deployment)."
            ) from e

    def _find_index(self, collection: Collection) -> Mapping[str, Any] | None:
        for index in self._search_indexes(collection, self.index_name):
            if index.get("name") == self.index_name:
                return index
        return None

    def _index_ready(self, collection: Collection, index_name: str) -> bool:
        for index in self._search_indexes(collection, index_name):
            if index.get("name") == index_name and (index.get("queryable") is True or index.get("status") == "READY"):
                return True
        return False

    def _collection_dimensions(self, collection: Collection) -> int:
        """The dimension the collection's vector index was built for (else the embedding function's)."""
        try:
            index = self._find_index(collection)
        except RuntimeError:  # no Atlas search here: the embedding function is all we know
            index = None
        if index is not None:
            definition = index.get("latestDefinition") or index.get("definition") or {}
            for f in definition.get("fields", []):
                if f.get("type") == "vector" and f.get("path") == "embedding" and f.get("numDimensions"):
                    return int(f["numDimensions"])
        return self.dimensions

    def _records(
        self, docs: Sequence[Document], collection: Collection, *, allow_duplicates: bool
    ) -> list[dict[str, Any]]:
        """Validate documents and build what is stored, embedding those without a vector. Raises
        before anything is written."""
        unique = _dedupe_last(docs) if allow_duplicates else list(docs)
        seen: set[Any] = set()
        for position, doc in enumerate(unique):
            if not isinstance(doc, Mapping):
                raise TypeError(f"Document #{position} is a {type(doc).__name__}, not a dict with 'id' and 'content'.")
            item_id = doc.get("id")
            if item_id is None:
                raise ValueError(f"Document #{position} has no 'id'.")
            if isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
                raise TypeError(f"Document #{position} needs an 'id' that is a str or int, got {item_id!r}.")
            if doc.get("content") is None:
                raise ValueError(f"Document {item_id!r} has no 'content'.")
            if not isinstance(doc["content"], str):
                raise TypeError(f"Document {item_id!r} needs a str 'content'.")
            metadata = doc.get("metadata")
            if metadata is not None and not isinstance(metadata, Mapping):
                raise TypeError(f"Document {item_id!r}: 'metadata' must be a mapping or None.")
            if item_id in seen:
                raise ValueError(f"The id {item_id!r} appears more than once in the documents to insert.")
            seen.add(item_id)
        missing = [i for i, d in enumerate(unique) if d.get("embedding") is None]
        computed = self._embed([unique[i]["content"] for i in missing]) if missing else []
        vectors: list[list[float]] = []
        fill = iter(computed)
        for doc in unique:
            given = doc.get("embedding")
            vectors.append(next(fill) if given is None else [float(x) for x in given])
        expected = self._collection_dimensions(collection)
        for doc, vector in zip(unique, vectors):
            if len(vector) != expected:
                raise ValueError(
                    f"Embedding dimension mismatch: the vector index of collection {collection.name!r} expects "
                    f"{expected}-dimensional embeddings, but document {doc['id']!r} has a {len(vector)}-dimensional "
                    "one. Nothing was written."
                )
        return [
            {
                "_id": doc["id"],
                "content": doc["content"],
                "metadata": dict(doc["metadata"]) if doc.get("metadata") is not None else None,
                "embedding": vector,
            }
            for doc, vector in zip(unique, vectors)
        ]

    def _wait_for_document(self, collection: Collection, record: Mapping[str, Any]) -> None:
        if not self._wait_until_document_ready:
            return

        def findable() -> bool:
            pipeline = self._pipeline(record["embedding"], 1, 10, -1, False)
            return any(hit.get("_id") == record["_id"] for hit in collection.aggregate(pipeline))

        self._wait_for(
            findable,
            self._wait_until_document_ready,
            f"document {record['_id']!r} to be searchable in collection {collection.name!r}",
        )

    def _wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if condition():
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"Gave up after {timeout} s waiting for {what}.")
            time.sleep(self._poll_interval)


def _connect(connection_string: str, server_selection_timeout_ms: int) -> Any:
    if not connection_string:
        raise ValueError(
            "MongoDBAtlasVectorDB needs connection_string='mongodb+srv://user:password@cluster.../' "
            "(an Atlas cluster), or client=<MongoClient>."
        )
    pymongo = optional_import("pymongo", _EXTRA, feature="MongoDBAtlasVectorDB")
    from pymongo.driver_info import DriverInfo

    options: dict[str, Any] = {"driver": DriverInfo(name="autogen")}
    if "serverselectiontimeoutms" not in connection_string.lower():
        options["serverSelectionTimeoutMS"] = server_selection_timeout_ms
    try:
        client = pymongo.MongoClient(connection_string, **options)
    except pymongo.errors.ConfigurationError as e:
        raise ValueError(f"Invalid MongoDB connection string: {e}") from e
    try:
        client.admin.command("ping")
    except pymongo.errors.PyMongoError as e:
        client.close()  # stop its background monitor threads
        raise ConnectionError(
            f"Could not connect to MongoDB ({_redact(connection_string)}): {e}. "
            "Check that the cluster is reachable and the credentials are right."
        ) from e
    return client


def _redact(connection_string: str) -> str:
    # Never echo a password into logs or tracebacks.
    scheme, sep, rest = connection_string.partition("://")
    if sep and "@" in rest:
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return connection_string


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"collection_name must be a non-empty string, got {name!r}.")


def _dedupe_last(docs: Sequence[Document]) -> list[Document]:
    """Keep the last document for each id (upserts), in the order of first appearance."""
    last: dict[Any, Document] = {}
    for doc in docs:
        key = doc.get("id") if isinstance(doc, Mapping) else object()
        if isinstance(key, (list, dict)):
            key = repr(key)
        last[key] = doc
    return list(last.values())


def _to_document(raw: Mapping[str, Any], fields: Sequence[str]) -> Document:
    doc: dict[str, Any] = {"id": raw["_id"]}
    for f in fields:
        if f in raw:
            doc[f] = raw[f]
    return doc  # type: ignore[return-value]
