"""The 0.2-style helpers `create_vector_db_from_dir` / `query_vector_db` (autogen.retrieve_utils)."""

from __future__ import annotations

import chromadb
import pytest
from chromadb.config import Settings

from autogen.retrieve_utils import create_vector_db_from_dir, query_vector_db


@pytest.fixture
def client(tmp_path):
    return chromadb.PersistentClient(
        path=str(tmp_path / "legacy"), settings=Settings(anonymized_telemetry=False, allow_reset=True)
    )


def test_build_and_query_with_the_default_embedder(client, corpus_dir):
    create_vector_db_from_dir(str(corpus_dir), max_tokens=100, client=client, collection_name="legacy-docs")
    result = query_vector_db(
        ["How long do the sheep cheese wheels age?"], n_results=3, client=client, collection_name="legacy-docs"
    )
    assert set(result) >= {"ids", "documents", "metadatas", "distances"}
    assert any("fourteen months" in d for d in result["documents"][0])
    assert result["metadatas"][0][0]["source"].startswith(str(corpus_dir))
    only = query_vector_db(
        ["cheese"], n_results=5, client=client, collection_name="legacy-docs", search_string="parsnips"
    )
    assert all("parsnips" in d for d in only["documents"][0]) and only["documents"][0]


def test_reindexing_adds_no_duplicates_and_user_embedder_is_honoured(client, corpus_dir, hash_embedder):
    kwargs = {
        "max_tokens": 100,
        "client": client,
        "collection_name": "legacy-hash",
        "embedding_function": hash_embedder,
    }
    create_vector_db_from_dir(str(corpus_dir), **kwargs)
    count = client.get_collection("legacy-hash").count()
    create_vector_db_from_dir(str(corpus_dir), get_or_create=True, **kwargs)
    assert client.get_collection("legacy-hash").count() == count
    hash_embedder.calls.clear()
    query_vector_db(["ferry timetable"], client=client, collection_name="legacy-hash", embedding_function=hash_embedder)
    assert hash_embedder.calls == [["ferry timetable"]]


def test_existing_collection_without_get_or_create_is_left_alone(client, corpus_dir, hash_embedder, caplog):
    create_vector_db_from_dir(
        str(corpus_dir / "quillfern.md"), client=client, collection_name="legacy-keep", embedding_function=hash_embedder
    )
    create_vector_db_from_dir(
        str(corpus_dir), client=client, collection_name="legacy-keep", embedding_function=hash_embedder
    )
    assert client.get_collection("legacy-keep").count() == 1
    assert "already exists" in caplog.text


def test_querying_a_missing_collection_is_a_value_error(client, hash_embedder):
    with pytest.raises(ValueError, match="does not exist"):
        query_vector_db(["x"], client=client, collection_name="not-there", embedding_function=hash_embedder)
