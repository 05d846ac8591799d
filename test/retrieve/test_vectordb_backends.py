"""ChromaVectorDB and QdrantVectorDB against the VectorDB protocol rules (same tests for both)."""

from __future__ import annotations

import pytest

from autogen.retrieve.vectordb import VectorDB, VectorDBFactory
from autogen.retrieve.vectordb.chromadb import ChromaVectorDB
from autogen.retrieve.vectordb.qdrant import QdrantVectorDB

DOCS = [
    {
        "id": "cat",
        "content": "The cat sleeps on the warm sofa all afternoon.",
        "metadata": {"source": "pets.md", "chunk_index": 0},
    },
    {
        "id": "dog",
        "content": "The dog chases a red ball in the park.",
        "metadata": {"source": "pets.md", "chunk_index": 1},
    },
    {"id": "tax", "content": "Quarterly tax filings are due at the end of March.", "metadata": {"source": "money.md"}},
    {"id": "py", "content": "Python lists grow when you append items to them.", "metadata": {"source": "code.md"}},
]


@pytest.fixture(params=["chroma", "qdrant"])
def make_db(request, tmp_path):
    """Build a backend of the parametrised kind; a second call reopens the same storage."""
    opened: list = []

    def factory(embedding_function=None):
        if request.param == "chroma":
            return ChromaVectorDB(path=str(tmp_path / "chroma"), embedding_function=embedding_function)
        if opened:
            # Local qdrant storage at a path admits one client per process: reopen through it, new embedder.
            return QdrantVectorDB(client=opened[0].client, embedding_function=embedding_function)
        opened.append(QdrantVectorDB(path=str(tmp_path / "qdrant"), embedding_function=embedding_function))
        return opened[0]

    factory.kind = request.param
    return factory


def _ids(results):
    return [[doc["id"] for doc, _ in per_query] for per_query in results]


def test_backends_implement_the_protocol(make_db, hash_embedder):
    db = make_db(hash_embedder)
    assert isinstance(db, VectorDB)
    assert db.type == make_db.kind
    assert db.embedding_function is hash_embedder


def test_create_get_overwrite_and_delete_collections(make_db, hash_embedder):
    db = make_db(hash_embedder)
    db.create_collection("docs-a")
    db.insert_docs(DOCS[:2])
    with pytest.raises(ValueError, match="already exists"):
        db.create_collection("docs-a", overwrite=False, get_or_create=False)
    db.create_collection("docs-a", get_or_create=True)
    assert len(db.get_docs_by_ids(collection_name="docs-a")) == 2  # kept
    db.create_collection("docs-a", overwrite=True)
    assert db.get_docs_by_ids(collection_name="docs-a") == []  # rebuilt empty
    assert db.get_collection("docs-a") is not None
    with pytest.raises(ValueError, match="does not exist"):
        db.get_collection("never-made")
    db.delete_collection("docs-a")
    with pytest.raises(ValueError, match="does not exist"):
        db.get_collection("docs-a")


def test_insert_upsert_update_delete_and_get(make_db, hash_embedder):
    db = make_db(hash_embedder)
    db.create_collection("crud")
    db.insert_docs(DOCS)
    got = {d["id"]: d for d in db.get_docs_by_ids()}
    assert set(got) == {"cat", "dog", "tax", "py"}
    assert got["cat"]["content"] == DOCS[0]["content"]
    assert got["cat"]["metadata"]["source"] == "pets.md"

    db.insert_docs([{"id": "cat", "content": "A changed cat text."}])  # no upsert: stored version stays
    assert db.get_docs_by_ids(["cat"])[0]["content"] == DOCS[0]["content"]
    db.insert_docs([{"id": "cat", "content": "A changed cat text.", "metadata": {"source": "new.md"}}], upsert=True)
    assert db.get_docs_by_ids(["cat"])[0]["content"] == "A changed cat text."

    db.update_docs([{"id": "dog", "content": "The dog now sleeps too.", "metadata": {"source": "pets.md"}}])
    assert db.get_docs_by_ids(["dog"])[0]["content"] == "The dog now sleeps too."

    db.delete_docs(["tax", "py"])
    assert sorted(d["id"] for d in db.get_docs_by_ids()) == ["cat", "dog"]


def test_invalid_documents_are_rejected_before_writing(make_db, hash_embedder):
    db = make_db(hash_embedder)
    db.create_collection("invalid")
    with pytest.raises(ValueError, match="id"):
        db.insert_docs([{"content": "no id"}])
    with pytest.raises(ValueError, match="more than once"):
        db.insert_docs([{"id": "x", "content": "one"}, {"id": "x", "content": "two"}])
    assert db.get_docs_by_ids() == []


def test_retrieval_ranks_by_meaning_with_distances_and_threshold(make_db, embedder):
    db = make_db(embedder)
    db.create_collection("semantic")
    db.insert_docs(DOCS)
    results = db.retrieve_docs(["Which pet naps on the couch?", "When must I file taxes?"], n_results=2)
    assert [r[0] for r in _ids(results)] == ["cat", "tax"]
    distances = [d for _, d in results[0]]
    assert distances == sorted(distances) and 0 <= distances[0] < 1
    assert results[0][0][0]["metadata"]["source"] == "pets.md"
    tight = db.retrieve_docs(["Which pet naps on the couch?"], n_results=4, distance_threshold=distances[0] + 1e-6)
    assert _ids(tight) == [["cat"]]
    assert db.retrieve_docs(["anything"], n_results=50)[0].__len__() == 4  # more than stored: all of them


