"""VectorChromaQueryEngine (real Chroma, offline embedder) and InMemoryQueryEngine, answering through a
scripted LLM over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autogen.agentchat.contrib.rag import RAGQueryEngine
from autogen.agents.experimental import InMemoryQueryEngine, VectorChromaQueryEngine
from autogen.agents.experimental.document_agent.chroma_query_engine import (
    EMPTY_RESPONSE_REPLY,
    VectorChromaCitationQueryEngine,
)
from autogen.testing import FakeLLMServer

pytest.importorskip("chromadb")


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


def test_ingest_and_answer_from_the_nearest_passages(tmp_path: Path, docs: Path) -> None:
    with FakeLLMServer(default_reply="Ada Quill designed it.") as server:
        engine = VectorChromaQueryEngine(db_path=str(tmp_path / "db"), llm=server.llm_config, collection_name="docs")
        assert isinstance(engine, RAGQueryEngine)
        assert engine.get_collection_name() == "docs"
        assert engine.query("Who designed the reactor?") == EMPTY_RESPONSE_REPLY
        assert server.requests == []  # nothing stored: no LLM call

        engine.add_docs(new_doc_dir=docs)
        assert engine.collection.count() == 3
        engine.add_docs(new_doc_paths_or_urls=[docs / "reactor.md"])  # again: replaced, not duplicated
        assert engine.collection.count() == 3

        assert engine.query("Who designed the Zorblax reactor?") == "Ada Quill designed it."
        prompt = server.requests[-1].messages[-1]["content"]
        assert "Who designed the Zorblax reactor?" in prompt
        # the most similar passage comes first
        assert prompt.index("designed by Ada Quill") < prompt.index("sixteen hours")
        assert "[reactor.md]" in prompt


def test_collection_persists_across_engines(tmp_path: Path, docs: Path) -> None:
    with FakeLLMServer(default_reply="Sixteen hours.") as server:
        first = VectorChromaQueryEngine(db_path=str(tmp_path / "db"), llm=server.llm_config, collection_name="kept")
        first.add_docs(new_doc_paths_or_urls=[docs / "cats.md"])
        again = VectorChromaQueryEngine(db_path=str(tmp_path / "db"), llm=server.llm_config, collection_name="kept")
        assert again._collection_exists("kept") and not again._collection_exists("other")
        assert again.query("How long do cats sleep?") == "Sixteen hours."
        assert "sixteen hours" in server.requests[-1].messages[-1]["content"]


def test_citations_name_the_source_files(tmp_path: Path, docs: Path) -> None:
    with FakeLLMServer(default_reply="It was Ada Quill [1].") as server:
        engine = VectorChromaCitationQueryEngine(
            db_path=str(tmp_path / "db"), llm=server.llm_config, collection_name="cited", enable_query_citations=True
        )
        engine.add_docs(new_doc_dir=docs)
        result = engine.query_with_citations("Who designed the Zorblax reactor?")
    assert result.answer == "It was Ada Quill [1]."
    first = result.citations[0]
    assert first.metadata["file_path"] == str((docs / "reactor.md").resolve())
    assert "Ada Quill" in first.node.get_text() and first.score > result.citations[-1].score
    assert "Source 1:\n# Zorblax reactor" in server.requests[-1].messages[-1]["content"]


def test_bad_inputs(tmp_path: Path) -> None:
    engine = VectorChromaQueryEngine(db_path=str(tmp_path / "db"), llm={"config_list": []}, collection_name="bad")
    with pytest.raises(ValueError, match="No input directory or docs provided!"):
        engine.add_docs()
    with pytest.raises(ValueError, match="Input directory not found"):
        engine.add_docs(new_doc_dir=tmp_path / "none")
    with pytest.raises(ValueError, match="Document file not found"):
        engine.add_docs(new_doc_paths_or_urls=[tmp_path / "none.md"])
    with pytest.raises(NotImplementedError):
        engine.init_db()


def test_llama_index_style_llm_is_accepted(tmp_path: Path, docs: Path) -> None:
    class Completion:
        def __init__(self, text: str) -> None:
            self.text = text

    class Llm:
        def __init__(self) -> None:
            self.prompts: list[str] = []

        def complete(self, prompt: str) -> Completion:
            self.prompts.append(prompt)
            return Completion("from complete()")

    llm = Llm()
    engine = VectorChromaQueryEngine(db_path=str(tmp_path / "db"), llm=llm, collection_name="llama")
    engine.add_docs(new_doc_paths_or_urls=[docs / "bread.md"])
    assert engine.query("What does sourdough need?") == "from complete()"
    assert "starter of flour" in llm.prompts[0]


class TestInMemoryQueryEngine:
    def test_answers_from_all_documents(self, docs: Path) -> None:
        reply = json.dumps({"could_answer": True, "answer": "42 megawatts."})
        with FakeLLMServer([reply]) as server:
            config = server.llm_config
            engine = InMemoryQueryEngine(llm_config=config)
            assert "response_format" not in config  # the caller's config is not changed
            assert engine.query("How much power?") == "Sorry, please ingest some documents/URLs before querying."
            engine.add_docs(new_doc_dir=docs)
            assert engine.query("How much power does the reactor deliver?") == "42 megawatts."
            request = server.requests[-1]
        system = request.messages[0]["content"]
        assert "- reactor.md" in system and "sixteen hours" in system and "starter of flour" in system
        assert request.body["response_format"]["json_schema"]["name"] == "QueryAnswer"
        assert request.messages[-1]["content"].endswith(
            "answer this question: How much power does the reactor deliver?"
        )

    def test_unanswerable_and_malformed_replies(self, docs: Path) -> None:
        replies = [
            json.dumps({"could_answer": False, "answer": "The documents do not say."}),
            json.dumps({"could_answer": False, "answer": ""}),
            "not json",
        ]
        with FakeLLMServer(replies) as server:
            engine = InMemoryQueryEngine(llm_config=server.llm_config)
            engine.add_docs(new_doc_paths_or_urls=[docs / "cats.md"])
            assert engine.query("Q1") == (
                "Sorry, I couldn't answer that question from the ingested documents/URLs: The documents do not say."
            )
            assert engine.query("Q2") == "Sorry, I couldn't answer that question from the ingested documents/URLs"
            assert engine.query("Q3").startswith("Sorry, there was an error processing your query: ")

    def test_bad_inputs(self, tmp_path: Path) -> None:
        engine = InMemoryQueryEngine(llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
        with pytest.raises(ValueError, match="No input directory or docs provided!"):
            engine.add_docs()
        with pytest.raises(ValueError, match="Document file not found"):
            engine.add_docs(new_doc_paths_or_urls=[tmp_path / "x.md"])
        (tmp_path / "bin.md").write_bytes(b"\xff\xfe\xfa")
        with pytest.raises(ValueError, match="Error reading file"):
            engine.add_docs(new_doc_paths_or_urls=[tmp_path / "bin.md"])
        with pytest.raises(NotImplementedError):
            engine.init_db()
        with pytest.raises(NotImplementedError):
            engine.connect_db()
