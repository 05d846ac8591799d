"""Retrieval quality with the real default embedder: the answer chunk is in the top 3 for >= 90% of
the paraphrased questions of corpus/questions.json, on Chroma and on Qdrant."""

from __future__ import annotations

from autogen.retrieve.vectordb.chromadb import ChromaVectorDB
from autogen.retrieve.vectordb.qdrant import QdrantVectorDB


def test_question_set_is_well_formed(questions, corpus_dir, corpus_docs):
    assert len(questions["questions"]) >= 20
    for q in questions["questions"]:
        text = (corpus_dir / q["source"]).read_text()
        assert q["answer_contains"] in text
        # exactly one chunk holds the answer, so "the answer chunk" is well defined
        holders = [
            d
            for d in corpus_docs
            if q["answer_contains"] in d["content"] and d["metadata"]["source"].endswith(q["source"])
        ]
        assert len(holders) == 1, q


def test_chroma_finds_the_answer_chunk_in_the_top_3(tmp_path, embedder, corpus_docs, questions, retrieval_hit_rate):
    db = ChromaVectorDB(path=str(tmp_path / "db"), embedding_function=embedder)
    db.create_collection("quality")
    db.insert_docs(corpus_docs)
    rate, misses = retrieval_hit_rate(db, "quality")
    assert rate >= questions["min_hit_rate"], misses


def test_qdrant_finds_the_answer_chunk_in_the_top_3(embedder, corpus_docs, questions, retrieval_hit_rate):
    db = QdrantVectorDB(embedding_function=embedder)
    db.create_collection("quality")
    db.insert_docs(corpus_docs)
    rate, misses = retrieval_hit_rate(db, "quality")
    assert rate >= questions["min_hit_rate"], misses