def test_precomputed_embeddings_are_used_as_given(make_db, hash_embedder):
    db = make_db(hash_embedder)
    db.create_collection("precomputed")
    vecs = hash_embedder(["alpha words", "beta words"])
    hash_embedder.calls.clear()
    db.insert_docs(
        [
            {"id": "a", "content": "alpha words", "embedding": vecs[0]},
            {"id": "b", "content": "beta words", "embedding": vecs[1]},
        ]
    )
    assert hash_embedder.calls == []  # nothing re-embedded
    assert _ids(db.retrieve_docs(["beta words"], n_results=1)) == [["b"]]


def test_dimension_mismatch_is_a_clear_error_and_keeps_the_data(make_db, hash_embedder):
    db = make_db(hash_embedder)
    db.create_collection("dims")
    db.insert_docs(DOCS)
    with pytest.raises(ValueError, match=r"stores 32-dimensional .* gives 5-dimensional"):
        db.insert_docs([{"id": "new", "content": "x" * 10, "embedding": [0.1] * 5}])
    other = make_db(lambda texts: [[0.2] * 8 for _ in texts])
    other.get_collection("dims")
    with pytest.raises(ValueError, match=r"32-dimensional .* 8-dimensional"):
        other.insert_docs([{"id": "new", "content": "some new text"}])
    with pytest.raises(ValueError, match="dimension"):
        other.retrieve_docs(["a query"])
    assert len(other.get_docs_by_ids()) == 4


def test_user_embedding_function_is_used_on_an_existing_collection(make_db, hash_embedder, embedder):
    db = make_db(embedder)
    db.create_collection("reopen")
    db.insert_docs(DOCS)
    calls = []

    def my_embedder(texts):
        calls.append(list(texts))
        return embedder(texts)

    reopened = make_db(my_embedder)
    reopened.create_collection("reopen", get_or_create=True)
    results = reopened.retrieve_docs(["Which pet naps on the couch?"], n_results=1)
    assert calls == [["Which pet naps on the couch?"]]  # the user's function embedded the query
    assert _ids(results) == [["cat"]]


def test_factory_builds_backends_by_every_name(tmp_path, hash_embedder):
    for name in ("chroma", "chromadb"):
        db = VectorDBFactory.create_vector_db(name, path=str(tmp_path / name), embedding_function=hash_embedder)
        assert isinstance(db, ChromaVectorDB)
    for name in ("qdrant", "qdrantdb"):
        assert isinstance(VectorDBFactory.create_vector_db(name, embedding_function=hash_embedder), QdrantVectorDB)
    with pytest.raises(ValueError, match="Unsupported vector database type"):
        VectorDBFactory.create_vector_db("faiss")
    for name in ("pgvector", "pgvectordb", "mdb", "mongodb", "atlas"):
        cls = VectorDBFactory.backend_class(name)
        assert cls.__name__ in ("PGVectorDB", "MongoDBAtlasVectorDB")
    with pytest.raises(NotImplementedError, match="couchbase"):
        VectorDBFactory.create_vector_db("capella")


def test_qdrant_server_down_is_a_clear_connection_error(closed_port, hash_embedder):
    db = QdrantVectorDB(
        url=f"http://127.0.0.1:{closed_port}", embedding_function=hash_embedder, timeout=2, check_compatibility=False
    )
    with pytest.raises(ConnectionError, match=f"127.0.0.1:{closed_port}.*not reachable"):
        db.create_collection("anything")


def test_qdrant_keeps_caller_ids_that_are_not_uuids(hash_embedder):
    db = QdrantVectorDB(embedding_function=hash_embedder)
    db.create_collection("ids")
    db.insert_docs([{"id": "doc-1", "content": "hello there"}, {"id": 7, "content": "seven"}])
    assert sorted(str(d["id"]) for d in db.get_docs_by_ids()) == ["7", "doc-1"]
    assert db.get_docs_by_ids(["doc-1"])[0]["content"] == "hello there"


def test_chroma_search_string_filters_documents(tmp_path, embedder):
    db = ChromaVectorDB(path=str(tmp_path / "c"), embedding_function=embedder)
    db.create_collection("filter")
    db.insert_docs(DOCS)
    results = db.retrieve_docs(["pets"], n_results=4, where_document={"$contains": "ball"})
    assert _ids(results) == [["dog"]]


def test_chroma_collection_made_with_another_embedding_function_is_usable_with_ours(tmp_path, hash_embedder):
    import chromadb
    from chromadb.api.types import EmbeddingFunction
    from chromadb.config import Settings

    class TheirEmbedder(EmbeddingFunction):
        def __init__(self) -> None:
            pass

        def __call__(self, input):
            return hash_embedder(list(input))

        @staticmethod
        def name() -> str:
            return "their-embedder"

        def get_config(self):
            return {}

        @staticmethod
        def build_from_config(config):
            return TheirEmbedder()

    raw = chromadb.PersistentClient(path=str(tmp_path / "raw"), settings=Settings(anonymized_telemetry=False))
    collection = raw.create_collection("made-elsewhere", embedding_function=TheirEmbedder())
    collection.add(ids=["d1", "d2"], documents=["ferries sail hourly", "cheese ages in caves"])

    calls = []

    def ours(texts):
        calls.append(list(texts))
        return hash_embedder(texts)

    db = ChromaVectorDB(client=raw, embedding_function=ours)
    db.create_collection("made-elsewhere", get_or_create=True)
    results = db.retrieve_docs(["cheese ages in caves"], n_results=1)
    assert calls == [["cheese ages in caves"]]
    assert results[0][0][0]["id"] == "d2"
