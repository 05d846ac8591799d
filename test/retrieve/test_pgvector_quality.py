"""Retrieval quality of PGVectorDB on the shared question corpus, with the project's default offline
embedding (all-MiniLM-L6-v2 ONNX) and a real PostgreSQL + pgvector.

The corpus, the question set and the hit-rate helper come from test/retrieve/conftest.py (shared by
every backend's quality test); the server comes from conftest_pg.py.
"""

from __future__ import annotations

import pytest

pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]' pgvector)")
pytest.importorskip("pgvector", reason="pgvector is not installed (pip install pgvector)")

import conftest_pg
from conftest_pg import PGServer

from autogen.retrieve.vectordb.pgvector import PGVectorDB

pg_server = conftest_pg.pg_server


@pytest.fixture(scope="module")
def loaded_db(pg_server: PGServer, corpus_docs: list[dict]):
    """The corpus stored once in pgvector by a PGVectorDB left on its default embedding function."""
    import psycopg

    from autogen.retrieve.embeddings import EmbeddingModelNotFound, get_embedding_function

    try:
        get_embedding_function()
    except EmbeddingModelNotFound as e:
        pytest.skip(f"the default embedding model is not installed: {e}")
    with psycopg.connect(pg_server.uri(), autocommit=True) as admin:
        admin.execute('CREATE DATABASE "quality" STRATEGY FILE_COPY')
    db = PGVectorDB(connection_string=pg_server.uri("quality"))  # no embedding_function: the default is used
    db.create_collection("quality")
    db.insert_docs(corpus_docs, upsert=True)  # upsert: identical chunks share a content-hash id
    yield db
    db.close()
    with psycopg.connect(pg_server.uri(), autocommit=True) as admin:
        admin.execute('DROP DATABASE "quality" WITH (FORCE)')


def test_answer_chunk_in_top_k_for_most_questions(loaded_db: PGVectorDB, questions: dict, retrieval_hit_rate) -> None:
    assert loaded_db.embedding_function is not None and loaded_db.get_collection().dimension == 384
    rate, misses = retrieval_hit_rate(loaded_db, "quality")
    n = len(questions["questions"])
    print(f"\npgvector: answer chunk in top {questions['top_k']} for {round(rate * n)}/{n} questions; missed: {misses}")
    assert rate >= questions["min_hit_rate"], f"hit rate {rate:.0%} < {questions['min_hit_rate']:.0%}; missed: {misses}"


def test_hnsw_search_matches_exact_search(loaded_db: PGVectorDB, questions: dict) -> None:
    """The approximate index returns what an exact cosine ranking (numpy) of the stored vectors returns."""
    np = pytest.importorskip("numpy")
    stored = loaded_db.get_docs_by_ids(include=["embedding"])
    ids = [d["id"] for d in stored]
    matrix = np.asarray([d["embedding"] for d in stored], dtype=np.float64)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    texts = [q["question"] for q in questions["questions"]]
    queries = np.asarray(loaded_db.embedding_function(texts), dtype=np.float64)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)

    results = loaded_db.retrieve_docs(texts, n_results=5)
    agree = 0
    for row, result in zip(queries @ matrix.T, results):
        exact = {ids[i] for i in np.argsort(-row)[:5]}
        agree += len(exact & {doc["id"] for doc, _ in result})
        assert [d for _, d in result] == sorted(d for _, d in result)
        assert result[0][1] == pytest.approx(1 - row.max(), abs=1e-4), "distance = 1 - cosine of the best match"
    assert agree / (5 * len(texts)) >= 0.98
