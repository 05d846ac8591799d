"""MongoDBAtlasVectorDB logic, tested without a MongoDB server.

No MongoDB server can be installed on the test machines, so:
- storage (insert, upsert, update, delete, lookups by id, collection create/drop) runs on mongomock,
  an in-memory imitation of pymongo;
- NOT exercised against anything real: Atlas ``$vectorSearch`` and Atlas search indexes
  (``create_search_index``, ``list_search_indexes``, ``drop_search_index``, index readiness).
  mongomock has none of them, so ``FakeAtlasCollection`` below is a MOCK that records the index
  definitions and aggregation pipelines our code sends and answers ``$vectorSearch`` with canned
  documents (with canned scores). The standard stages our pipeline adds after ``$vectorSearch``
  ($match on the score, $project) are then run by mongomock on those canned documents. What Atlas
  itself would return for a pipeline is therefore not tested here.
- bulk_write: mongomock cannot run pymongo 4.x ``ReplaceOne``/``UpdateOne`` operations, so the fake
  applies each operation (filter, document, upsert flag as built by our code) with mongomock's
  ``replace_one``/``update_one``.
The connection error path uses the real pymongo driver against a closed local port.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

mongomock = pytest.importorskip("mongomock", reason="mongomock is not installed (pip install mongomock)")
pymongo = pytest.importorskip("pymongo", reason="pymongo is not installed (pip install pymongo)")

from autogen.retrieve.vectordb.base import VectorDB
from autogen.retrieve.vectordb.mongodb import MongoDBAtlasVectorDB

AXES = ["cat", "dog", "fish"]


def axis_embedding(texts: list[str]) -> list[list[float]]:
    """Deterministic 3-d embedding: keyword counts (+0.01 so no vector is zero)."""
    return [[t.lower().count(a) + 0.01 for a in AXES] for t in texts]


class _BulkResult:
    def __init__(self) -> None:
        self.matched_count = 0
        self.modified_count = 0
        self.upserted_count = 0


class FakeAtlas:
    """What the mock 'Atlas' remembers: indexes per collection, pipelines sent, canned search hits."""

    def __init__(self) -> None:
        self.indexes: dict[str, list[dict[str, Any]]] = {}
        self.index_models: list[dict[str, Any]] = []
        self.pipelines: list[list[dict[str, Any]]] = []
        self.canned: list[dict[str, Any]] = []  # $vectorSearch answers, each with a "score"
        self.ready_after_polls = 0  # how many list_search_indexes calls an index stays PENDING
        self.dropped_indexes: list[str] = []


class FakeAtlasCollection:
    """MOCK of the Atlas-only parts of a pymongo Collection; everything else is mongomock's."""

    def __init__(self, inner: Any, atlas: FakeAtlas) -> None:
        self._inner = inner
        self._atlas = atlas

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def name(self) -> str:
        return self._inner.name

    def create_search_index(self, model: dict[str, Any]) -> str:
        self._atlas.index_models.append(model)
        entry = {"name": model["name"], "type": model["type"], "latestDefinition": model["definition"], "polls": 0}
        self._atlas.indexes.setdefault(self.name, []).append(entry)
        return model["name"]

    def list_search_indexes(self, name: str | None = None) -> list[dict[str, Any]]:
        out = []
        for entry in self._atlas.indexes.get(self.name, []):
            if name is not None and entry["name"] != name:
                continue
            entry["polls"] += 1
            ready = entry["polls"] > self._atlas.ready_after_polls
            out.append({**entry, "status": "READY" if ready else "PENDING", "queryable": ready})
        return out

    def drop_search_index(self, name: str) -> None:
        self._atlas.dropped_indexes.append(name)
        self._atlas.indexes[self.name] = [e for e in self._atlas.indexes.get(self.name, []) if e["name"] != name]

    def aggregate(self, pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not pipeline or "$vectorSearch" not in pipeline[0]:
            return list(self._inner.aggregate(pipeline))
        self._atlas.pipelines.append(pipeline)
        assert pipeline[1] == {"$set": {"score": {"$meta": "vectorSearchScore"}}}
        # Canned answer for $vectorSearch + the score; mongomock runs the remaining standard stages.
        scratch = mongomock.MongoClient().scratch.hits
        if self._atlas.canned:
            scratch.insert_many([dict(d) for d in self._atlas.canned])
        limit = pipeline[0]["$vectorSearch"]["limit"]
        stages = [{"$sort": {"score": -1}}, {"$limit": limit}, *pipeline[2:]]
        return list(scratch.aggregate(stages))

    def bulk_write(self, ops: list[Any], ordered: bool = True) -> _BulkResult:
        result = _BulkResult()
        for op in ops:
            # pymongo operation objects keep what our code built in these attributes.
            flt, doc, upsert = op._filter, op._doc, op._upsert
            if isinstance(op, pymongo.ReplaceOne):
                r = self._inner.replace_one(flt, doc, upsert=upsert)
            elif isinstance(op, pymongo.UpdateOne):
                r = self._inner.update_one(flt, doc, upsert=upsert)
            else:  # pragma: no cover - our code only sends these two
                raise TypeError(f"unexpected bulk operation {op!r}")
            result.matched_count += r.matched_count
            result.modified_count += r.modified_count
            result.upserted_count += 1 if r.upserted_id is not None else 0
        return result


class FakeAtlasDatabase:
    def __init__(self, inner: Any, atlas: FakeAtlas) -> None:
        self._inner = inner
        self._atlas = atlas

    def __getitem__(self, name: str) -> FakeAtlasCollection:
        return FakeAtlasCollection(self._inner[name], self._atlas)

    def create_collection(self, name: str) -> FakeAtlasCollection:
        return FakeAtlasCollection(self._inner.create_collection(name), self._atlas)

    def list_collection_names(self) -> list[str]:
        return self._inner.list_collection_names()


class FakeAtlasClient:
    """A MongoClient-like object: mongomock storage + the Atlas mock above."""

    def __init__(self) -> None:
        self.atlas = FakeAtlas()
        self._inner = mongomock.MongoClient()

    def __getitem__(self, name: str) -> FakeAtlasDatabase:
        return FakeAtlasDatabase(self._inner[name], self.atlas)


@pytest.fixture
def client() -> FakeAtlasClient:
    return FakeAtlasClient()


@pytest.fixture
def db(client: FakeAtlasClient) -> MongoDBAtlasVectorDB:
    vdb = MongoDBAtlasVectorDB(client=client, embedding_function=axis_embedding, collection_name="docs")
    vdb._poll_interval = 0.01
    return vdb


def docs_abc() -> list[dict[str, Any]]:
    return [
        {"id": "a", "content": "cat cat", "metadata": {"source": "a.txt"}},
        {"id": 2, "content": "dog"},
        {"id": "c", "content": "fish", "metadata": {"source": "c.txt"}},
    ]


# ---------------------------------------------------------------- collections and indexes


def test_collection_creation_sends_the_vector_index_definition(
    db: MongoDBAtlasVectorDB, client: FakeAtlasClient
) -> None:
    assert isinstance(db, VectorDB) and db.type == "mongodb"
    assert db.active_collection.name == "docs"
    assert client.atlas.index_models == [
        {
            "name": "vector_index",
            "type": "vectorSearch",
            "definition": {
                "fields": [{"type": "vector", "path": "embedding", "numDimensions": 3, "similarity": "cosine"}]
            },
        }
    ]


def test_create_collection_semantics(db: MongoDBAtlasVectorDB, client: FakeAtlasClient) -> None:
    db.insert_docs(docs_abc())
    again = db.create_collection("docs", get_or_create=True)
    assert again.name == "docs" and len(db.get_docs_by_ids()) == 3
    assert len(client.atlas.index_models) == 1, "an existing index is not created twice"
    with pytest.raises(ValueError, match="already exists"):
        db.create_collection("docs", get_or_create=False)

    db.create_collection("docs", overwrite=True)
    assert db.get_docs_by_ids() == [], "overwrite empties the collection"
    assert client.atlas.dropped_indexes == ["vector_index"]
    assert len(client.atlas.index_models) == 2, "and builds its index again"

    with pytest.raises(ValueError, match="does not exist"):
        db.get_collection("nope")
    db.create_collection("other")
    assert db.get_collection().name == "other"
    assert db.get_collection("docs").name == "docs" and db.active_collection.name == "docs"
    assert sorted(db.list_collections()) == ["docs", "other"]
    db.delete_collection("docs")
    assert db.active_collection is None and db.list_collections() == ["other"]
    with pytest.raises(ValueError, match="No collection is active"):
        db.get_collection()


def test_constructor_overwrite_recreates_the_collection(client: FakeAtlasClient) -> None:
    first = MongoDBAtlasVectorDB(client=client, embedding_function=axis_embedding, collection_name="kb")
    first.insert_docs(docs_abc())
    kept = MongoDBAtlasVectorDB(client=client, embedding_function=axis_embedding, collection_name="kb")
    assert len(kept.get_docs_by_ids()) == 3
    fresh = MongoDBAtlasVectorDB(client=client, embedding_function=axis_embedding, collection_name="kb", overwrite=True)
    assert fresh.get_docs_by_ids() == []


def test_waits_for_index_readiness_when_asked(client: FakeAtlasClient) -> None:
    client.atlas.ready_after_polls = 3
    vdb = MongoDBAtlasVectorDB(client=client, embedding_function=axis_embedding, wait_until_index_ready=5)
    vdb._poll_interval = 0.01
    vdb.create_collection("slow")
    assert client.atlas.indexes["slow"][0]["polls"] > 3, "it polled until the index reported READY"

    client.atlas.ready_after_polls = 10**9
    vdb._wait_until_index_ready = 0.1
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="search index 'vector_index' on collection 'never'"):
        vdb.create_collection("never")
    assert time.monotonic() - start < 2


