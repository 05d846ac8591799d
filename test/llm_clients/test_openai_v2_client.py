"""OpenAICompletionsClient (api_type "openai_v2") through the real openai SDK against
FakeLLMServer(dialect="openai"): unified responses (text, reasoning, citations, tool calls, parsed
structured output), what agents read from them, streaming, async, cost and usage, retries, caching, a
directly built client, and a two-agent tool chat."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("openai")

from pydantic import BaseModel

from autogen import ConversableAgent, OpenAIWrapper
from autogen.llm_clients import OpenAICompletionsClient
from autogen.llm_clients.models import (
    CitationContent,
    GenericContent,
    ReasoningContent,
    TextContent,
    UnifiedResponse,
    UserRoleEnum,
)
from autogen.oai.errors import MissingAPIKeyError
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "gpt-4o"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two integers.",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
        },
    }
]


@pytest.fixture
def gpt():
    with FakeLLMServer(dialect="openai", model=MODEL) as server:
        yield server


def v2(server: FakeLLMServer, **extra) -> list[dict]:
    """The dialect's entry with the v2 api_type (the dialect's own entry is the plain one)."""
    return [{**server.config_list[0], "api_type": "openai_v2", **extra}]


def test_the_wrapper_routes_openai_v2_to_the_v2_client(gpt):
    gpt.add_replies("Hello there.")
    wrapper = OpenAIWrapper(config_list=v2(gpt))
    assert type(wrapper._clients[0]) is OpenAICompletionsClient
    response = wrapper.create(messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}])
    assert isinstance(response, UnifiedResponse)
    assert response.provider == "openai" and response.model == MODEL and response.id.startswith("chatcmpl-")
    assert response.text == "Hello there." and response.finish_reason == "stop" and response.status == "completed"
    message = response.messages[0]
    assert message.role is UserRoleEnum.ASSISTANT and [type(b) for b in message.content] == [TextContent]
    assert wrapper.extract_text_or_completion_object(response) == ["Hello there."]
    request = gpt.requests[0]
    assert request.path == "/v1/chat/completions" and request.messages[0] == {"role": "system", "content": "Be brief."}
    assert request.headers["authorization"] == "Bearer sk-fake"


def test_usage_and_cost_from_the_price_table_or_the_entry_price(gpt):
    gpt.add_replies({"content": "ok", "usage": {"prompt_tokens": 1000, "completion_tokens": 500}}, "again")
    wrapper = OpenAIWrapper(config_list=v2(gpt))
    response = wrapper.create(messages=[{"role": "user", "content": "hi"}])
    assert response.usage == {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
    assert response.cost == pytest.approx((1000 * 0.0025 + 500 * 0.01) / 1000)
    client = wrapper._clients[0]
    assert client.get_usage(response) == {
        "prompt_tokens": 1000,
        "completion_tokens": 500,
        "total_tokens": 1500,
        "cost": response.cost,
        "model": MODEL,
    }
    assert wrapper.actual_usage_summary[MODEL]["total_tokens"] == 1500
    assert wrapper.total_usage_summary["total_cost"] == pytest.approx(response.cost)

    priced = OpenAIWrapper(config_list=v2(gpt, price=[1.0, 2.0]))
    again = priced.create(messages=[{"role": "user", "content": "hi"}])
    assert again.cost == pytest.approx(
        (again.usage["prompt_tokens"] * 1.0 + again.usage["completion_tokens"] * 2.0) / 1000
    )


def test_a_model_missing_from_the_price_table_is_priced_like_gpt_4_turbo():
    with FakeLLMServer(dialect="openai", model="my-local-model") as server:
        server.add_replies({"content": "ok", "usage": {"prompt_tokens": 100, "completion_tokens": 100}})
        with pytest.warns(UserWarning, match="not in the price table"):
            response = OpenAIWrapper(config_list=v2(server)).create(messages=[{"role": "user", "content": "hi"}])
    assert response.cost == pytest.approx((100 * 0.01 + 100 * 0.03) / 1000)


def test_reasoning_and_citations_become_their_own_blocks(gpt):
    gpt.add_replies(
        {
            "content": "Paris is the capital of France.",
            "reasoning": "The user asks for a capital.",
            "citations": [{"url": "https://fr.example", "title": "France", "cited_text": "capital of France"}],
        }
    )
    wrapper = OpenAIWrapper(config_list=v2(gpt))
    response = wrapper.create(messages=[{"role": "user", "content": "Capital of France?"}])
    blocks = response.messages[0].content
    assert [type(b) for b in blocks] == [ReasoningContent, TextContent, CitationContent]
    assert response.reasoning[0].reasoning == "The user asks for a capital."
    citation = response.messages[0].get_citations()[0]
    assert (citation.url, citation.title, citation.snippet) == ("https://fr.example", "France", "capital of France")
    assert citation.extra == {"start_index": 13, "end_index": 30}
    # agents get the text of every block, as ag2's v2 client gives it
    assert wrapper.extract_text_or_completion_object(response) == [
        "The user asks for a capital. Paris is the capital of France. citation: France"
    ]


def test_parallel_tool_calls(gpt):
    gpt.add_replies(
        {
            "tool_calls": [
                tool_call("add", {"a": 1, "b": 2}, id="call_1"),
                tool_call("add", {"a": 3, "b": 4}, id="call_2"),
            ]
        }
    )
    wrapper = OpenAIWrapper(config_list=v2(gpt))
    response = wrapper.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    calls = response.messages[0].get_tool_calls()
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("call_1", "add", '{"a": 1, "b": 2}'),
        ("call_2", "add", '{"a": 3, "b": 4}'),
    ]
    assert response.finish_reason == "tool_calls"
    [message] = wrapper.extract_text_or_completion_object(response)
    assert message == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}},
            {"id": "call_2", "type": "function", "function": {"name": "add", "arguments": '{"a": 3, "b": 4}'}},
        ],
    }
    assert gpt.requests[0].body["tools"] == TOOLS


class Capital(BaseModel):
    city: str
    country: str

    def format(self) -> str:
        return f"{self.city} ({self.country})"


def test_structured_output_with_a_model_class_is_parsed(gpt):
    gpt.add_replies('{"city": "Paris", "country": "France"}')
    wrapper = OpenAIWrapper(config_list=v2(gpt, response_format=Capital))
    response = wrapper.create(messages=[{"role": "user", "content": "Capital of France?"}])
    parsed = response.get_content_by_type("parsed")
    assert isinstance(parsed[0], GenericContent) and parsed[0].parsed == {"city": "Paris", "country": "France"}
    sent = gpt.requests[0].body["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["name"] == "Capital"
    # the entry's model class formats what agents read
    assert wrapper.extract_text_or_completion_object(response) == ["Paris (France)"]


def test_structured_output_with_a_schema_dict_is_sent_as_is(gpt):
    gpt.add_replies('{"answer": "42"}')
    schema = {"type": "json_schema", "json_schema": {"name": "a", "schema": {"type": "object"}}}
    response = OpenAIWrapper(config_list=v2(gpt)).create(
        messages=[{"role": "user", "content": "?"}], response_format=schema
    )
    assert response.text == '{"answer": "42"}' and not response.get_content_by_type("parsed")
    assert gpt.requests[0].body["response_format"] == schema


def test_streaming_sends_the_text_and_returns_the_unified_response(gpt, stream):
    gpt.add_replies("one two three four")
    response = OpenAIWrapper(config_list=v2(gpt)).create(messages=[{"role": "user", "content": "count"}], stream=True)
    assert response.text == "one two three four"
    assert "".join(e.content.content for e in stream.events if e.type == "stream") == "one two three four"
    assert gpt.requests[0].body["stream"] is True
    assert response.usage["total_tokens"] > 0


def test_async_create(gpt):
    gpt.add_replies("async hello")
    wrapper = OpenAIWrapper(config_list=v2(gpt))
    response = asyncio.run(wrapper.a_create(messages=[{"role": "user", "content": "hi"}]))
    assert isinstance(response, UnifiedResponse) and response.text == "async hello" and response.cost > 0


def test_rate_limits_are_retried_and_auth_errors_are_not(gpt, fast):
    gpt.add_replies(Fault.rate_limit(retry_after=0.01), "after the wait")
    response = OpenAIWrapper(config_list=fast(v2(gpt))).create(messages=[{"role": "user", "content": "hi"}])
    assert response.text == "after the wait" and len(gpt.requests) == 2

    import openai

    gpt.add_replies(Fault.error(401, "bad key"), "never sent")
    with pytest.raises(openai.AuthenticationError):
        OpenAIWrapper(config_list=fast(v2(gpt))).create(messages=[{"role": "user", "content": "hi"}])
    assert gpt.remaining_replies == 1


def test_a_missing_key_is_reported_at_the_first_call(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    wrapper = OpenAIWrapper(config_list=[{"api_type": "openai_v2", "model": MODEL}])  # building never fails
    with pytest.raises(MissingAPIKeyError, match="OPENAI_API_KEY"):
        wrapper.create(messages=[{"role": "user", "content": "hi"}])


def test_cached_responses_are_unified_responses(gpt, tmp_path):
    from autogen.cache import Cache

    gpt.add_replies("cached answer")
    with Cache.disk(cache_path_root=str(tmp_path)) as cache:
        wrapper = OpenAIWrapper(config_list=v2(gpt))
        first = wrapper.create(messages=[{"role": "user", "content": "hi"}], cache=cache)
        second = wrapper.create(messages=[{"role": "user", "content": "hi"}], cache=cache)
    assert len(gpt.requests) == 1
    assert isinstance(second, UnifiedResponse) and second == first
    assert wrapper.extract_text_or_completion_object(second) == ["cached answer"]
    assert wrapper.total_usage_summary[MODEL]["total_tokens"] == 2 * first.usage["total_tokens"]


def test_a_directly_built_client(gpt):
    gpt.add_replies("direct", {"tool_calls": [tool_call("add", {"a": 1, "b": 1}, id="call_9")]})
    client = OpenAICompletionsClient(api_key="sk-direct", base_url=gpt.base_url)
    response = client.create({"model": MODEL, "messages": [{"role": "user", "content": "hi"}]})
    assert response.text == "direct" and response.cost > 0
    assert gpt.requests[0].headers["authorization"] == "Bearer sk-direct"
    assert client.message_retrieval(response) == ["direct"]
    v1 = client.create_v1_compatible({"model": MODEL, "messages": [{"role": "user", "content": "add"}], "tools": TOOLS})
    assert v1["object"] == "chat.completion" and v1["choices"][0]["finish_reason"] == "tool_calls"
    assert v1["choices"][0]["message"]["tool_calls"][0]["id"] == "call_9"
    assert v1["choices"][0]["message"]["content"] is None and v1["cost"] > 0


def test_two_agent_tool_chat_with_parallel_calls(gpt, stream):
    gpt.add_replies(
        {
            "tool_calls": [
                tool_call("add", {"a": 1, "b": 2}, id="call_1"),
                tool_call("add", {"a": 3, "b": 4}, id="call_2"),
            ]
        },
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config={"config_list": v2(gpt)}, system_message="You add numbers.")
    user = ConversableAgent(
        "user proxy",
        human_input_mode="NEVER",
        llm_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
    assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
    second = gpt.requests[1].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool"]
    assert [c["id"] for c in second[2]["tool_calls"]] == ["call_1", "call_2"]
    assert [(m["tool_call_id"], m["content"]) for m in second[3:]] == [("call_1", "3"), ("call_2", "7")]
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0
