"""PGVectorDB against a real PostgreSQL + pgvector server (started by conftest_pg.pg_server)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]' pgvector)")
pytest.importorskip("pgvector", reason="pgvector is not installed (pip install pgvector)")

import conftest_pg
import psycopg
from conftest_pg import PGServer

from autogen.retrieve.vectordb.base import VectorDB
from autogen.retrieve.vectordb.pgvector import PGVectorDB

# The server fixtures live in conftest_pg.py (test/retrieve/conftest.py belongs to another area).
pg_server = conftest_pg.pg_server
pg_dbname = conftest_pg.pg_dbname
pg_shared_db = conftest_pg.pg_shared_db
pg_schema_uri = conftest_pg.pg_schema_uri

AXES = ["cat", "dog", "fish", "bird"]


def axis_embedding(texts: list[str]) -> list[list[float]]:
    """Deterministic 4-d embedding: counts of four keywords (plus a small constant to avoid zero vectors)."""
    return [[t.lower().count(a) + 0.01 for a in AXES] for t in texts]


@pytest.fixture
def db(pg_schema_uri: str):
    vdb = PGVectorDB(connection_string=pg_schema_uri, embedding_function=axis_embedding)
    yield vdb
    vdb.close()


def docs_abc() -> list[dict]:
    return [
        {"id": "a", "content": "cat cat cat", "metadata": {"source": "a.txt"}},
        {"id": 2, "content": "dog dog", "metadata": {"source": "b.txt", "n": 2}},
        {"id": "c", "content": "fish"},
    ]


# ---------------------------------------------------------------- connecting


def test_connection_string_host_port_and_conn_forms(pg_server: PGServer, pg_dbname: str) -> None:
    by_string = PGVectorDB(connection_string=pg_server.uri(pg_dbname), embedding_function=axis_embedding)
    by_string.create_collection("shared")
    by_string.insert_docs([{"id": "x", "content": "cat"}])

    by_parts = PGVectorDB(
        host=pg_server.host,
        port=pg_server.port,
        dbname=pg_dbname,
        username="postgres",
        embedding_function=axis_embedding,
    )
    assert [d["id"] for d in by_parts.get_docs_by_ids(collection_name="shared")] == ["x"]

    conn = psycopg.connect(pg_server.uri(pg_dbname), autocommit=True)
    by_conn = PGVectorDB(conn=conn, embedding_function=axis_embedding)
    assert by_conn.client is conn
    assert by_conn.count("shared") == 1
    by_conn.close()
    assert not conn.closed, "a connection passed in belongs to the caller and stays open"
    conn.close()

    by_string.close()
    by_parts.close()
    assert by_string.client.closed and by_parts.client.closed
    assert isinstance(by_string, VectorDB)
    assert by_string.type == "pgvector"


def test_conn_in_manual_transaction_mode_commits_writes(pg_server: PGServer, pg_dbname: str) -> None:
    conn = psycopg.connect(pg_server.uri(pg_dbname))  # autocommit off
    vdb = PGVectorDB(conn=conn, embedding_function=axis_embedding)
    vdb.create_collection("c")
    vdb.insert_docs([{"id": "1", "content": "cat"}])
    conn.close()
    other = PGVectorDB(connection_string=pg_server.uri(pg_dbname), embedding_function=axis_embedding)
    assert other.count("c") == 1
    other.close()


def test_missing_or_partial_connection_settings_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="conn=.*connection_string=.*host=, port= and dbname="):
        PGVectorDB()
    with pytest.raises(ValueError, match="missing: port, dbname"):
        PGVectorDB(host="127.0.0.1")
    with pytest.raises(TypeError, match="psycopg"):
        PGVectorDB(conn=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hnsw:space"):
        PGVectorDB(connection_string="postgresql://x@127.0.0.1:1/db", metadata={"hnsw:space": "manhattan"})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_down_gives_connection_error_naming_host_and_port() -> None:
    port = _closed_port()
    start = time.monotonic()
    with pytest.raises(ConnectionError) as info:
        PGVectorDB(host="127.0.0.1", port=port, dbname="nope", connect_timeout=3)
    assert time.monotonic() - start < 5
    assert "host=127.0.0.1" in str(info.value) and f"port={port}" in str(info.value)
    with pytest.raises(ConnectionError, match=f"port={port}"):
        PGVectorDB(connection_string=f"postgresql://postgres@127.0.0.1:{port}/nope")


def test_server_that_never_answers_times_out_instead_of_hanging() -> None:
    # A socket that accepts connections but never speaks: only connect_timeout ends the wait.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        start = time.monotonic()
        with pytest.raises(ConnectionError, match=f"port={port}"):
            PGVectorDB(host="127.0.0.1", port=port, dbname="x", connect_timeout=2)
        assert time.monotonic() - start < 10
    finally:
        stop.set()
        thread.join()
        for s in accepted:
            s.close()
        listener.close()


# ---------------------------------------------------------------- collections


def test_create_collection_semantics(db: PGVectorDB) -> None:
    created = db.create_collection("docs")
    assert created.name == "docs" and db.active_collection.name == "docs"
    db.insert_docs(docs_abc())

    again = db.create_collection("docs", get_or_create=True)
    assert again.name == "docs" and db.count("docs") == 3, "get_or_create keeps the stored documents"

    with pytest.raises(ValueError, match="already exists"):
        db.create_collection("docs", get_or_create=False)
    assert db.count("docs") == 3

    db.create_collection("docs", overwrite=True)
    assert db.count("docs") == 0, "overwrite starts from an empty collection"
    assert db.get_collection("docs").dimension is None
    db.insert_docs([{"id": "v", "content": "x", "embedding": [1.0, 0.0]}])
    assert db.get_collection().dimension == 2, "after overwrite the dimension is fixed again by the new data"


def test_get_and_delete_collection(db: PGVectorDB) -> None:
    with pytest.raises(ValueError, match="No collection is active"):
        db.get_collection()
    with pytest.raises(ValueError, match="does not exist"):
        db.get_collection("missing")
    db.create_collection("one")
    db.create_collection("two")
    assert db.get_collection().name == "two"
    assert db.get_collection("one").name == "one" and db.active_collection.name == "one"
    assert db.list_collections() == ["one", "two"]
    db.delete_collection("one")
    assert db.active_collection is None
    assert db.list_collections() == ["two"]
    db.delete_collection("one")  # already gone: nothing happens
    with pytest.raises(ValueError, match="does not exist"):
        db.insert_docs(docs_abc(), collection_name="one")


def test_collection_names_are_quoted_not_injected(db: PGVectorDB) -> None:
    evil = 'x"; DROP TABLE victims; --'
    db.client.execute("CREATE TABLE victims (id int)")
    db.create_collection(evil)
    db.insert_docs(docs_abc(), collection_name=evil)
    assert db.count(evil) == 3
    db.create_collection("Mixed-Case name")
    assert db.get_collection("Mixed-Case name").name == "Mixed-Case name"
    assert db.client.execute("SELECT count(*) FROM victims").fetchone()[0] == 0, "the other table is untouched"
    with pytest.raises(ValueError, match="63-byte"):
        db.create_collection("n" * 64)
    with pytest.raises(ValueError, match="non-empty string"):
        db.create_collection("")


def test_foreign_table_is_never_used_or_dropped(db: PGVectorDB) -> None:
    db.client.execute("CREATE TABLE accounts (id int)")
    db.client.execute("INSERT INTO accounts VALUES (1)")
    for call in (
        lambda: db.create_collection("accounts", overwrite=True),
        lambda: db.get_collection("accounts"),
        lambda: db.delete_collection("accounts"),
    ):
        with pytest.raises(ValueError, match="not created by PGVectorDB"):
            call()
    assert db.client.execute("SELECT count(*) FROM accounts").fetchone()[0] == 1


# ---------------------------------------------------------------- documents


def test_insert_and_get_docs_by_ids(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc())
    everything = db.get_docs_by_ids()
    assert [d["id"] for d in everything] == ["a", 2, "c"], "all documents, in insertion order, int ids stay ints"
    assert everything[0] == {"id": "a", "content": "cat cat cat", "metadata": {"source": "a.txt"}}
    assert everything[2]["metadata"] is None

    picked = db.get_docs_by_ids(["c", 2, "missing", "c"])
    assert [d["id"] for d in picked] == ["c", 2]
    only_emb = db.get_docs_by_ids(["a"], include=["embedding"])
    assert set(only_emb[0]) == {"id", "embedding"}
    assert only_emb[0]["embedding"] == pytest.approx([3.01, 0.01, 0.01, 0.01])
    chroma_names = db.get_docs_by_ids(["a"], include=["documents", "metadatas", "distances"])
    assert set(chroma_names[0]) == {"id", "content", "metadata"}
    with pytest.raises(ValueError, match="Unknown include field 'colour'"):
        db.get_docs_by_ids(["a"], include=["colour"])
    assert db.get_docs_by_ids([]) == []


def test_given_embeddings_are_stored_as_is(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs([{"id": "e", "content": "anything", "embedding": [0.5, 0.25, 0.0, 1.0]}])
    assert db.get_docs_by_ids(["e"], include=["embedding"])[0]["embedding"] == [0.5, 0.25, 0.0, 1.0]


def test_duplicate_ids_are_rejected_and_nothing_is_written(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc())
    with pytest.raises(ValueError, match=r"Key \(id\)=\(a\) already exists.*upsert=True"):
        db.insert_docs([{"id": "new", "content": "bird"}, {"id": "a", "content": "bird"}])
    assert db.count() == 3 and db.get_docs_by_ids(["new"]) == []
    with pytest.raises(ValueError, match="more than once"):
        db.insert_docs([{"id": "z", "content": "x"}, {"id": "z", "content": "y"}])
    with pytest.raises(TypeError, match="str or int"):
        db.insert_docs([{"id": 1.5, "content": "x"}])
    with pytest.raises(ValueError, match="has no 'content'"):
        db.insert_docs([{"id": "q"}])
    with pytest.raises(TypeError, match="str 'content'"):
        db.insert_docs([{"id": "q", "content": b"bytes"}])
    with pytest.raises(ValueError, match="JSON"):
        db.insert_docs([{"id": "q", "content": "x", "metadata": {"when": object()}}])
    assert db.count() == 3


def test_upsert_replaces_and_adds(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc())
    db.insert_docs(
        [
            {"id": "a", "content": "bird", "metadata": {"v": 2}},
            {"id": "d", "content": "dog"},
            {"id": "d", "content": "fish"},
        ],
        upsert=True,
    )
    got = {d["id"]: d for d in db.get_docs_by_ids(include=["content", "metadata", "embedding"])}
    assert got["a"]["content"] == "bird" and got["a"]["metadata"] == {"v": 2}
    assert got["a"]["embedding"] == pytest.approx(axis_embedding(["bird"])[0]), "the embedding follows the new content"
    assert got["d"]["content"] == "fish", "within one upsert the last document with an id wins"
    assert [d["id"] for d in db.get_docs_by_ids()] == ["a", 2, "c", "d"], "an upserted document keeps its place"


def test_update_docs(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc())
    db.update_docs([{"id": 2, "content": "fish fish", "metadata": {"edited": True}}, {"id": "new", "content": "cat"}])
    assert db.get_docs_by_ids([2])[0] == {"id": 2, "content": "fish fish", "metadata": {"edited": True}}
    assert db.get_docs_by_ids(["new"])[0]["content"] == "cat", "update_docs upserts, like the original backend"

    db.update_docs([{"id": "c", "content": "bird"}, {"id": "ghost", "content": "dog"}], upsert=False)
    assert db.get_docs_by_ids(["c"])[0]["content"] == "bird"
    assert db.get_docs_by_ids(["ghost"]) == [], "upsert=False only touches stored documents"
    assert db.retrieve_docs(["fish"], n_results=1)[0][0][0]["id"] == 2, "updated embeddings are searched"


def test_delete_docs(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc())
    db.delete_docs(["a", 2, "unknown"])
    assert [d["id"] for d in db.get_docs_by_ids()] == ["c"]
    db.delete_docs([])
    assert db.count() == 1


def test_dimension_mismatch_raises_and_leaves_data_intact(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc())
    before = db.get_docs_by_ids(include=["content", "metadata", "embedding"])
    with pytest.raises(ValueError) as info:
        db.insert_docs([{"id": "ok", "content": "cat"}, {"id": "bad", "content": "x", "embedding": [1.0, 2.0, 3.0]}])
    message = str(info.value)
    assert "4-dimensional" in message and "3-dimensional" in message and "'bad'" in message
    with pytest.raises(ValueError, match="4-dimensional.*5-dimensional"):
        db.insert_docs([{"id": "a", "content": "x", "embedding": [0.0] * 5}], upsert=True)
    assert db.get_docs_by_ids(include=["content", "metadata", "embedding"]) == before

    with pytest.raises(ValueError, match="query embeddings have 2 dimensions"):
        PGVectorDB(conn=db.client, embedding_function=lambda texts: [[1.0, 0.0] for _ in texts]).retrieve_docs(
            ["cat"], collection_name="docs"
        )


def test_mismatch_inside_the_first_batch_does_not_fix_the_dimension(db: PGVectorDB) -> None:
    db.create_collection("fresh")
    with pytest.raises(ValueError, match="2-dimensional.*3-dimensional"):
        db.insert_docs(
            [{"id": 1, "content": "a", "embedding": [1, 0]}, {"id": 2, "content": "b", "embedding": [1, 0, 0]}]
        )
    assert db.count() == 0 and db.get_collection().dimension is None
    db.insert_docs([{"id": 1, "content": "a", "embedding": [1, 0, 0]}])
    assert db.get_collection().dimension == 3


def test_dimension_given_at_creation_is_enforced(db: PGVectorDB) -> None:
    db.create_collection("sized", dimension=3)
    with pytest.raises(ValueError, match="3-dimensional.*4-dimensional"):
        db.insert_docs([{"id": 1, "content": "cat"}])
    with pytest.raises(ValueError, match="stores 3-dimensional"):
        db.create_collection("sized", dimension=5)


def test_reopened_collection_keeps_documents_and_dimension(pg_server: PGServer, pg_dbname: str) -> None:
    first = PGVectorDB(connection_string=pg_server.uri(pg_dbname), embedding_function=axis_embedding)
    first.create_collection("kept")
    first.insert_docs(docs_abc())
    first.close()
    second = PGVectorDB(connection_string=pg_server.uri(pg_dbname), embedding_function=axis_embedding)
    collection = second.create_collection("kept", get_or_create=True)
    assert collection.dimension == 4 and collection.count() == 3
    assert second.retrieve_docs(["dog"], n_results=1)[0][0][0]["id"] == 2
    second.close()


# ---------------------------------------------------------------- retrieval


def test_retrieve_orders_by_cosine_distance(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc() + [{"id": "d", "content": "cat dog"}])
    [hits] = db.retrieve_docs(["cat"], n_results=4)
    ids = [doc["id"] for doc, _ in hits]
    distances = [d for _, d in hits]
    assert ids[:2] == ["a", "d"]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(0.0, abs=1e-3), "a document pointing the same way has cosine distance ~0"
    assert 0.25 < distances[1] < 0.35, "cat+dog vs cat: 1 - cos(45 degrees) ~ 0.29"
    assert hits[0][0] == {"id": "a", "content": "cat cat cat", "metadata": {"source": "a.txt"}}


def test_retrieve_threshold_n_results_and_several_queries(db: PGVectorDB) -> None:
    db.create_collection("docs")
    db.insert_docs(docs_abc() + [{"id": "d", "content": "cat dog"}])
    results = db.retrieve_docs(["cat", "fish", "bird"], n_results=2)
    assert [len(r) for r in results] == [2, 2, 2]
    assert results[1][0][0]["id"] == "c"
    close_only = db.retrieve_docs(["cat"], n_results=10, distance_threshold=0.1)
    assert [doc["id"] for doc, _ in close_only[0]] == ["a"]
    assert db.retrieve_docs(["cat"], n_results=10, distance_threshold=0)[0] == [], "threshold 0 keeps nothing"
    assert len(db.retrieve_docs(["cat"], n_results=10, distance_threshold=-1)[0]) == 4
    with_emb = db.retrieve_docs("cat", n_results=1, include_embedding=True)
    assert with_emb[0][0][0]["embedding"] == pytest.approx([3.01, 0.01, 0.01, 0.01])
    with pytest.raises(ValueError, match="n_results"):
        db.retrieve_docs(["cat"], n_results=0)


def test_retrieve_on_empty_collection(db: PGVectorDB) -> None:
    db.create_collection("empty")
    assert db.retrieve_docs(["cat", "dog"]) == [[], []]


def test_many_results_beyond_the_default_hnsw_search_width(db: PGVectorDB) -> None:
    import random

    rng = random.Random(7)
    db.create_collection("wide")
    db.insert_docs(
        [{"id": i, "content": f"doc {i}", "embedding": [rng.random() for _ in range(8)]} for i in range(300)]
    )
    query = PGVectorDB(conn=db.client, embedding_function=lambda texts: [[0.5] * 8 for _ in texts])
    assert len(query.retrieve_docs(["q"], collection_name="wide", n_results=150)[0]) == 150
    assert len(query.retrieve_docs(["q"], collection_name="wide", n_results=1200)[0]) == 300


@pytest.mark.parametrize(
    ("space", "expected"),
    [("l2", 1.0), ("ip", 1.0 - 0.0)],  # query [1,0] vs doc [0,1]: euclidean 1.41 / 1 - dot = 1
)
def test_other_distance_spaces(pg_schema_uri: str, space: str, expected: float) -> None:
    vdb = PGVectorDB(
        connection_string=pg_schema_uri,
        embedding_function=lambda texts: [[1.0, 0.0] for _ in texts],
        metadata={"hnsw:space": space},
    )
    vdb.create_collection(space)
    vdb.insert_docs(
        [
            {"id": "same", "content": "s", "embedding": [1.0, 0.0]},
            {"id": "other", "content": "o", "embedding": [0.0, 1.0]},
        ]
    )
    [hits] = vdb.retrieve_docs(["q"], n_results=2)
    assert [d["id"] for d, _ in hits] == ["same", "other"]
    if space == "l2":
        assert hits[0][1] == pytest.approx(0.0) and hits[1][1] == pytest.approx(2**0.5)
    else:
        assert hits[0][1] == pytest.approx(0.0) and hits[1][1] == pytest.approx(expected)
    vdb.close()


def test_hnsw_index_exists_after_loading_and_is_used(db: PGVectorDB) -> None:
    db.create_collection("indexed")
    db.insert_docs(docs_abc())
    db.insert_docs([{"id": "more", "content": "bird"}])  # a second load into a non-empty table keeps the index
    indexes = db.client.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'indexed'").fetchall()
    assert any("USING hnsw (embedding vector_cosine_ops)" in row[0] for row in indexes)
    assert len(db.retrieve_docs(["cat"], n_results=2, ef_search=200)[0]) == 2
    with pytest.raises(ValueError, match="ef_search"):
        db.retrieve_docs(["cat"], ef_search=5000)


def test_retrieve_user_proxy_agent_on_pgvector(pg_schema_uri: str, corpus_dir, hash_embedder) -> None:
    from autogen.agentchat.contrib.retrieve_user_proxy_agent import RetrieveUserProxyAgent

    config = {
        "task": "qa",
        "docs_path": str(corpus_dir),
        "vector_db": "pgvector",
        "db_config": {"connection_string": pg_schema_uri},
        "embedding_function": hash_embedder,
        "collection_name": "ag2-docs",
        "chunk_token_size": 100,
        "get_or_create": True,
    }
    agent = RetrieveUserProxyAgent("rag", human_input_mode="NEVER", retrieve_config=config)
    agent.retrieve_docs("Who started the glass fair in Velmora and why?", n_results=3)
    assert len(agent._results[0]) == 3
    stored = agent._vector_db.count("ag2-docs")
    assert stored > 10 and isinstance(agent._vector_db, PGVectorDB)

    again = RetrieveUserProxyAgent("rag2", human_input_mode="NEVER", retrieve_config=config)
    again.retrieve_docs("glass fair", n_results=2)
    assert again._vector_db.count("ag2-docs") == stored, "re-indexing the same files adds nothing"
    assert all("source" in doc["metadata"] for doc, _ in again._results[0])
