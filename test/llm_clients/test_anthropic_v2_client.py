"""AnthropicV2Client (api_type "anthropic_v2") through the real anthropic SDK against
FakeLLMServer(dialect="anthropic"): unified responses (thinking, citations, tool calls, structured
output in native and JSON mode), what agents read from them, the v1-compatible ChatCompletion,
streaming, async, cost and usage, retries, a directly built client, and a two-agent tool chat."""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("anthropic")

from pydantic import BaseModel

from autogen import ConversableAgent, OpenAIWrapper
from autogen.llm_clients import AnthropicV2Client
from autogen.llm_clients.models import (
    CitationContent,
    GenericContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedResponse,
)
from autogen.oai.errors import MissingAPIKeyError
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "claude-sonnet-4-5"
OLD_MODEL = "claude-3-haiku-20240307"  # no native structured outputs: JSON mode
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
def claude():
    with FakeLLMServer(dialect="anthropic", model=MODEL) as server:
        yield server


def v2(server: FakeLLMServer, **extra) -> list[dict]:
    """The dialect's entry with the v2 api_type (the dialect's own entry is the plain one)."""
    return [{**server.config_list[0], "api_type": "anthropic_v2", **extra}]


def test_the_wrapper_routes_anthropic_v2_to_the_v2_client(claude):
    claude.add_replies("Hello from Claude.")
    wrapper = OpenAIWrapper(config_list=v2(claude))
    assert type(wrapper._clients[0]) is AnthropicV2Client
    response = wrapper.create(messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}])
    assert isinstance(response, UnifiedResponse)
    assert response.provider == "anthropic" and response.model == MODEL and response.id.startswith("msg_")
    assert response.text == "Hello from Claude." and response.finish_reason == "stop"
    assert response.provider_metadata == {"stop_reason": "end_turn", "stop_sequence": None}
    assert wrapper.extract_text_or_completion_object(response) == ["Hello from Claude."]
    request = claude.requests[0]
    assert request.path == "/v1/messages" and request.system == "Be brief."
    assert request.messages == [{"role": "user", "content": "hi"}]
    assert "sk-ant-fake" in request.headers.get("x-api-key", "") + request.headers.get("authorization", "")


def test_thinking_and_citations_become_their_own_blocks(claude):
    claude.add_replies(
        {
            "reasoning": "Paris, obviously.",
            "content": "Paris is the capital of France.",
            "citations": [{"url": "https://fr.example", "title": "France", "cited_text": "capital of France"}],
        }
    )
    wrapper = OpenAIWrapper(config_list=v2(claude))
    response = wrapper.create(
        messages=[{"role": "user", "content": "Capital?"}], thinking={"type": "enabled", "budget_tokens": 1024}
    )
    blocks = response.messages[0].content
    assert [type(b) for b in blocks] == [ReasoningContent, TextContent, CitationContent]
    assert response.reasoning[0].reasoning == "Paris, obviously." and "signature" in response.reasoning[0].extra
    citation = blocks[2]
    assert (citation.url, citation.title, citation.snippet) == ("https://fr.example", "France", "capital of France")
    assert citation.extra["type"] == "web_search_result_location"
    assert claude.requests[0].body["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert wrapper.extract_text_or_completion_object(response) == [
        "Paris, obviously. Paris is the capital of France. citation: France"
    ]


def test_parallel_tool_calls(claude):
    claude.add_replies(
        {
            "content": "Adding both.",
            "tool_calls": [
                tool_call("add", {"a": 1, "b": 2}, id="toolu_1"),
                tool_call("add", {"a": 3, "b": 4}, id="toolu_2"),
            ],
        }
    )
    wrapper = OpenAIWrapper(config_list=v2(claude))
    response = wrapper.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    calls = response.messages[0].get_tool_calls()
    assert [type(b) for b in response.messages[0].content] == [TextContent, ToolCallContent, ToolCallContent]
    assert [(c.id, c.name, json.loads(c.arguments)) for c in calls] == [
        ("toolu_1", "add", {"a": 1, "b": 2}),
        ("toolu_2", "add", {"a": 3, "b": 4}),
    ]
    assert response.finish_reason == "tool_calls"
    [message] = wrapper.extract_text_or_completion_object(response)
    assert message.content == "Adding both."
    assert [(c.id, c.function.name) for c in message.tool_calls] == [("toolu_1", "add"), ("toolu_2", "add")]
    assert claude.requests[0].body["tools"][0]["input_schema"]["properties"]["a"] == {"type": "integer"}