def test_plain_mongodb_without_atlas_search_gives_a_clear_error() -> None:
    # mongomock, like a self-hosted mongod without Atlas Search, has no create_search_index.
    with pytest.raises(RuntimeError, match="search indexes of collection .x.*needs a MongoDB Atlas cluster"):
        MongoDBAtlasVectorDB(client=mongomock.MongoClient(), embedding_function=axis_embedding, collection_name="x")


# ---------------------------------------------------------------- documents (mongomock storage)


def test_insert_and_get_docs_by_ids(db: MongoDBAtlasVectorDB) -> None:
    db.insert_docs(docs_abc())
    everything = db.get_docs_by_ids()
    assert [d["id"] for d in everything] == ["a", 2, "c"]
    assert everything[0] == {"id": "a", "content": "cat cat", "metadata": {"source": "a.txt"}}
    assert everything[1]["metadata"] is None
    assert [d["id"] for d in db.get_docs_by_ids(["c", "zzz", 2])] == ["c", 2]
    with_emb = db.get_docs_by_ids(["a"], include=["embedding"])
    assert with_emb == [{"id": "a", "embedding": pytest.approx([2.01, 0.01, 0.01])}]
    assert set(db.get_docs_by_ids(["a"], include=["documents", "metadatas"])[0]) == {"id", "content", "metadata"}
    with pytest.raises(ValueError, match="Unknown include field"):
        db.get_docs_by_ids(include=["colour"])


