"""ChromaDBQueryEngine on real Chroma (a `chroma run` server on 127.0.0.1, an in-memory client and a
persistent client) with the offline embedder, answering through a scripted LLM over real HTTP."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

chromadb = pytest.importorskip("chromadb")

from autogen.agentchat.contrib.rag import ChromaDBQueryEngine, RAGQueryEngine
from autogen.agentchat.contrib.rag.chromadb_query_engine import EMPTY_RESPONSE_REPLY
from autogen.testing import FakeLLMServer


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real Chroma server (the `chroma run` CLI shipped with chromadb) on a free local port."""
    if shutil.which("chroma") is None:
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        ["chroma", "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:  # noqa: BLE001 - not up yet, whatever the client says
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the chroma server did not start")
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_implements_the_protocol() -> None:
    assert issubclass(ChromaDBQueryEngine, RAGQueryEngine)


def test_server_init_query_add_and_reconnect(chroma_server: tuple[str, int], docs: Path) -> None:
    host, port = chroma_server
    with FakeLLMServer(default_reply="Ada Quill designed it.") as llm:
        engine = ChromaDBQueryEngine(host=host, port=port, llm=llm.llm_config)
        assert isinstance(engine, RAGQueryEngine)
        assert engine.get_collection_name() == "docling-parsed-docs"
        with pytest.raises(Exception, match="call init_db or connect_db first"):
            engine.query("anything")

        assert engine.init_db(new_doc_paths_or_urls=[docs / "reactor.md", docs / "cats.md"]) is True
        assert engine.collection.count() == 2
        assert engine.query("Who designed the Zorblax reactor?") == "Ada Quill designed it."
        prompt = llm.requests[-1].messages[-1]["content"]
        assert "Who designed the Zorblax reactor?" in prompt
        assert prompt.index("designed by Ada Quill") < prompt.index("sixteen hours"), "nearest passage first"

        engine.add_docs(new_doc_paths_or_urls=[docs / "bread.md"])
        engine.add_docs(new_doc_paths_or_urls=[docs / "bread.md"])  # again: replaced, not duplicated
        assert engine.collection.count() == 3
        engine.query("What does sourdough need?")
        assert "[bread.md]\n# Bread" in llm.requests[-1].messages[-1]["content"].split("---------------------")[1]

        # A second engine (another client) reaches the same data through connect_db ...
        other = ChromaDBQueryEngine(host=host, port=port, llm=llm.llm_config)
        assert other.connect_db() is True
        assert other.collection.count() == 3
        assert other.query("How long do cats sleep?") == "Ada Quill designed it."
        assert "sixteen hours" in llm.requests[-1].messages[-1]["content"]

        # ... and init_db starts the collection over.
        assert other.init_db(new_doc_paths_or_urls=[docs / "cats.md"]) is True
        assert other.collection.count() == 1


def test_named_collections_are_separate_and_empty_ones_answer_sorry(chroma_server: tuple[str, int], docs: Path) -> None:
    host, port = chroma_server
    with FakeLLMServer(default_reply="unused") as llm:
        engine = ChromaDBQueryEngine(host=host, port=port, llm=llm.llm_config, collection_name="empty-one")
        assert engine.connect_db() is True  # creates the missing collection
        assert engine.query("Who designed the reactor?") == EMPTY_RESPONSE_REPLY
        assert llm.requests == [], "no passage, no LLM call"
        names = {c.name for c in chromadb.HttpClient(host=host, port=port).list_collections()}
        assert "empty-one" in names


def test_llm_answering_empty_response_becomes_the_sorry_reply(docs: Path) -> None:
    with FakeLLMServer(default_reply="Empty Response") as llm:
        engine = ChromaDBQueryEngine(host=None, port=None, llm=llm.llm_config, collection_name="empty-answer")
        engine.init_db(new_doc_dir=docs)
        assert engine.query("Who designed the reactor?") == EMPTY_RESPONSE_REPLY


def test_in_memory_client_without_host_or_port(docs: Path, caplog: pytest.LogCaptureFixture) -> None:
    with FakeLLMServer(default_reply="Sixteen hours.") as llm:
        with caplog.at_level("WARNING"):
            engine = ChromaDBQueryEngine(host=None, llm=llm.llm_config, collection_name="mem")
        assert "ephemeral, in-memory client" in caplog.text
        engine.init_db(new_doc_dir=docs)
        assert engine.collection.count() == 3
        assert engine.query("How long do cats sleep?") == "Sixteen hours."


def test_persistent_client_keeps_documents_for_a_later_engine(tmp_path: Path, docs: Path) -> None:
    path = str(tmp_path / "db")
    with FakeLLMServer(default_reply="In 1987.") as llm:
        first = ChromaDBQueryEngine(client=chromadb.PersistentClient(path=path), llm=llm.llm_config)
        first.init_db(new_doc_paths_or_urls=[docs / "reactor.md"])
        later = ChromaDBQueryEngine(client=chromadb.PersistentClient(path=path), llm=llm.llm_config)
        later.connect_db()
        assert later.query("When was the reactor designed?") == "In 1987."
        assert "designed by Ada Quill in 1987" in llm.requests[-1].messages[-1]["content"]


def test_bad_inputs(tmp_path: Path, docs: Path) -> None:
    with pytest.raises(ValueError, match="Failed to connect to the ChromaDB client"):
        ChromaDBQueryEngine(host="127.0.0.1", port=_free_port())
    engine = ChromaDBQueryEngine(host="", llm={"config_list": []}, collection_name="bad")
    with pytest.raises(ValueError, match="No input directory or docs provided"):
        engine.init_db()
    with pytest.raises(ValueError, match="Input directory not found"):
        engine.init_db(new_doc_dir=tmp_path / "nope")
    with pytest.raises(ValueError, match="Document file not found"):
        engine.init_db(new_doc_paths_or_urls=[tmp_path / "nope.md"])
    with pytest.raises(Exception, match="call init_db or connect_db first"):
        engine.add_docs(new_doc_dir=docs)
