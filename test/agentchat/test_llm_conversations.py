"""Conversations with an LLM: the project's fake OpenAI-compatible server over real HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import pytest
from pydantic import BaseModel

from autogen import AssistantAgent, ConversableAgent, UserProxyAgent, register_function
from autogen.testing import FakeLLMServer, tool_call


def user_proxy(**kwargs):
    kwargs.setdefault("human_input_mode", "NEVER")
    kwargs.setdefault("code_execution_config", False)
    return UserProxyAgent("user", **kwargs)


def test_llm_reply_and_request_shape(stream):
    with FakeLLMServer(["4 TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        result = user.initiate_chat(asst, message="2+2?")
        assert result.summary == "4 "
        sent = server.requests[0].messages
        assert sent[0] == {"content": AssistantAgent.DEFAULT_SYSTEM_MESSAGE, "role": "system"}
        assert sent[1] == {"content": "2+2?", "role": "user", "name": "user"}


def test_tool_call_trace_matches_spec(stream):
    """Spec §2.22: the stored history and the request sent after the tool ran."""

    def add(a: Annotated[int, "first"], b: int) -> int:
        return a + b

    replies = [{"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1")]}, "The answer is 3 TERMINATE"]
    with FakeLLMServer(replies) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        register_function(add, caller=asst, executor=user, description="add two ints")
        user.initiate_chat(asst, message="what is 1+2")
        history = user.chat_messages[asst]
        assert history[0] == {"content": "what is 1+2", "role": "assistant", "name": "user"}
        assert history[1]["tool_calls"][0]["function"] == {"name": "add", "arguments": '{"a": 1, "b": 2}'}
        assert history[1]["content"] is None and history[1]["role"] == "assistant" and "name" not in history[1]
        assert history[2] == {
            "content": "3",
            "tool_responses": [{"tool_call_id": "call_1", "role": "tool", "content": "3"}],
            "role": "tool",
            "name": "user",
        }
        assert history[3] == {"content": "The answer is 3 TERMINATE", "role": "user", "name": "asst"}
        second = server.requests[1].body
        assert second["messages"][-1] == {"tool_call_id": "call_1", "role": "tool", "content": "3"}
        assert second["messages"][-2]["tool_calls"][0]["id"] == "call_1"
        assert json.dumps(second["tools"][0], sort_keys=False) == json.dumps(
            {
                "type": "function",
                "function": {
                    "description": "add two ints",
                    "name": "add",
                    "parameters": {
                        "type": "object",
                        "properties": {
                            "a": {"type": "integer", "description": "first"},
                            "b": {"type": "integer", "description": "b"},
                        },
                        "required": ["a", "b"],
                    },
                },
            }
        )


@pytest.mark.parametrize(
    "bad_call, expected",
    [
        (tool_call("add", "{not json", id="c1"), "must be in JSON format"),
        (tool_call("nope", {"a": 1}, id="c1"), "Function nope not found"),
        (tool_call("add", {"a": "x", "b": 2}, id="c1"), "Error:"),
        (tool_call("boom", {}, id="c1"), "Error: kaboom"),
    ],
)
def test_bad_tool_calls_become_tool_responses(stream, bad_call, expected):
    def add(a: int, b: int) -> int:
        return a + b

    def boom() -> str:
        raise RuntimeError("kaboom")

    with FakeLLMServer([{"tool_calls": [bad_call]}, "sorry, fixed TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        register_function(add, caller=asst, executor=user, description="add")
        register_function(boom, caller=asst, executor=user, description="boom")
        user.initiate_chat(asst, message="go")
        response = user.chat_messages[asst][2]
        assert response["role"] == "tool"
        assert expected in response["tool_responses"][0]["content"]
        # The model saw exactly one tool answer for its one call, and the chat went on.
        msgs = server.requests[1].messages
        assert [m["role"] for m in msgs[-2:]] == ["assistant", "tool"]
        assert user.chat_messages[asst][-1]["content"] == "sorry, fixed TERMINATE"


def test_parallel_async_tools_run_concurrently(stream):
    in_flight, most = 0, 0

    async def slow(n: int) -> int:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.1)
        in_flight -= 1
        return n * 10

    calls = [tool_call("slow", {"n": i}, id=f"c{i}") for i in range(3)]
    with FakeLLMServer([{"tool_calls": calls}, "done TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        register_function(slow, caller=asst, executor=user, description="slow")
        asyncio.run(user.a_initiate_chat(asst, message="go"))
        responses = user.chat_messages[asst][2]["tool_responses"]
        assert [r["content"] for r in responses] == ["0", "10", "20"]
        assert most == 3  # the three calls were in flight together, not one after another


def test_async_tool_in_sync_chat(stream):
    async def double(n: int) -> int:
        await asyncio.sleep(0)
        return 2 * n

    with FakeLLMServer([{"tool_calls": [tool_call("double", {"n": 4}, id="c")]}, "8 TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        register_function(double, caller=asst, executor=user, description="double")
        user.initiate_chat(asst, message="go")
        assert user.chat_messages[asst][2]["content"] == "8"


def test_unanswered_tool_call_does_not_break_next_request(stream):
    """A chat that stopped right after a tool call leaves it unanswered; the next request stays valid."""
    with FakeLLMServer([{"tool_calls": [tool_call("f", {}, id="c9")]}, "fine"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(max_consecutive_auto_reply=0)
        user.initiate_chat(asst, message="go")
        assert user.chat_messages[asst][-1].get("tool_calls")
        user.initiate_chat(asst, message="again", clear_history=False, max_turns=1)
        msgs = server.requests[1].messages
        roles = [m["role"] for m in msgs]
        i = roles.index("assistant")
        assert msgs[i]["tool_calls"][0]["id"] == "c9"
        assert msgs[i + 1]["role"] == "tool" and msgs[i + 1]["tool_call_id"] == "c9"


def test_reflection_summary_uses_llm(stream):
    with FakeLLMServer(["hello", "a short summary"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy()
        result = user.initiate_chat(asst, message="hi", max_turns=1, summary_method="reflection_with_llm")
        assert result.summary == "a short summary"
        last = server.requests[1].messages[-1]
        assert last["role"] == "system" and last["content"] == ConversableAgent.DEFAULT_SUMMARY_PROMPT


def test_usage_and_cost_reported(stream):
    with FakeLLMServer(["hello"]) as server:
        config = {"config_list": [dict(server.config_list[0], price=[1.0, 2.0])]}
        asst = AssistantAgent("asst", llm_config=config)
        user = user_proxy()
        result = user.initiate_chat(asst, message="hi", max_turns=1)
        usage = result.cost["usage_including_cached_inference"]
        assert usage["total_cost"] > 0
        model_usage = usage[server.model]
        assert model_usage["prompt_tokens"] > 0 and model_usage["completion_tokens"] > 0


def test_structured_output_response_format(stream):
    class Answer(BaseModel):
        value: int

    with FakeLLMServer(['{"value": 4}']) as server:
        asst = AssistantAgent("asst", llm_config={**server.llm_config, "response_format": Answer})
        user = user_proxy()
        result = user.initiate_chat(asst, message="2+2", max_turns=1)
        assert Answer.model_validate_json(result.chat_history[-1]["content"]).value == 4
        assert server.requests[0].body["response_format"]["type"] == "json_schema"


@pytest.mark.asyncio
async def test_many_concurrent_async_chats(stream):
    with FakeLLMServer(lambda req: "pong", delay=0.02) as server:
        pairs = []
        for i in range(50):
            asst = AssistantAgent(f"asst{i}", llm_config=server.llm_config)
            user = ConversableAgent(f"user{i}", llm_config=False, human_input_mode="NEVER", default_auto_reply="ping")
            pairs.append((user, asst))
        results = await asyncio.gather(*(u.a_initiate_chat(a, message="ping", max_turns=3) for u, a in pairs))
        assert all(len(r.chat_history) == 6 for r in results)
        assert len(server.requests) == 150


def test_llm_server_error_is_clear_and_history_kept(stream):
    from autogen.testing import Fault

    with FakeLLMServer([Fault.error(400, "bad request from test")]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy()
        with pytest.raises(Exception, match="bad request from test"):
            user.initiate_chat(asst, message="hello")
        assert user.chat_messages[asst] == [{"content": "hello", "role": "assistant", "name": "user"}]


def test_agents_share_one_http_client(stream):
    from autogen.oai import client as oai_client

    with FakeLLMServer(["a", "b"]) as server:
        a1 = AssistantAgent("a1", llm_config=server.llm_config)
        a2 = AssistantAgent("a2", llm_config=server.llm_config)
        u = user_proxy()
        u.initiate_chat(a1, message="x", max_turns=1)
        u.initiate_chat(a2, message="y", max_turns=1)
        assert len(server.requests) == 2
    assert hasattr(oai_client, "OpenAIWrapper")


@pytest.mark.parametrize("use_async", [False, True])
def test_tool_parameters_may_have_any_name(stream, use_async):
    # the framework passes a tool's arguments through as keywords: none of its own parameter names
    # (kind, sync_fn, async_fn, fn, self, cls) may collide with them
    seen = []

    def record(kind: str, sync_fn: str, async_fn: str, fn: str, cls: str) -> str:
        seen.append((kind, sync_fn, async_fn, fn, cls))
        return "recorded"

    args = {"kind": "tech", "sync_fn": "a", "async_fn": "b", "fn": "c", "cls": "d"}
    with FakeLLMServer([{"tool_calls": [tool_call("record", args)]}, "done TERMINATE"]) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        user = user_proxy(is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
        register_function(record, caller=asst, executor=user, description="record")
        if use_async:
            asyncio.run(user.a_initiate_chat(asst, message="go"))
        else:
            user.initiate_chat(asst, message="go")
    assert seen == [("tech", "a", "b", "c", "d")]
    assert user.chat_messages[asst][2]["tool_responses"][0]["content"] == "recorded"