def test_duplicates_are_rejected_and_nothing_is_written(db: MongoDBAtlasVectorDB) -> None:
    db.insert_docs(docs_abc())
    with pytest.raises(ValueError, match=r"ids already stored: \['a'\].*upsert=True"):
        db.insert_docs([{"id": "new", "content": "dog"}, {"id": "a", "content": "fish"}])
    with pytest.raises(ValueError, match="more than once"):
        db.insert_docs([{"id": "z", "content": "dog"}, {"id": "z", "content": "fish"}])
    with pytest.raises(ValueError, match="has no 'id'"):
        db.insert_docs([{"id": None, "content": "dog"}])
    with pytest.raises(TypeError, match="str or int"):
        db.insert_docs([{"id": 1.5, "content": "dog"}])
    assert [d["id"] for d in db.get_docs_by_ids()] == ["a", 2, "c"]
    assert db.get_docs_by_ids(["a"])[0]["content"] == "cat cat"


def test_dimension_mismatch_raises_and_leaves_data_intact(db: MongoDBAtlasVectorDB) -> None:
    db.insert_docs(docs_abc())
    before = db.get_docs_by_ids(include=["content", "metadata", "embedding"])
    with pytest.raises(ValueError) as info:
        db.insert_docs([{"id": "ok", "content": "cat"}, {"id": "bad", "content": "x", "embedding": [1.0, 2.0]}])
    assert "expects 3-dimensional" in str(info.value) and "2-dimensional" in str(info.value)
    with pytest.raises(ValueError, match="3-dimensional"):
        db.update_docs([{"id": "a", "content": "x", "embedding": [0.0] * 4}])
    assert db.get_docs_by_ids(include=["content", "metadata", "embedding"]) == before