def test_usage_and_cost_with_the_claude_prices_or_the_entry_price(claude):
    claude.add_replies({"content": "ok", "usage": {"prompt_tokens": 1000, "completion_tokens": 500}}, "again")
    wrapper = OpenAIWrapper(config_list=v2(claude))
    response = wrapper.create(messages=[{"role": "user", "content": "hi"}])
    assert response.usage == {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
    assert response.cost == pytest.approx((1000 * 0.003 + 500 * 0.015) / 1000)
    assert AnthropicV2Client.get_usage(response)["cost"] == response.cost
    assert wrapper.actual_usage_summary[MODEL]["prompt_tokens"] == 1000

    priced = OpenAIWrapper(config_list=v2(claude, price=[1.0, 2.0]))
    again = priced.create(messages=[{"role": "user", "content": "hi"}])
    assert again.cost == pytest.approx((again.usage["prompt_tokens"] + 2.0 * again.usage["completion_tokens"]) / 1000)


class Capital(BaseModel):
    city: str
    country: str

    def format(self) -> str:
        return f"{self.city} ({self.country})"


def test_native_structured_output_uses_the_beta_api_and_parses(claude):
    claude.add_replies('{"city": "Paris", "country": "France"}')
    wrapper = OpenAIWrapper(config_list=v2(claude, response_format=Capital))
    response = wrapper.create(messages=[{"role": "user", "content": "Capital of France?"}])
    parsed, text = response.messages[0].content
    assert isinstance(parsed, GenericContent) and parsed.type == "parsed"
    assert parsed.parsed == {"city": "Paris", "country": "France"}
    assert json.loads(text.text) == {"city": "Paris", "country": "France"}
    request = claude.requests[0]
    assert request.headers["anthropic-beta"] == "structured-outputs-2025-11-13"
    schema = request.body["output_config"]["format"]["schema"]
    assert request.body["output_config"]["format"]["type"] == "json_schema"
    assert schema["additionalProperties"] is False and set(schema["properties"]) == {"city", "country"}
    assert wrapper.extract_text_or_completion_object(response) == ["Paris (France)"]


def test_native_structured_output_falls_back_to_json_mode_when_refused(claude):
    claude.add_replies(Fault.error(400, "output_config is not supported"), 'Sure: {"city": "Rome", "country": "Italy"}')
    client = AnthropicV2Client(api_key="k", base_url=claude.base_url, response_format=Capital)
    response = client.create({"model": MODEL, "messages": [{"role": "user", "content": "Capital of Italy?"}]})
    assert json.loads(response.text) == {"city": "Rome", "country": "Italy"}
    first, second = claude.requests
    assert "output_config" in first.body and "output_config" not in second.body
    assert "<json_response>" in second.system


def test_json_mode_on_older_models():
    with FakeLLMServer(dialect="anthropic", model=OLD_MODEL) as server:
        server.add_replies('<json_response>{"city": "Bern", "country": "Switzerland"}</json_response>')
        wrapper = OpenAIWrapper(config_list=v2(server, response_format=Capital))
        response = wrapper.create(messages=[{"role": "system", "content": "Geo."}, {"role": "user", "content": "CH?"}])
        assert json.loads(response.text) == {"city": "Bern", "country": "Switzerland"}
        assert server.requests[0].system.startswith("Geo.\n\n") and "<json_response>" in server.requests[0].system
        assert "output_config" not in server.requests[0].body
        assert wrapper.extract_text_or_completion_object(response) == ["Bern (Switzerland)"]


def test_create_v1_compatible_gives_a_chat_completion(claude):
    claude.add_replies(
        {"reasoning": "Let me think.", "content": "Answer."}, {"tool_calls": [tool_call("add", {"a": 1})]}
    )
    client = AnthropicV2Client(api_key="k", base_url=claude.base_url)
    completion = client.create_v1_compatible({"model": MODEL, "messages": [{"role": "user", "content": "q"}]})
    assert completion.choices[0].message.content == "[Thinking]\nLet me think.\n\nAnswer."
    assert completion.model == MODEL and completion.cost > 0 and completion.usage.total_tokens > 0
    calls = client.create_v1_compatible(
        {"model": MODEL, "messages": [{"role": "user", "content": "q"}], "tools": TOOLS}
    )
    assert (
        calls.choices[0].finish_reason == "tool_calls" and calls.choices[0].message.tool_calls[0].function.name == "add"
    )


def test_streaming_keeps_thinking_and_citations(claude, stream):
    claude.add_replies(
        {
            "reasoning": "Short thought.",
            "content": "one two three",
            "citations": [{"url": "https://n.example", "title": "Numbers", "cited_text": "two"}],
        }
    )
    response = OpenAIWrapper(config_list=v2(claude)).create(
        messages=[{"role": "user", "content": "count"}], stream=True
    )
    assert [type(b) for b in response.messages[0].content] == [ReasoningContent, TextContent, CitationContent]
    assert (
        response.reasoning[0].reasoning == "Short thought." and response.messages[0].content[1].text == "one two three"
    )
    assert response.messages[0].get_citations()[0].url == "https://n.example"
    assert "".join(e.content.content for e in stream.events if getattr(e, "type", None) == "stream") == "one two three"
    assert claude.requests[0].body["stream"] is True


def test_async_create(claude):
    claude.add_replies({"tool_calls": [tool_call("add", {"a": 2, "b": 2}, id="toolu_a")]})
    wrapper = OpenAIWrapper(config_list=v2(claude))
    response = asyncio.run(wrapper.a_create(messages=[{"role": "user", "content": "2+2"}], tools=TOOLS))
    assert response.messages[0].get_tool_calls()[0].id == "toolu_a" and response.cost > 0


def test_rate_limits_are_retried_and_auth_errors_are_not(claude, fast):
    claude.add_replies(Fault.rate_limit(retry_after=0.01), "after the wait")
    response = OpenAIWrapper(config_list=fast(v2(claude))).create(messages=[{"role": "user", "content": "hi"}])
    assert response.text == "after the wait" and len(claude.requests) == 2

    import anthropic

    claude.add_replies(Fault.error(401, "bad key"), "never sent")
    with pytest.raises(anthropic.AuthenticationError):
        OpenAIWrapper(config_list=fast(v2(claude))).create(messages=[{"role": "user", "content": "hi"}])
    assert claude.remaining_replies == 1


def test_credentials(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ValueError, match="API key is required"):
        AnthropicV2Client()
    wrapper = OpenAIWrapper(config_list=[{"api_type": "anthropic_v2", "model": MODEL}])  # building never fails
    with pytest.raises(MissingAPIKeyError, match="ANTHROPIC_API_KEY"):
        wrapper.create(messages=[{"role": "user", "content": "hi"}])
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    assert AnthropicV2Client()._api_key == "from-env"


def test_two_agent_tool_chat_with_parallel_calls(claude, stream):
    claude.add_replies(
        {
            "tool_calls": [
                tool_call("add", {"a": 1, "b": 2}, id="toolu_1"),
                tool_call("add", {"a": 3, "b": 4}, id="toolu_2"),
            ]
        },
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config={"config_list": v2(claude)}, system_message="You add numbers.")
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
    second = claude.requests[1]
    assert second.system == "You add numbers." and [m["role"] for m in second.messages] == ["user", "assistant", "user"]
    assert [b["id"] for b in second.messages[1]["content"] if b["type"] == "tool_use"] == ["toolu_1", "toolu_2"]
    assert [(b["tool_use_id"], b["content"]) for b in second.messages[2]["content"]] == [
        ("toolu_1", "3"),
        ("toolu_2", "7"),
    ]
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


def test_a_directly_built_client_makes_its_own_sdk_client_from_this_module(claude, monkeypatch):
    # ag2 built `autogen.llm_clients.anthropic_v2.Anthropic(...)` with the SDK arguments it was given;
    # code that replaces that name must see its replacement used
    import anthropic

    import autogen.llm_clients.anthropic_v2 as v2

    made = []

    class Recording(anthropic.Anthropic):
        def __init__(self, **kwargs):
            made.append(kwargs)
            super().__init__(**kwargs)

    monkeypatch.setattr(v2, "Anthropic", Recording, raising=False)
    claude.add_replies("hi")
    client = AnthropicV2Client(api_key="k", base_url=claude.base_url, max_retries=0)
    response = client.create({"model": MODEL, "messages": [{"role": "user", "content": "q"}]})
    assert response.text == "hi"
    assert len(made) == 1 and made[0]["max_retries"] == 0 and made[0]["base_url"] == claude.base_url
