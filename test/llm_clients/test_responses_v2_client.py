"""OpenAIResponsesV2Client (api_type "responses_v2") through the real openai SDK against
FakeLLMServer(dialect="responses"): unified responses (text, reasoning, citations, parallel tool calls,
generated images and web search calls), how a conversation continues (previous_response_id), structured
output, streaming, async, usage and cost (tokens and images), a directly built client, the v1-compatible
form, and a two-agent tool chat."""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("openai")

from pydantic import BaseModel

from autogen import ConversableAgent, OpenAIWrapper
from autogen.llm_clients import OpenAIResponsesV2Client
from autogen.llm_clients.models import (
    CitationContent,
    GenericContent,
    ImageContent,
    ReasoningContent,
    TextContent,
    ToolCallContent,
    UnifiedResponse,
)
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
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
def api():
    with FakeLLMServer(dialect="responses", model=MODEL) as server:
        yield server


def v2(server: FakeLLMServer, **extra) -> list[dict]:
    """The dialect's entry with the v2 api_type."""
    return [{**server.config_list[0], "api_type": "responses_v2", **extra}]


def test_the_wrapper_routes_responses_v2_to_the_v2_client(api):
    api.add_replies("Hello there.")
    wrapper = OpenAIWrapper(config_list=v2(api))
    assert type(wrapper._clients[0]) is OpenAIResponsesV2Client
    response = wrapper.create(messages=[{"role": "system", "content": "Be brief."}, *HI])
    assert isinstance(response, UnifiedResponse)
    assert response.provider == "openai_responses" and response.model == MODEL and response.id.startswith("resp_")
    assert response.text == "Hello there." and response.finish_reason == "stop" and response.status == "completed"
    assert wrapper.extract_text_or_completion_object(response) == ["Hello there."]
    assert [i["role"] for i in api.requests[0].input] == ["system", "user"]


def test_reasoning_and_citations_become_their_own_blocks(api):
    api.add_replies(
        {
            "reasoning": "France's capital is Paris.",
            "content": "Paris is the capital of France.",
            "citations": [{"url": "https://fr.example", "title": "France", "cited_text": "capital of France"}],
        }
    )
    response = OpenAIWrapper(config_list=v2(api)).create(messages=HI)
    reasoning, text, citation = response.messages[0].content
    assert isinstance(reasoning, ReasoningContent) and reasoning.reasoning == "France's capital is Paris."
    assert reasoning.summary == "France's capital is Paris." and reasoning.extra["id"].startswith("rs_")
    assert isinstance(text, TextContent) and text.text == "Paris is the capital of France."
    assert isinstance(citation, CitationContent) and citation.url == "https://fr.example"
    assert citation.title == "France" and citation.snippet == "capital of France"
    assert OpenAIResponsesV2Client.get_citations(response) == [citation]
    assert response.usage["reasoning_tokens"] > 0


