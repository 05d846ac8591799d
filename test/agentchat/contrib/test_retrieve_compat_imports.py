"""Old import paths of the retrieval code still work and point at the same objects."""

from __future__ import annotations

import importlib


def test_legacy_retrieve_utils_names():
    legacy = importlib.import_module("autogen.retrieve_utils")
    import autogen.retrieve as new

    for name in (
        "TEXT_FORMATS",
        "split_text_to_chunks",
        "split_files_to_chunks",
        "get_files_from_dir",
        "extract_text_from_pdf",
        "is_url",
        "get_file_from_url",
        "parse_html_to_markdown",
        "create_vector_db_from_dir",
        "query_vector_db",
        "VALID_CHUNK_MODES",
        "RAG_MINIMUM_MESSAGE_LENGTH",
    ):
        assert getattr(legacy, name) is getattr(new, name), name


def test_contrib_vectordb_modules_reexport_the_backends():
    from autogen.agentchat.contrib.vectordb.base import Document, QueryResults, VectorDB, VectorDBFactory  # noqa: F401
    from autogen.agentchat.contrib.vectordb.chromadb import ChromaVectorDB
    from autogen.agentchat.contrib.vectordb.mongodb import MongoDBAtlasVectorDB
    from autogen.agentchat.contrib.vectordb.pgvectordb import PGVectorDB
    from autogen.agentchat.contrib.vectordb.qdrant import QdrantVectorDB
    from autogen.agentchat.contrib.vectordb.utils import chroma_results_to_query_results, filter_results_by_distance
    from autogen.retrieve.vectordb import chromadb, mongodb, pgvector, qdrant

    assert ChromaVectorDB is chromadb.ChromaVectorDB
    assert QdrantVectorDB is qdrant.QdrantVectorDB
    assert PGVectorDB is pgvector.PGVectorDB
    assert MongoDBAtlasVectorDB is mongodb.MongoDBAtlasVectorDB
    assert VectorDBFactory.create_vector_db.__qualname__ == "VectorDBFactory.create_vector_db"
    results = chroma_results_to_query_results(
        {
            "ids": [["a", "b"]],
            "documents": [["A", "B"]],
            "metadatas": [[{"source": "s"}, None]],
            "distances": [[0.1, 0.4]],
        }
    )
    assert results == [
        [
            ({"id": "a", "content": "A", "metadata": {"source": "s"}}, 0.1),
            ({"id": "b", "content": "B", "metadata": None}, 0.4),
        ]
    ]
    assert filter_results_by_distance(results, 0.2) == [results[0][:1]]


def test_agent_modules_import_from_the_old_paths():
    from autogen.agentchat.contrib.qdrant_retrieve_user_proxy_agent import QdrantRetrieveUserProxyAgent
    from autogen.agentchat.contrib.retrieve_assistant_agent import RetrieveAssistantAgent
    from autogen.agentchat.contrib.retrieve_user_proxy_agent import RetrieveUserProxyAgent

    assert issubclass(QdrantRetrieveUserProxyAgent, RetrieveUserProxyAgent)
    assert RetrieveAssistantAgent.__mro__[1].__name__ == "AssistantAgent"


def test_qdrant_legacy_agent_wraps_a_client(recwarn):
    from qdrant_client import QdrantClient

    from autogen.agentchat.contrib.qdrant_retrieve_user_proxy_agent import QdrantRetrieveUserProxyAgent

    client = QdrantClient(":memory:")
    agent = QdrantRetrieveUserProxyAgent(
        name="q",
        human_input_mode="NEVER",
        retrieve_config={
            "docs_path": None,
            "client": client,
            "embedding_function": lambda t: [[1.0, 0.0] for _ in t],
            "hnsw_config": {"m": 8},
        },
    )
    assert agent._vector_db.client is client and agent._vector_db.type == "qdrant"
    assert agent._vector_db.collection_options == {"hnsw_config": {"m": 8}}
    assert any(issubclass(w.category, DeprecationWarning) for w in recwarn)


def test_chroma_results_convert_every_column_by_its_singular_name():
    import numpy as np

    from autogen.retrieve.vectordb.utils import chroma_results_to_query_results

    results = chroma_results_to_query_results(
        {
            "ids": [["a"], ["b"]],
            "contents": [["A"], ["B"]],
            "embeddings": np.array([[[0.5, 0.5]], [[1.0, 0.0]]]),
            "uris": [["u1"], ["u2"]],
            "metadatas": None,
            "distances": [[0.1], [0.2]],
        }
    )
    first, second = results[0][0], results[1][0]
    assert first[0]["id"] == "a" and first[0]["content"] == "A" and first[0]["uri"] == "u1" and first[1] == 0.1
    assert list(second[0]["embedding"]) == [1.0, 0.0] and "metadata" not in second[0]
    # without distances, each id gets 0.0; a document always has its content
    assert chroma_results_to_query_results({"ids": [["x"]]}) == [[({"id": "x", "content": ""}, 0.0)]]