def test_upsert_update_and_delete(db: MongoDBAtlasVectorDB) -> None:
    db.insert_docs(docs_abc())
    db.insert_docs([{"id": "a", "content": "dog dog"}, {"id": "d", "content": "cat"}], upsert=True)
    got = {d["id"]: d for d in db.get_docs_by_ids(include=["content", "metadata", "embedding"])}
    assert got["a"]["content"] == "dog dog" and got["a"]["metadata"] is None, "upsert replaces the whole document"
    assert got["a"]["embedding"] == pytest.approx([0.01, 2.01, 0.01])
    assert got["d"]["content"] == "cat"

    db.update_docs([{"id": "c", "content": "cat fish"}, {"id": "ghost", "content": "dog"}])
    c = db.get_docs_by_ids(["c"], include=["content", "metadata", "embedding"])[0]
    assert c["content"] == "cat fish" and c["metadata"] == {"source": "c.txt"}, "metadata kept when not given"
    assert c["embedding"] == pytest.approx([1.01, 0.01, 1.01])
    assert db.get_docs_by_ids(["ghost"]) == [], "update_docs skips unknown ids by default"
    db.update_docs([{"id": "ghost", "content": "dog", "metadata": {"m": 1}}], upsert=True)
    assert db.get_docs_by_ids(["ghost"])[0]["metadata"] == {"m": 1}

    db.delete_docs(["a", "ghost", "unknown"])
    assert sorted(str(d["id"]) for d in db.get_docs_by_ids()) == ["2", "c", "d"]


# ---------------------------------------------------------------- retrieval (Atlas MOCK)


def test_retrieve_sends_the_vector_search_pipeline(db: MongoDBAtlasVectorDB, client: FakeAtlasClient) -> None:
    db.insert_docs(docs_abc())
    client.atlas.canned = [
        {
            "_id": "a",
            "content": "cat cat",
            "metadata": {"source": "a.txt"},
            "embedding": [2.01, 0.01, 0.01],
            "score": 0.99,
        },
        {"_id": 2, "content": "dog", "metadata": None, "embedding": [0.01, 1.01, 0.01], "score": 0.6},
    ]
    results = db.retrieve_docs(["cat"], n_results=5)
    assert client.atlas.pipelines == [
        [
            {
                "$vectorSearch": {
                    "index": "vector_index",
                    "path": "embedding",
                    "queryVector": pytest.approx([1.01, 0.01, 0.01]),
                    "numCandidates": 50,
                    "limit": 5,
                }
            },
            {"$set": {"score": {"$meta": "vectorSearchScore"}}},
            {"$project": {"embedding": 0}},
        ]
    ]
    [hits] = results
    assert [doc for doc, _ in hits] == [
        {"id": "a", "content": "cat cat", "metadata": {"source": "a.txt"}},
        {"id": 2, "content": "dog", "metadata": None},
    ]
    # Atlas cosine score s = (1 + cos) / 2, reported as the distance 1 - cos = 2 - 2s.
    assert [d for _, d in hits] == pytest.approx([0.02, 0.8])


