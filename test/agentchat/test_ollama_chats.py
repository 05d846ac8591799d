"""Agents on "Ollama": a two-agent tool chat with parallel calls, with Ollama's native tool calling and with
the manual (prompted JSON) mode, through the real ollama SDK against FakeLLMServer(dialect="ollama"),
which refuses any request Ollama's server would refuse."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("ollama")

from autogen import ConversableAgent
from autogen.testing import FakeLLMServer, tool_call

MODEL = "llama3.1:8b"


def _agents(llm_config):
    assistant = ConversableAgent("assistant", llm_config=llm_config, system_message="You add numbers.")
    user = ConversableAgent(
        "user proxy",  # a name with a space
        human_input_mode="NEVER",
        llm_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    return assistant, user


def test_two_agent_tool_chat_with_parallel_native_calls(stream):
    replies = [
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]},
        "The sums are 3 and 7. TERMINATE",
    ]
    with FakeLLMServer(replies, dialect="ollama", model=MODEL) as ollama:
        assistant, user = _agents(ollama.llm_config)
        result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
        first, second = ollama.requests
        assert first.body["tools"][0]["function"]["name"] == "add"
        assert [m["role"] for m in second.messages] == ["system", "user", "user", "user"]
        assert second.messages[0]["content"] == "You add numbers."
        results = [m["content"] for m in second.messages[2:]]
        assert results[0].endswith("Result: 3") and results[1].endswith("Result: 7")
        assert all("name" not in m for m in second.messages)
        assert result.cost["usage_including_cached_inference"]["total_cost"] == 0


def test_two_agent_tool_chat_with_manual_tool_calls(stream):
    replies = [
        'Calling: [{"name": "add", "arguments": {"a": 1, "b": 2}}, {"name": "add", "arguments": {"a": 3, "b": 4}}]',
        "The sums are 3 and 7. TERMINATE",
    ]
    with FakeLLMServer(replies, dialect="ollama", model=MODEL) as ollama:
        entry = {**ollama.config_list[0], "native_tool_calls": False}
        assistant, user = _agents({"config_list": [entry]})
        result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
        calls = result.chat_history[1]["tool_calls"]
        assert [json.loads(c["function"]["arguments"]) for c in calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
        first, second = ollama.requests
        assert not first.body["tools"] and not second.body["tools"]
        assert '"name": "add"' in first.messages[0]["content"]
        assert second.messages[-1]["content"].endswith("Result: 7 (now do step 2)")
