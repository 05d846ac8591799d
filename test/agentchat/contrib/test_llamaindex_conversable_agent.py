"""LLamaIndexConversableAgent in real chats. llama-index is not installed here, so unless it is, the tests
put a minimal stand-in for the one llama-index module the agent uses (``ChatMessage``) in sys.modules, and
drive the agent with small in-test llama-index agents exposing the methods the wrapper calls: ``chat`` /
``achat`` (legacy AgentRunner) or an async ``run`` (workflow agents of llama-index 0.13+)."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import types
from dataclasses import dataclass, field
from typing import Any

import pytest

from autogen import ConversableAgent
from autogen.agentchat.contrib.llamaindex_conversable_agent import LLamaIndexConversableAgent

LLAMA_INDEX = importlib.util.find_spec("llama_index") is not None


@dataclass
class _StandInChatMessage:
    content: Any
    role: str
    additional_kwargs: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def llama_index(monkeypatch: pytest.MonkeyPatch) -> None:
    if LLAMA_INDEX:
        return
    names = ["llama_index", "llama_index.core", "llama_index.core.base", "llama_index.core.base.llms"]
    for name in names:
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    llm_types = types.ModuleType("llama_index.core.base.llms.types")
    llm_types.ChatMessage = _StandInChatMessage  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, llm_types.__name__, llm_types)


@dataclass
class _Response:
    response: Any


class LegacyRunner:
    """The AgentRunner surface: chat / achat returning an object with ``.response``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Any]]] = []

    def chat(self, message: str, chat_history: list[Any]) -> _Response:
        self.calls.append((message, chat_history))
        return _Response(f"reply {len(self.calls)} to {message}")

    async def achat(self, message: str, chat_history: list[Any]) -> _Response:
        await asyncio.sleep(0)
        return self.chat(message, chat_history)


class WorkflowAgent:
    """The 0.13+ workflow surface: only an awaitable ``run``; its result's ``response`` is a ChatMessage."""

    def __init__(self, result: Any = None) -> None:
        self.calls: list[tuple[str, list[Any]]] = []
        self.result = result

    async def run(self, user_msg: str, chat_history: list[Any]) -> Any:
        self.calls.append((user_msg, chat_history))
        if self.result is not None:
            return self.result
        return _Response(_StandInChatMessage(content=f"workflow says {user_msg}", role="assistant"))


def _user() -> ConversableAgent:
    return ConversableAgent("user", llm_config=False, human_input_mode="NEVER", default_auto_reply="go on")


def _history(calls: list[tuple[str, list[Any]]], i: int) -> list[tuple[str, Any]]:
    return [(m.role, m.content) for m in calls[i][1]]


@pytest.mark.skipif(LLAMA_INDEX, reason="llama-index is installed")
def test_without_llama_index_building_names_the_extra() -> None:
    with pytest.raises(ImportError, match=r'pip install "ag2\[neo4j\]"'):
        LLamaIndexConversableAgent("li", llama_index_agent=LegacyRunner(), description="answers")


def test_agent_and_description_are_required(llama_index: None) -> None:
    with pytest.raises(ValueError, match="llama_index_agent must be provided"):
        LLamaIndexConversableAgent("li", llama_index_agent=None, description="answers")
    for description in (None, "", "   "):
        with pytest.raises(ValueError, match="description must be provided"):
            LLamaIndexConversableAgent("li", llama_index_agent=LegacyRunner(), description=description)
    agent = LLamaIndexConversableAgent("li", llama_index_agent=LegacyRunner(), description="answers")
    assert agent.description == "answers" and agent.llm_config is False


def test_legacy_runner_replies_with_the_chat_so_far_as_history(llama_index: None) -> None:
    runner = LegacyRunner()
    agent = LLamaIndexConversableAgent("li", llama_index_agent=runner, description="answers")
    result = _user().initiate_chat(agent, message="What is RAG?", max_turns=2, silent=True)
    assert [m["content"] for m in result.chat_history] == [
        "What is RAG?",
        "reply 1 to What is RAG?",
        "go on",
        "reply 2 to go on",
    ]
    assert runner.calls[0] == ("What is RAG?", [])
    assert _history(runner.calls, 1) == [("user", "What is RAG?"), ("assistant", "reply 1 to What is RAG?")]


def test_async_chat_uses_achat(llama_index: None) -> None:
    runner = LegacyRunner()
    agent = LLamaIndexConversableAgent("li", llama_index_agent=runner, description="answers")
    result = asyncio.run(_user().a_initiate_chat(agent, message="hello", max_turns=1, silent=True))
    assert result.summary == "reply 1 to hello"
    assert runner.calls == [("hello", [])]


def test_workflow_agent_from_sync_and_async_chats(llama_index: None) -> None:
    workflow = WorkflowAgent()
    agent = LLamaIndexConversableAgent("li", llama_index_agent=workflow, description="answers")
    result = _user().initiate_chat(agent, message="ping", max_turns=2, silent=True)
    assert [m["content"] for m in result.chat_history][1::2] == ["workflow says ping", "workflow says go on"]
    assert _history(workflow.calls, 1) == [("user", "ping"), ("assistant", "workflow says ping")]

    async_result = asyncio.run(_user().a_initiate_chat(agent, message="pong", max_turns=1, silent=True))
    assert async_result.summary == "workflow says pong"


def test_workflow_results_without_a_chat_message(llama_index: None) -> None:
    plain = LLamaIndexConversableAgent("a", llama_index_agent=WorkflowAgent(_Response("plain text")), description="d")
    assert plain.generate_reply([{"role": "user", "content": "x"}]) == "plain text"
    bare = LLamaIndexConversableAgent("b", llama_index_agent=WorkflowAgent("just a string"), description="d")
    assert bare.generate_reply([{"role": "user", "content": "x"}]) == "just a string"


def test_history_keeps_user_and_assistant_turns_only(llama_index: None) -> None:
    agent = LLamaIndexConversableAgent("li", llama_index_agent=LegacyRunner(), description="answers")
    messages = [
        {"role": "system", "content": "be nice"},
        {"content": "no role"},
        {"role": "assistant", "content": "earlier answer"},
        {"role": "tool", "content": "tool output"},
        {"role": "user", "content": "last question"},
    ]
    message, history = agent._extract_message_and_history(messages=messages)
    assert message == "last question"
    assert [(m.role, m.content, m.additional_kwargs) for m in history] == [
        ("user", "no role", {}),
        ("assistant", "earlier answer", {}),
    ]
    assert agent._extract_message_and_history(messages=[], sender=_user()) == ("", [])