def test_parallel_tool_calls_continue_the_response_that_asked(api):
    api.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4}, id="call_b")]},
        "3 and 7",
    )
    wrapper = OpenAIWrapper(config_list=v2(api))
    history = [{"role": "user", "content": "add"}]
    response = wrapper.create(messages=history, tools=TOOLS)
    calls = response.messages[0].get_tool_calls()
    assert all(isinstance(c, ToolCallContent) for c in calls) and response.finish_reason == "tool_calls"
    assert [json.loads(c.arguments) for c in calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    (message,) = wrapper.extract_text_or_completion_object(response)
    assert [tc["id"] for tc in message["tool_calls"]] == [calls[0].id, "call_b"] and message["content"] is None
    history += [message, *[{"role": "tool", "tool_call_id": c.id, "content": str(n)} for c, n in zip(calls, (3, 7))]]
    assert wrapper.create(messages=history, tools=TOOLS).text == "3 and 7"
    second = api.requests[1]
    assert second.body["previous_response_id"] == response.id
    assert [(i["type"], i["call_id"], i["output"]) for i in second.input] == [
        ("function_call_output", calls[0].id, "3"),
        ("function_call_output", "call_b", "7"),
    ]


def test_a_new_message_list_continues_the_last_response_as_in_ag2(api):
    api.add_replies("Hi Alice.", "Your name is Alice.", "fresh", "again")
    client = OpenAIWrapper(config_list=v2(api))._clients[0]
    first = client.create({"model": MODEL, "messages": [{"role": "user", "content": "I am Alice."}]})
    assert client._get_previous_response_id() == first.id
    second = client.create({"model": MODEL, "messages": [{"role": "user", "content": "Who am I?"}]})
    assert api.requests[1].body["previous_response_id"] == first.id
    assert [i["content"][0]["text"] for i in api.requests[1].input] == ["Who am I?"]
    assert client._get_previous_response_id() == second.id
    client.reset_conversation()
    client.create({"model": MODEL, "messages": [{"role": "user", "content": "New topic."}]})
    assert "previous_response_id" not in api.requests[2].body
    # replaying the same conversation differently sends it whole, without continuing
    client.create({"model": MODEL, "messages": [{"role": "user", "content": "New topic."}]})
    assert "previous_response_id" not in api.requests[3].body


def test_hosted_tools_generated_images_and_their_costs(api):
    image = {"type": "image_generation_call", "id": "ig_1", "status": "completed", "result": "iVBORw0KGgo=",
             "size": "1024x1024", "quality": "low"}  # fmt: skip
    search = {"type": "web_search_call", "id": "ws_1", "status": "completed", "action": {"type": "search"}}
    api.add_replies({"content": "Here it is.", "output_items": [search, image]})
    wrapper = OpenAIWrapper(config_list=v2(api, built_in_tools=["web_search", "image_generation"]))
    client = wrapper._clients[0]
    client.set_web_search_params(search_context_size="low")
    client.set_image_output_params(quality="low", size="1024x1024")
    response = wrapper.create(messages=[{"role": "user", "content": "draw a cat"}])
    tools = api.requests[0].body["tools"]
    assert {"type": "web_search", "search_context_size": "low"} in tools
    assert {"type": "image_generation", "quality": "low", "size": "1024x1024", "output_format": "png"} in tools
    (generated,) = OpenAIResponsesV2Client.get_generated_images(response)
    assert isinstance(generated, ImageContent) and generated.data_uri == "data:image/png;base64,iVBORw0KGgo="
    assert generated.extra == {"generated": True, "size": "1024x1024", "quality": "low", "output_format": "png"}
    (call,) = OpenAIResponsesV2Client.get_web_search_calls(response)
    assert isinstance(call, GenericContent) and call.id == "ws_1" and call.action["type"] == "search"
    usage = response.usage
    token_cost = (usage["prompt_tokens"] * 0.0025 + usage["completion_tokens"] * 0.01) / 1000
    assert usage["token_cost"] == pytest.approx(token_cost) and usage["image_cost"] == pytest.approx(0.011)
    assert response.cost == pytest.approx(token_cost + 0.011) == client.get_total_costs()
    (message,) = wrapper.extract_text_or_completion_object(response)
    assert message["content"][2] == {"type": "image", "image_url": generated.data_uri, "generated": True}
    assert "Here it is." in message["content"] and str(message["content"]) == "Here it is."
    # another agent reading that message sends the image back as an input image
    api.add_replies("A cat.")
    other = OpenAIWrapper(config_list=v2(api))
    other.create(messages=[{"role": "user", "content": message["content"]}])
    parts = api.requests[1].input[0]["content"]
    assert parts[1] == {"type": "input_image", "image_url": generated.data_uri, "detail": "auto"}


class Person(BaseModel):
    name: str
    age: int

    def format(self) -> str:
        return f"{self.name} ({self.age})"


def test_structured_output_is_parsed(api):
    api.add_replies('{"name": "Ada", "age": 36}')
    wrapper = OpenAIWrapper(config_list=v2(api, response_format=Person))
    response = wrapper.create(messages=[{"role": "user", "content": "who?"}])
    assert OpenAIResponsesV2Client.get_parsed_object(response) == Person(name="Ada", age=36)
    assert OpenAIResponsesV2Client.get_parsed_content(response).parsed_dict == {"name": "Ada", "age": 36}
    assert wrapper.extract_text_or_completion_object(response) == ["Ada (36)"]
    assert api.requests[0].body["text"]["format"]["type"] == "json_schema"


def test_streaming_shows_the_text_as_it_arrives(api, stream):
    api.add_replies({"reasoning": "thinking", "content": "A fairly long streamed answer."})
    response = OpenAIWrapper(config_list=v2(api)).create(messages=HI, stream=True)
    assert response.text.endswith("A fairly long streamed answer.") and response.reasoning[0].reasoning == "thinking"
    shown = "".join(e.content.content if hasattr(e.content, "content") else str(e.content) for e in stream.events)
    assert "A fairly long streamed answer." in shown.replace("\n", "")


def test_async_create(api):
    api.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 1})]})
    response = asyncio.run(OpenAIWrapper(config_list=v2(api)).a_create(messages=HI, tools=TOOLS))
    assert isinstance(response, UnifiedResponse) and response.messages[0].get_tool_calls()[0].name == "add"


def test_rate_limits_are_retried_and_auth_errors_are_not(api, fast):
    import openai

    api.add_replies(Fault.rate_limit(retry_after=0.01), "after the wait")
    assert OpenAIWrapper(config_list=fast(v2(api))).create(messages=HI).text == "after the wait"
    api.add_replies(Fault.error(401, "bad key"), "never")
    with pytest.raises(openai.AuthenticationError):
        OpenAIWrapper(config_list=fast(v2(api))).create(messages=HI)
    assert len(api.requests) == 3


def test_a_directly_built_client_and_the_v1_compatible_form(api):
    entry = api.config_list[0]
    client = OpenAIResponsesV2Client(api_key=entry["api_key"], base_url=entry["base_url"])
    api.add_replies({"reasoning": "r", "content": "plain"}, {"tool_calls": [tool_call("add", {"a": 2, "b": 2})]})
    response = client.create({"model": MODEL, "messages": HI})
    assert client.message_retrieval(response) == ["plain"] and client.cost(response) == response.cost > 0
    completion = client.create_v1_compatible({"model": MODEL, "messages": HI, "tools": TOOLS})
    assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "tool_calls"
    assert completion.choices[0].message.tool_calls[0].function.name == "add" and completion.cost > 0
    cumulative = client.get_cumulative_usage()
    assert cumulative["prompt_tokens"] == response.usage["prompt_tokens"] + completion.usage.prompt_tokens
    assert OpenAIResponsesV2Client.get_usage(response)["token_cost"] == response.usage["token_cost"]
    client.set_custom_price(1.0, 2.0)
    api.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    assert client.create({"model": MODEL, "messages": HI}).cost == pytest.approx(3.0)


def test_two_agent_tool_chat_with_parallel_calls(api):
    api.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]},
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config={"config_list": v2(api)}, system_message="Add.")
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
    assert api.requests[1].body["previous_response_id"].startswith("resp_")
    assert [i["output"] for i in api.requests[1].input] == ["3", "7"]
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0
