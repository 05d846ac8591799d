"""BedrockV2Client (api_type "bedrock_v2") through the real boto3 SDK against FakeLLMServer(dialect="bedrock")
(the Converse API): unified responses (text, reasoning, parallel tool calls, images and unknown blocks kept),
what agents read from them, structured output, usage and cost, retries and errors, a directly built
client, the v1-compatible form, and a two-agent tool chat."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("boto3")

from pydantic import BaseModel

from autogen import ConversableAgent, OpenAIWrapper
from autogen.llm_clients import BedrockV2Client, BedrockV2LLMConfigEntry
from autogen.llm_clients.models import (
    GenericContent,
    ImageContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedResponse,
)
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "anthropic.claude-3-5-sonnet-20241022-v2:0"
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
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
def bedrock():
    with FakeLLMServer(dialect="bedrock", model=MODEL) as server:
        yield server


def v2(server: FakeLLMServer, **extra) -> list[dict]:
    """The dialect's entry with the v2 api_type."""
    return [{**server.config_list[0], "api_type": "bedrock_v2", **extra}]


def test_the_wrapper_routes_bedrock_v2_to_the_v2_client(bedrock):
    bedrock.add_replies("Hello from Bedrock.")
    wrapper = OpenAIWrapper(config_list=v2(bedrock))
    assert type(wrapper._clients[0]) is BedrockV2Client
    response = wrapper.create(messages=[{"role": "system", "content": "Be brief."}, *HI])
    assert isinstance(response, UnifiedResponse)
    assert response.provider == "bedrock" and response.model == MODEL and response.finish_reason == "stop"
    assert response.text == "Hello from Bedrock." and response.provider_metadata["stopReason"] == "end_turn"
    assert wrapper.extract_text_or_completion_object(response) == ["Hello from Bedrock."]
    sent = bedrock.requests[0]
    assert sent.body == {"messages": [{"role": "user", "content": [{"text": "hi"}]}], "system": [{"text": "Be brief."}]}
    assert sent.headers["authorization"].startswith("AWS4-HMAC-SHA256")


def test_reasoning_becomes_its_own_block_with_its_signature(bedrock):
    bedrock.add_replies({"reasoning": "1 and 1 make 2.", "content": "2"})
    response = OpenAIWrapper(config_list=v2(bedrock)).create(messages=HI)
    reasoning, text = response.messages[0].content
    assert isinstance(reasoning, ReasoningContent) and reasoning.reasoning == "1 and 1 make 2."
    assert reasoning.extra == {"signature": "fake-signature"}
    assert isinstance(text, TextContent) and text.text == "2"
    assert response.reasoning == [reasoning] and response.text.endswith("2")


