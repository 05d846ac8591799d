"""DocAgent end to end: its inner team (triage, task manager, ingestion, query, summary, error agents) runs
against a scripted LLM over real HTTP, ingesting real files and URLs into a real Chroma collection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autogen import UserProxyAgent
from autogen.agents.experimental import DocAgent, InMemoryQueryEngine
from autogen.agents.experimental.document_agent.chroma_query_engine import VectorChromaCitationQueryEngine
from autogen.agents.experimental.document_agent.document_agent import (
    DEFAULT_ERROR_GROUP_CHAT_MESSAGE,
    DocumentTask,
    DocumentTriageAgent,
)
from autogen.agents.experimental.document_agent.document_utils import Ingest, Query, QueryType
from autogen.testing import FakeLLMServer

pytest.importorskip("chromadb")

QUESTION = "Who designed the Zorblax reactor?"


@pytest.fixture
def reactor_doc(tmp_path: Path) -> Path:
    path = tmp_path / "reactor.md"
    path.write_text("# Zorblax reactor\n\nThe Zorblax reactor was designed by Ada Quill in 1987.\n")
    return path


def summary_from_prompt(request: Any) -> str:
    """A summary agent that repeats what its system message tells it (so tests see what it was given)."""
    return "SUMMARY\n" + request.messages[0]["content"].split("Documents ingested:", 1)[1]


def make_agent(server: FakeLLMServer, tmp_path: Path, citations: bool = True) -> DocAgent:
    engine = VectorChromaCitationQueryEngine(
        db_path=str(tmp_path / "db"),
        llm=server.llm_config,
        collection_name="docagent",
        enable_query_citations=citations,
    )
    return DocAgent(llm_config=server.llm_config, parsed_docs_path=tmp_path / "parsed", query_engine=engine)


def test_document_task_format_and_triage_config() -> None:
    task = DocumentTask(
        ingestions=[Ingest(path_or_url="a.pdf"), Ingest(path_or_url="https://x.org/b")],
        queries=[Query(query_type=QueryType.RAG_QUERY, query="What is in a?")],
    )
    assert task.format() == "Tasks:\n\nIngestions:\n1: a.pdf\n2: https://x.org/b\n\nQueries:\n3: What is in a?\n"
    assert DocumentTask(ingestions=[], queries=[]).format() == "There were no ingestion or query tasks detected."
    config = {"config_list": [{"model": "m", "api_key": "k"}]}
    assert DocumentTriageAgent(config).llm_config["response_format"] is DocumentTask
    assert "response_format" not in config


def test_ingest_then_answer_with_citations(tmp_path: Path, reactor_doc: Path, doc_team: type) -> None:
    script = doc_team([str(reactor_doc)], [QUESTION], answer="Ada Quill designed it [1].", summary=summary_from_prompt)
    with FakeLLMServer(script) as server:
        agent = make_agent(server, tmp_path)
        for name in ("_triage_agent", "_task_manager_agent", "_data_ingestion_agent", "_query_agent"):
            assert hasattr(agent, name)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        result = user.initiate_chat(agent, message=f"Ingest {reactor_doc} and tell me: {QUESTION}", max_turns=1)

    reply = result.chat_history[-1]["content"]
    assert reply.startswith("SUMMARY")
    assert str(reactor_doc) in reply  # the ingested document
    assert "Ada Quill designed it [1]." in reply  # the engine's answer
    assert "designed by Ada Quill in 1987" in reply and str(tmp_path / "parsed" / "reactor.md") in reply  # citation
    assert script.roles()[:4] == ["triage", "manager", "ingest", "query"]
    assert script.roles()[-1] == "summary"
    # the triage agent's structured task (JSON, as the model gave it) reached the task manager
    manager_input = [m["content"] for m in script.requests("manager")[0].messages if m["role"] != "system"]
    assert json.dumps(script.task()) in manager_input
    assert agent.documents_ingested == [str(reactor_doc)]
    assert (tmp_path / "parsed" / "reactor.md").exists()


def test_questions_later_use_documents_ingested_earlier(tmp_path: Path, reactor_doc: Path, doc_team: type) -> None:
    script = doc_team([str(reactor_doc)], [], answer="Ada Quill.", summary=summary_from_prompt)
    with FakeLLMServer(script) as server:
        agent = make_agent(server, tmp_path)
        first = agent.generate_reply(messages=[{"role": "user", "content": f"Please ingest {reactor_doc}"}])
        assert "Queries left to run: 0" in first and "Query and Answers and Citations: []" in first
        assert agent._query_engine.collection.count() == 1
        assert "cite" not in script.roles()

        script.ingestions, script.queries = [], [QUESTION]
        script.log.clear()
        second = agent.generate_reply(messages=[{"role": "user", "content": QUESTION}])
    assert "ingest" not in script.roles()  # nothing new to ingest
    assert "Ada Quill." in second and str(reactor_doc) in second  # still listed as ingested
    # the engine's LLM saw the passage ingested in the first reply
    [answer_request] = script.requests("cite")
    assert "designed by Ada Quill" in answer_request.messages[-1]["content"]


def test_only_questions_on_a_new_agent(tmp_path: Path, doc_team: type) -> None:
    script = doc_team([], [QUESTION], summary=summary_from_prompt)
    with FakeLLMServer(script) as server:
        reply = make_agent(server, tmp_path).generate_reply(messages=[{"role": "user", "content": QUESTION}])
    assert "Sorry, I couldn't find any information on that." in reply
    assert "cite" not in script.roles()  # an empty collection asks no LLM


def test_url_ingestion(tmp_path: Path, site: tuple[str, Path], doc_team: type) -> None:
    base, root = site
    (root / "faq.html").write_text("<html><body><h1>FAQ</h1><p>The office opens at 9 am.</p></body></html>")
    url = f"{base}/faq.html"
    script = doc_team([url], ["When does the office open?"], answer="At 9 am [1].", summary=summary_from_prompt)
    with FakeLLMServer(script) as server:
        agent = make_agent(server, tmp_path)
        reply = agent.generate_reply(messages=[{"role": "user", "content": f"Read {url}: when does the office open?"}])
    assert "At 9 am [1]." in reply and "The office opens at 9 am." in reply
    assert agent.documents_ingested == [url]


def test_failed_ingestion_is_reported_by_the_error_agent(tmp_path: Path, doc_team: type) -> None:
    missing = str(tmp_path / "missing.pdf")
    script = doc_team([missing], [QUESTION])
    with FakeLLMServer(script) as server:
        reply = make_agent(server, tmp_path).generate_reply(messages=[{"role": "user", "content": "go"}])
    assert script.roles()[-1] == "error"
    assert reply.startswith("The following error(s) have occurred:")
    assert f"Data Ingestion Task Failed, Error The input provided does not exist.: '{missing}'" in reply


def test_chat_that_ends_elsewhere_is_a_failure(tmp_path: Path) -> None:
    # The task manager answers in text instead of calling its tool: it stays the speaker until the group's
    # round limit, and the agent reports the failure.
    def reply(request: Any) -> str:
        if "document triage agent" in request.messages[0]["content"]:
            return json.dumps({"ingestions": [], "queries": []})
        return "I am not sure what to do."

    with FakeLLMServer(reply) as server:
        agent = make_agent(server, tmp_path)
        assert agent.generate_reply(messages="hello") == DEFAULT_ERROR_GROUP_CHAT_MESSAGE


def test_in_memory_engine_inside_docagent(tmp_path: Path, reactor_doc: Path, doc_team: type) -> None:
    answer = json.dumps({"could_answer": True, "answer": "Ada Quill."})

    class Script(doc_team):
        def __call__(self, request: Any) -> Any:
            if "query agent tasked with answering" in (request.messages[0].get("content") or ""):
                self.log.append(("inmemory", request))
                return answer
            return super().__call__(request)

    script = Script([str(reactor_doc)], [QUESTION], summary=summary_from_prompt)
    with FakeLLMServer(script) as server:
        agent = DocAgent(
            llm_config=server.llm_config,
            parsed_docs_path=tmp_path / "parsed",
            query_engine=InMemoryQueryEngine(llm_config=server.llm_config),
        )
        reply = agent.generate_reply(messages=[{"role": "user", "content": "go"}])
    assert "'answer': 'Ada Quill.', 'citations': []" in reply
    assert "designed by Ada Quill" in script.requests("inmemory")[0].messages[0]["content"]


def test_bad_message_format(tmp_path: Path) -> None:
    with FakeLLMServer([]) as server:
        agent = make_agent(server, tmp_path)
        with pytest.raises(NotImplementedError, match="Invalid messages format"):
            agent._get_document_input_message([{"role": "user", "content": None}])
