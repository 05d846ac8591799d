"""MongoDBQueryEngine logic, tested without a MongoDB server (none can run on the test machines).

What is real here: the engine, the project's MongoDBAtlasVectorDB, the offline embedder, document
chunking, mongomock's storage (documents are really stored, replaced and dropped) and the LLM answering
over real HTTP (FakeLLMServer).

What is NOT exercised against anything real: Atlas itself. mongomock has no search indexes and no
``$vectorSearch``, so ``AtlasImitation`` below is a MOCK of those: it keeps the search index definitions our
code creates and answers ``$vectorSearch`` by brute-force cosine similarity over the stored embeddings
(Atlas' ``vectorSearchScore`` = (1 + cosine) / 2); the later pipeline stages run in mongomock. Real Atlas
behaviour (asynchronous indexing, approximate search, connection strings, authentication) is untested.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

mongomock = pytest.importorskip("mongomock")
pymongo = pytest.importorskip("pymongo")

from autogen.agentchat.contrib.rag import MongoDBQueryEngine, RAGQueryEngine
from autogen.agentchat.contrib.rag.mongodb_query_engine import EMPTY_RESPONSE_REPLY
from autogen.testing import FakeLLMServer

CONNECTION = "mongodb://localhost:27017/?directConnection=true"


class _Admin:
    def __init__(self) -> None:
        self.pings = 0

    def command(self, name: str) -> dict[str, Any]:
        assert name == "ping"
        self.pings += 1
        return {"ok": 1}


class _Result:
    matched_count = modified_count = upserted_count = 0


class _Collection:
    """A mongomock collection plus an imitation of Atlas search indexes and ``$vectorSearch`` (MOCK)."""

    def __init__(self, inner: Any, indexes: dict[str, list[dict[str, Any]]]) -> None:
        self._inner = inner
        self._indexes = indexes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def name(self) -> str:
        return self._inner.name

    def create_search_index(self, model: dict[str, Any]) -> str:
        self._indexes.setdefault(self.name, []).append({**model, "latestDefinition": model["definition"]})
        return model["name"]

    def list_search_indexes(self, name: str | None = None) -> list[dict[str, Any]]:
        found = [i for i in self._indexes.get(self.name, []) if name is None or i["name"] == name]
        return [{**i, "status": "READY", "queryable": True} for i in found]

    def drop_search_index(self, name: str) -> None:
        self._indexes[self.name] = [i for i in self._indexes.get(self.name, []) if i["name"] != name]

    def bulk_write(self, ops: list[Any], ordered: bool = True) -> _Result:
        for op in ops:  # mongomock cannot run pymongo 4 operation objects: apply them one by one
            assert isinstance(op, pymongo.ReplaceOne)
            self._inner.replace_one(op._filter, op._doc, upsert=op._upsert)
        return _Result()

    def aggregate(self, pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
        search = pipeline[0].get("$vectorSearch")
        if search is None:
            return list(self._inner.aggregate(pipeline))
        assert search["index"] in {i["name"] for i in self._indexes.get(self.name, [])}, "no such search index"
        query = search["queryVector"]
        scored = []
        for doc in self._inner.find({}):
            cosine = _cosine(query, doc[search["path"]])
            scored.append({**doc, "_score": (1 + cosine) / 2})
        scored.sort(key=lambda d: -d["_score"])
        hits = scored[: search["limit"]]
        rest = [{"$set": {"score": "$_score"}}, {"$project": {"_score": 0}}, *pipeline[2:]]
        scratch = mongomock.MongoClient().scratch.hits
        if hits:
            scratch.insert_many(hits)
        return list(scratch.aggregate([{"$sort": {"_score": -1}}, *rest]))


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


class _Database:
    def __init__(self, inner: Any, indexes: dict[str, list[dict[str, Any]]]) -> None:
        self._inner = inner
        self._indexes = indexes

    def __getitem__(self, name: str) -> _Collection:
        return _Collection(self._inner[name], self._indexes)

    def create_collection(self, name: str) -> _Collection:
        return _Collection(self._inner.create_collection(name), self._indexes)

    def list_collection_names(self) -> list[str]:
        return self._inner.list_collection_names()


class AtlasImitation:
    """A MongoClient-like object: mongomock storage, imitated Atlas search (see the module docstring)."""

    def __init__(self) -> None:
        self._inner = mongomock.MongoClient()
        self._indexes: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.admin = _Admin()

    def __getitem__(self, name: str) -> _Database:
        return _Database(self._inner[name], self._indexes.setdefault(name, {}))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "reactor.md").write_text(
        "# Zorblax reactor\n\nThe Zorblax reactor was designed by Ada Quill in 1987.\n\nIt delivers 42 megawatts."
    )
    (folder / "cats.md").write_text("# Cats\n\nHouse cats sleep about sixteen hours a day.")
    (folder / "bread.md").write_text("# Bread\n\nSourdough needs a starter of flour and water.")
    return folder


def test_implements_the_protocol() -> None:
    assert issubclass(MongoDBQueryEngine, RAGQueryEngine)


def test_init_query_add_and_connect(docs: Path) -> None:
    client = AtlasImitation()
    with FakeLLMServer(default_reply="Ada Quill designed it.") as llm:
        engine = MongoDBQueryEngine(CONNECTION, llm=llm.llm_config, database_name="test_db", client=client)
        assert isinstance(engine, RAGQueryEngine)
        assert engine.get_collection_name() == "docling-parsed-docs"
        assert engine.embedding_model == "local:all-MiniLM-L6-v2"
        with pytest.raises(Exception, match="call init_db or connect_db first"):
            engine.query("anything")

        assert engine.init_db(new_doc_paths_or_urls=[docs / "reactor.md", docs / "cats.md"]) is True
        stored = client._inner["test_db"]["docling-parsed-docs"]
        assert stored.count_documents({}) == 2 and client.admin.pings == 1
        index = client._indexes["test_db"]["docling-parsed-docs"][0]
        assert index["definition"]["fields"][0]["numDimensions"] == 384  # the offline embedder's vectors

        assert engine.query("Who designed the Zorblax reactor?") == "Ada Quill designed it."
        prompt = llm.requests[-1].messages[-1]["content"]
        assert prompt.index("designed by Ada Quill") < prompt.index("sixteen hours"), "nearest passage first"

        engine.add_docs(new_doc_dir=docs)  # reactor and cats again (replaced) + bread
        assert stored.count_documents({}) == 3
        engine.query("What does sourdough need?")
        first_passage = llm.requests[-1].messages[-1]["content"].split("---------------------")[1]
        assert first_passage.lstrip().startswith("[bread.md]")

        again = MongoDBQueryEngine(CONNECTION, llm=llm.llm_config, database_name="test_db", client=client)
        assert again.connect_db() is True
        assert again.query("How long do cats sleep?") == "Ada Quill designed it."
        assert "sixteen hours" in llm.requests[-1].messages[-1]["content"]
        assert stored.count_documents({}) == 3, "connect_db keeps the documents"

        assert again.init_db(new_doc_paths_or_urls=[docs / "bread.md"]) is True
        assert stored.count_documents({}) == 1, "init_db starts the collection over"
        assert len(client._indexes["test_db"]["docling-parsed-docs"]) == 1, "with one fresh search index"


def test_failures_are_reported_as_false(docs: Path, caplog: pytest.LogCaptureFixture) -> None:
    client = AtlasImitation()
    engine = MongoDBQueryEngine(CONNECTION, llm={"config_list": []}, collection_name="missing", client=client)
    assert engine.connect_db() is False
    assert "not found in database" in caplog.text
    assert engine.init_db(new_doc_paths_or_urls=[docs / "nope.md"]) is False
    assert "Document file not found" in caplog.text
    assert engine.init_db() is False
    assert "No input directory or docs provided" in caplog.text
    with pytest.raises(Exception, match="call init_db or connect_db first"):
        engine.add_docs(new_doc_dir=docs)


def test_empty_collection_answers_sorry_without_calling_the_llm(docs: Path) -> None:
    client = AtlasImitation()
    with FakeLLMServer(default_reply="unused") as llm:
        engine = MongoDBQueryEngine(CONNECTION, llm=llm.llm_config, collection_name="kb", client=client)
        client["vector_db"].create_collection("kb")
        assert engine.connect_db() is True
        assert engine.query("Who designed the reactor?") == EMPTY_RESPONSE_REPLY
        assert llm.requests == []


def test_connection_errors() -> None:
    with pytest.raises(ValueError, match="Connection string is required"):
        MongoDBQueryEngine("")
    # The real pymongo driver against a closed local port: connect_db reports False.
    engine = MongoDBQueryEngine("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300", llm={"config_list": []})
    assert engine.connect_db() is False