def test_retrieve_threshold_oversampling_and_embeddings(db: MongoDBAtlasVectorDB, client: FakeAtlasClient) -> None:
    db.insert_docs(docs_abc())
    client.atlas.canned = [
        {"_id": "a", "content": "cat cat", "metadata": None, "embedding": [2.0, 0.0, 0.0], "score": 0.95},
        {"_id": "c", "content": "fish", "metadata": None, "embedding": [0.0, 0.0, 1.0], "score": 0.5},
    ]
    [hits] = db.retrieve_docs(["cat"], n_results=3, distance_threshold=0.2, oversampling_factor=4)
    stages = client.atlas.pipelines[-1]
    assert stages[0]["$vectorSearch"]["numCandidates"] == 12 and stages[0]["$vectorSearch"]["limit"] == 3
    assert stages[2] == {"$match": {"score": {"$gt": pytest.approx(0.9)}}}, "distance < 0.2 <=> score > 0.9"
    assert [doc["id"] for doc, _ in hits] == ["a"], "the $match stage dropped the far document"

    [hits] = db.retrieve_docs(["cat"], n_results=2000, include_embedding=True)
    stages = client.atlas.pipelines[-1]
    assert stages[0]["$vectorSearch"]["numCandidates"] == 10_000, "capped at Atlas' maximum"
    assert all("$project" not in s for s in stages)
    assert hits[0][0]["embedding"] == [2.0, 0.0, 0.0]

    assert len(db.retrieve_docs(["cat", "dog"], n_results=1)) == 2
    with pytest.raises(ValueError, match="n_results"):
        db.retrieve_docs(["cat"], n_results=0)
    with pytest.raises(ValueError, match="query embeddings have 2 dimensions"):
        db.embedding_function = lambda texts: [[1.0, 0.0] for _ in texts]
        db.retrieve_docs(["cat"])


def test_euclidean_similarity_converts_scores(client: FakeAtlasClient) -> None:
    vdb = MongoDBAtlasVectorDB(
        client=client, embedding_function=axis_embedding, collection_name="e", similarity="euclidean"
    )
    assert client.atlas.index_models[-1]["definition"]["fields"][0]["similarity"] == "euclidean"
    vdb.insert_docs(docs_abc())
    client.atlas.canned = [{"_id": "a", "content": "x", "metadata": None, "score": 0.5}]
    [hits] = vdb.retrieve_docs(["cat"], distance_threshold=2.0)
    assert client.atlas.pipelines[-1][2] == {"$match": {"score": {"$gt": pytest.approx(1 / 3)}}}
    assert hits[0][1] == pytest.approx(1.0), "score 1/(1+d) = 0.5 means euclidean distance 1"


def test_empty_collection_needs_no_search(db: MongoDBAtlasVectorDB, client: FakeAtlasClient) -> None:
    assert db.retrieve_docs(["cat", "dog"]) == [[], []]
    assert client.atlas.pipelines == []


def test_wait_until_document_ready(client: FakeAtlasClient) -> None:
    vdb = MongoDBAtlasVectorDB(
        client=client, embedding_function=axis_embedding, collection_name="w", wait_until_document_ready=0.3
    )
    vdb._poll_interval = 0.01
    client.atlas.canned = [{"_id": "c", "content": "fish", "metadata": None, "score": 1.0}]
    vdb.insert_docs(docs_abc())  # the last document ("c") is findable: returns
    probe = client.atlas.pipelines[-1][0]["$vectorSearch"]
    assert probe["limit"] == 1 and probe["queryVector"] == pytest.approx([0.01, 0.01, 1.01])

    client.atlas.canned = []
    with pytest.raises(TimeoutError, match="document 'e' to be searchable"):
        vdb.insert_docs([{"id": "e", "content": "dog"}])


# ---------------------------------------------------------------- connecting (real pymongo driver)


def test_connection_errors() -> None:
    with pytest.raises(ValueError, match="connection_string"):
        MongoDBAtlasVectorDB(embedding_function=axis_embedding)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="Could not connect to MongoDB") as info:
        MongoDBAtlasVectorDB(
            connection_string=f"mongodb://user:secret@127.0.0.1:{port}/?directConnection=true",
            embedding_function=axis_embedding,
            server_selection_timeout_ms=300,
        )
    assert time.monotonic() - start < 5
    assert f"127.0.0.1:{port}" in str(info.value) and "secret" not in str(info.value), "host shown, password not"