def test_parallel_tool_calls_and_their_results_round_trip(bedrock):
    bedrock.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="tooluse_a"), tool_call("add", {"a": 3, "b": 4})]},
        "3 and 7",
    )
    wrapper = OpenAIWrapper(config_list=v2(bedrock))
    response = wrapper.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    calls = response.messages[0].get_tool_calls()
    assert all(isinstance(c, ToolCallContent) for c in calls) and response.finish_reason == "tool_calls"
    assert [json.loads(c.arguments) for c in calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    (message,) = wrapper.extract_text_or_completion_object(response)
    assert isinstance(message, dict) and message["content"] is None
    assert [tc["id"] for tc in message["tool_calls"]] == ["tooluse_a", calls[1].id]
    history = [
        {"role": "user", "content": "add"},
        message,
        *[
            {"role": "tool", "tool_call_id": tc["id"], "content": str(n)}
            for tc, n in zip(message["tool_calls"], (3, 7))
        ],
    ]
    assert wrapper.create(messages=history, tools=TOOLS).text == "3 and 7"
    turns = bedrock.requests[1].body["messages"]
    assert [b["toolUse"]["toolUseId"] for b in turns[1]["content"]] == ["tooluse_a", calls[1].id]
    assert [b["toolResult"]["toolUseId"] for b in turns[2]["content"]] == ["tooluse_a", calls[1].id]


def test_images_and_unknown_blocks_are_kept():
    client = BedrockV2Client(aws_region="us-east-1", aws_access_key="AK", aws_secret_key="SK")
    converse = {
        "stopReason": "end_turn",
        "output": {
            "message": {
                "content": [
                    {"text": "look"},
                    {"image": {"format": "png", "source": {"bytes": b"\x89PNG"}}},
                    {"guardContent": {"text": {"text": "kept"}}},
                ]
            }
        },
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    }
    response = client._transform_response(converse, MODEL)
    _, image, other = response.messages[0].content
    assert isinstance(image, ImageContent) and image.data_uri == "data:image/png;base64,iVBORw=="
    assert (
        isinstance(other, GenericContent)
        and other.type == "unknown"
        and other.guardContent == {"text": {"text": "kept"}}
    )
    (message,) = client.message_retrieval(response)
    assert message["content"][1] == {"type": "image_url", "image_url": {"url": image.data_uri, "detail": "auto"}}


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(bedrock):
    bedrock.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    wrapper = OpenAIWrapper(config_list=v2(bedrock))
    response = wrapper.create(messages=HI)
    assert response.usage == {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}
    assert response.cost == pytest.approx(0.0045)  # Claude 3.5 Sonnet on Bedrock
    assert BedrockV2Client.get_usage(response) == {
        "prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100, "cost": pytest.approx(0.0045),
        "model": MODEL,
    }  # fmt: skip
    assert wrapper.total_usage_summary[MODEL]["cost"] == pytest.approx(0.0045)
    bedrock.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    assert OpenAIWrapper(config_list=v2(bedrock, price=[1.0, 2.0])).create(messages=HI).cost == pytest.approx(3.0)


class Answer(BaseModel):
    value: int

    def format(self) -> str:
        return f"The answer is {self.value}."


def test_structured_output_is_the_text_not_a_tool_call(bedrock):
    bedrock.add_replies({"tool_calls": [tool_call("__structured_output", {"value": 42})]})
    wrapper = OpenAIWrapper(config_list=v2(bedrock, response_format=Answer))
    response = wrapper.create(messages=[{"role": "user", "content": "answer"}])
    assert json.loads(response.text) == {"value": 42} and response.finish_reason == "stop"
    assert not response.messages[0].get_tool_calls()
    assert wrapper.extract_text_or_completion_object(response) == ["The answer is 42."]
    (tool,) = bedrock.requests[0].body["toolConfig"]["tools"]
    assert tool["toolSpec"]["name"] == "__structured_output"


def test_throttling_is_retried_and_access_denied_is_not(bedrock):
    bedrock.add_replies(Fault.rate_limit(retry_after=0.01), "after the wait")
    wrapper = OpenAIWrapper(config_list=v2(bedrock, retry_base_delay=0.001))
    assert wrapper.create(messages=HI).text == "after the wait"
    assert len(bedrock.requests) == 2
    bedrock.add_replies(Fault.error(403, "AccessDeniedException"))
    with pytest.raises(Exception, match="AccessDenied"):
        OpenAIWrapper(config_list=v2(bedrock, retry_base_delay=0.001)).create(messages=HI)
    assert len(bedrock.requests) == 3


def test_a_directly_built_client_makes_its_own_boto3_client(bedrock):
    entry = bedrock.config_list[0]
    bedrock.add_replies("direct")
    client = BedrockV2Client(
        aws_region=entry["aws_region"],
        aws_access_key=entry["aws_access_key"],
        aws_secret_key=entry["aws_secret_key"],
        base_url=entry["base_url"],
        total_max_attempts=1,
    )
    assert client.bedrock_runtime is client.bedrock_runtime  # made once, kept
    response = client.create({"model": MODEL, "messages": HI})
    assert response.text == "direct" and client.message_retrieval(response) == ["direct"]
    bedrock.add_replies("again")
    flat = client.create_v1_compatible({"model": MODEL, "messages": HI})
    assert flat["object"] == "chat.completion" and flat["choices"][0]["message"]["content"] == "again"
    assert flat["cost"] > 0 and flat["usage"]["prompt_tokens"] > 0
    with pytest.raises(ValueError, match="Please provide the 'model'"):
        client.create({"messages": HI})
    entry_client = BedrockV2LLMConfigEntry(model=MODEL, aws_region="us-east-1").create_client()
    assert isinstance(entry_client, BedrockV2Client) and entry_client.model == MODEL


def test_two_agent_tool_chat_with_parallel_calls(bedrock):
    bedrock.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]},
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config={"config_list": v2(bedrock)}, system_message="Add.")
    user = ConversableAgent(
        "user",
        human_input_mode="NEVER",
        llm_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )
    seen = []

    @user.register_for_execution()
    @assistant.register_for_llm(description="Add two integers.")
    def add(a: int, b: int) -> int:
        seen.append((a, b))
        return a + b

    result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
    assert seen == [(1, 2), (3, 4)]
    assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
    results = bedrock.requests[1].body["messages"][-1]["content"]
    assert [r["toolResult"]["content"] for r in results] == [[{"text": "3"}], [{"text": "7"}]]
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0
