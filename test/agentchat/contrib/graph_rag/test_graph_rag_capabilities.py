"""Graph-RAG capabilities: how an agent's replies come from a graph query engine.

No FalkorDB or Neo4j server (nor their SDKs) can run on the test machines, so the database engines
(FalkorGraphQueryEngine, Neo4jGraphQueryEngine, Neo4jNativeGraphQueryEngine) are UNTESTED beyond their
missing-package errors. The capabilities run in real chats between real agents, answered by
``ScriptedGraph``, an in-test engine implementing the `GraphQueryEngine` protocol.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from typing import Any

import pytest

from autogen import ConversableAgent, UserProxyAgent
from autogen.agentchat.contrib.graph_rag import (
    Document,
    DocumentType,
    GraphQueryEngine,
    GraphRagCapability,
    GraphStoreQueryResult,
)
from autogen.agentchat.contrib.graph_rag.falkor_graph_query_engine import FalkorGraphQueryEngine
from autogen.agentchat.contrib.graph_rag.falkor_graph_rag_capability import FalkorGraphRagCapability
from autogen.agentchat.contrib.graph_rag.neo4j_graph_query_engine import Neo4jGraphQueryEngine
from autogen.agentchat.contrib.graph_rag.neo4j_graph_rag_capability import Neo4jGraphCapability
from autogen.agentchat.contrib.graph_rag.neo4j_native_graph_query_engine import Neo4jNativeGraphQueryEngine
from autogen.agentchat.contrib.graph_rag.neo4j_native_graph_rag_capability import Neo4jNativeGraphCapability


@dataclass
class ScriptedGraph:
    """A GraphQueryEngine answering from a dict of keyword -> answer; records every question."""

    answers: dict[str, str]
    questions: list[str] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)

    def init_db(self, input_doc: list[Document] | None = None) -> None:
        self.records = list(input_doc or [])

    def add_records(self, new_records: list[Any]) -> bool:
        self.records.extend(new_records)
        return True

    def query(self, question: str, n_results: int = 1, **kwarg: Any) -> GraphStoreQueryResult:
        self.questions.append(question)
        last_line = question.strip().splitlines()[-1] if question.strip() else ""
        for keyword, answer in self.answers.items():
            if keyword in last_line:
                return GraphStoreQueryResult(answer=answer, results=[keyword])
        return GraphStoreQueryResult()


def _user() -> ConversableAgent:
    return ConversableAgent("user", llm_config=False, human_input_mode="NEVER")


def test_document_and_result_defaults() -> None:
    doc = Document(doctype=DocumentType.TEXT)
    assert doc.data is None and doc.path_or_url == ""
    assert {t.name for t in DocumentType} == {"TEXT", "HTML", "PDF", "JSON"}
    result = GraphStoreQueryResult()
    assert result.answer is None and result.results == [] and result.results is not GraphStoreQueryResult().results
    assert isinstance(ScriptedGraph({}), GraphQueryEngine)


def test_base_capability_keeps_the_engine_and_leaves_the_agent_alone() -> None:
    engine = ScriptedGraph({})
    agent = ConversableAgent("graph_rag_agent", llm_config=False)
    before = list(agent._reply_func_list)
    capability = GraphRagCapability(engine)
    capability.add_to_agent(agent)
    assert capability.query_engine is engine and agent._reply_func_list == before


@pytest.mark.parametrize("capability_class", [FalkorGraphRagCapability, Neo4jNativeGraphCapability])
def test_whole_conversation_capabilities_answer_from_the_graph(capability_class: type) -> None:
    engine = ScriptedGraph({"Matrix": "Keanu Reeves and Carrie-Anne Moss.", "Neo": "Thomas Anderson."})
    agent = ConversableAgent(
        "graph_rag_agent", llm_config=False, system_message="Answer about films.", max_consecutive_auto_reply=3
    )
    capability_class(engine).add_to_agent(agent)
    user = _user()

    user.initiate_chat(agent, message="Who played in The Matrix?", max_turns=1, silent=True)
    assert agent.last_message(user)["content"] == "Keanu Reeves and Carrie-Anne Moss."
    assert engine.questions[-1] == ("IMPORTANT: Answer about films.\nContext:\n\nuser: Who played in The Matrix?\n\n")

    # The next question carries the earlier exchange.
    user.send("Who is Neo?", agent, request_reply=True, silent=True)
    assert agent.last_message(user)["content"] == "Thomas Anderson."
    asked = engine.questions[-1]
    assert (
        asked.index("user: Who played in The Matrix?")
        < asked.index("graph_rag_agent: Keanu Reeves")
        < asked.index("user: Who is Neo?")
    )

    user.send("Unknown thing?", agent, request_reply=True, silent=True)
    assert agent.last_message(user)["content"] == "I'm sorry, I don't have an answer for that."


def test_summary_format() -> None:
    summary = GraphRagCapability._messages_summary
    messages = [
        {"name": "u", "content": "hi"},
        {"content": "skipped", "tool_calls": [{"id": "1"}]},
        {"content": "skipped too", "tool_responses": []},
        {"role": "assistant", "content": "hello"},
    ]
    assert summary(messages, "") == "u: hi\n\n: hello\n\n"
    assert summary("plain text", "Be brief.") == "IMPORTANT: Be brief.\nContext:\n\nplain text"
    assert summary("plain text", "") == "Context:\n\nplain text"
    with pytest.raises(ValueError, match="Invalid messages format"):
        summary(42, "")  # type: ignore[arg-type]


def test_neo4j_capability_asks_only_the_last_message_and_needs_a_user_proxy() -> None:
    engine = ScriptedGraph({"Matrix": "Keanu Reeves."})
    proxy = UserProxyAgent("graph_rag_agent", human_input_mode="NEVER", code_execution_config=False)
    Neo4jGraphCapability(engine).add_to_agent(proxy)
    user = _user()
    user.initiate_chat(proxy, message="Who played in The Matrix?", max_turns=1, silent=True)
    assert proxy.last_message(user)["content"] == "Keanu Reeves."
    assert engine.questions == ["Who played in The Matrix?"]

    with pytest.raises(TypeError, match="only be added to a UserProxyAgent"):
        Neo4jGraphCapability(engine).add_to_agent(ConversableAgent("plain", llm_config=False))


def test_neo4j_reply_function_without_a_question_passes_on() -> None:
    capability = Neo4jGraphCapability(ScriptedGraph({}))
    agent = UserProxyAgent("p", human_input_mode="NEVER", code_execution_config=False)
    assert capability._reply_using_neo4j_query(agent, messages=[]) == (False, None)
    assert capability._reply_using_neo4j_query(agent, messages=[{"role": "user", "content": ""}]) == (False, None)
    assert capability._reply_using_neo4j_query(agent, messages=[{"tool_calls": []}]) == (False, None)


@pytest.mark.parametrize("capability_class", [FalkorGraphRagCapability, Neo4jNativeGraphCapability])
def test_agents_with_an_llm_are_refused(capability_class: type) -> None:
    agent = ConversableAgent("with_llm", llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
    with pytest.raises(ValueError, match="do not use an LLM configuration"):
        capability_class(ScriptedGraph({})).add_to_agent(agent)


def test_falkor_capability_needs_a_conversable_agent() -> None:
    with pytest.raises(TypeError, match="only be added to a ConversableAgent"):
        FalkorGraphRagCapability(ScriptedGraph({})).add_to_agent(object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("engine_class", "args", "package", "extra"),
    [
        (FalkorGraphQueryEngine, ("films",), "falkordb", "graph-rag-falkor-db"),
        (Neo4jGraphQueryEngine, (), "llama_index", "neo4j"),
        (Neo4jNativeGraphQueryEngine, (), "neo4j", "neo4j"),
    ],
)
def test_database_engines_name_their_extra_when_missing(
    engine_class: type, args: tuple, package: str, extra: str
) -> None:
    assert issubclass(engine_class, GraphQueryEngine)
    if importlib.util.find_spec(package):
        pytest.skip(f"{package} is installed")
    with pytest.raises(ImportError, match=rf'pip install "ag2\[{extra}\]"'):
        engine_class(*args)
