"""ag2's ways of using OpenAIClient and OpenAIWrapper directly: a given SDK client, its request helpers,
the streamed-chunk mergers and custom client registration."""

from __future__ import annotations

import asyncio
import json
import types
from typing import Any

import pytest

from autogen.oai import OpenAIWrapper
from autogen.oai.client import OpenAIClient
from autogen.oai.errors import ModelClientNotRegisteredError
from autogen.oai.streaming import StreamAssembler
from autogen.testing import FakeLLMServer, FakeReply

MESSAGES = [{"role": "user", "content": "Hi"}]


def _sdk_client(server: FakeLLMServer, *, is_async: bool = False) -> Any:
    import openai

    entry = server.config_list[0]
    cls = openai.AsyncOpenAI if is_async else openai.OpenAI
    return cls(api_key=entry["api_key"], base_url=entry["base_url"], max_retries=0)


def test_a_given_sdk_client_sends_the_requests(server: FakeLLMServer) -> None:
    server.add_replies("sync answer", "async answer", "async client answer")
    client = OpenAIClient(_sdk_client(server), None)

    response = client.create({"model": "fake-model", "messages": MESSAGES})
    assert client.message_retrieval(response) == ["sync answer"]
    # a_create runs a sync SDK client's call in a thread; an async SDK client is awaited
    assert asyncio.run(client.a_create({"model": "fake-model", "messages": MESSAGES})).choices[0].message.content == (
        "async answer"
    )

    async def with_async_client() -> Any:
        return await OpenAIClient(_sdk_client(server, is_async=True)).a_create(
            {"model": "fake-model", "messages": MESSAGES}
        )

    assert asyncio.run(with_async_client()).choices[0].message.content == "async client answer"
    assert len(server.requests) == 3


def test_a_structured_output_request_is_not_streamed(server: FakeLLMServer) -> None:
    server.add_replies('{"x": 1}', FakeReply(content="streamed", usage={"prompt_tokens": 4, "completion_tokens": 1}))
    client = OpenAIWrapper(config_list=server.config_list, cache_seed=None)
    response = client.create(messages=MESSAGES, stream=True, response_format={"type": "json_object"})
    assert "stream" not in server.requests[0].body and "stream_options" not in server.requests[0].body
    assert json.loads(response.choices[0].message.content) == {"x": 1}

    client.create(messages=MESSAGES, stream=True, stream_options={"include_obfuscation": False})
    assert server.requests[1].body["stream"] is True
    assert server.requests[1].body["stream_options"] == {"include_usage": True, "include_obfuscation": False}


def test_streaming_usage_is_asked_for_without_overriding_a_choice() -> None:
    params: dict[str, Any] = {"stream": True, "stream_options": {"include_usage": False, "other": 1}}
    OpenAIClient._add_streaming_usage_to_params(params)
    assert params["stream_options"] == {"include_usage": False, "other": 1}
    quiet: dict[str, Any] = {"stream": False}
    OpenAIClient._add_streaming_usage_to_params(quiet)
    assert quiet == {"stream": False}


def test_reasoning_params_are_shaped_in_place_with_a_warning_per_dropped_parameter() -> None:
    client = OpenAIClient({"model": "o1-mini"})
    params: dict[str, Any] = {
        "model": "o1-mini",
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 50,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    }
    with pytest.warns(UserWarning) as records:
        client._process_reasoning_model_params(params)
    assert [str(r.message) for r in records] == [
        "`temperature` is not supported with o1-mini model and will be ignored.",
        "`top_p` is not supported with o1-mini model and will be ignored.",
    ]
    assert params["max_completion_tokens"] == 50 and "max_tokens" not in params
    assert params["messages"][0] == {"role": "user", "content": "System message: Be brief."}


def test_the_stream_assembler_skips_what_is_not_a_chunk() -> None:
    from openai.types.chat import ChatCompletionChunk

    def chunk(**fields: Any) -> ChatCompletionChunk:
        return ChatCompletionChunk.model_validate(
            {"id": "c1", "created": 1, "model": "m", "object": "chat.completion.chunk", "choices": [], **fields}
        )

    assembler = StreamAssembler()
    for item in [
        chunk(choices=[{"index": 0, "delta": {"content": "Hel"}}]),
        {"not": "a chunk"},
        "text",
        types.SimpleNamespace(choices="garbage"),
        chunk(choices=[{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]),
        chunk(usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}),
    ]:
        assembler.add(item)
    result = assembler.result()
    assert result.choices[0].message.content == "Hello"
    assert result.usage.total_tokens == 5


def test_chunk_mergers_assemble_a_tool_call() -> None:
    from openai.types.chat.chat_completion_chunk import ChoiceDeltaToolCall, ChoiceDeltaToolCallFunction

    pieces = [("call_1", "lookup", "", "function"), (None, None, '{"q": ', "function"), (None, None, '"x"}', None)]
    call: dict[str, Any] | None = None
    tokens = 0
    for call_id, name, args, kind in pieces:
        delta = ChoiceDeltaToolCall(
            index=0, id=call_id, type=kind, function=ChoiceDeltaToolCallFunction(name=name, arguments=args)
        )
        call, tokens = OpenAIWrapper._update_tool_calls_from_chunk(delta, call, tokens)
    assert call == {
        "index": 0,
        "id": "call_1",
        "type": "function",  # repeated by some providers, never concatenated
        "function": {"name": "lookup", "arguments": '{"q": "x"}'},
    }
    assert tokens == 4 + 2 + 2  # one per field a chunk carried: index, id, name, arguments; then index, arguments
    with pytest.raises(NotImplementedError):
        OpenAIWrapper._update_dict_from_chunk(types.SimpleNamespace(parts=[1]), {}, "parts")


class _Echo:
    """A custom model client that answers with the text it was built with."""

    def __init__(self, config: dict[str, Any], text: str = "") -> None:
        self.text = text

    def create(self, params: dict[str, Any]) -> Any:
        message = types.SimpleNamespace(content=self.text, tool_calls=None, function_call=None)
        return types.SimpleNamespace(choices=[types.SimpleNamespace(message=message)], model="echo", cost=0.0)

    def message_retrieval(self, response: Any) -> list[str]:
        return [c.message.content for c in response.choices]

    def cost(self, response: Any) -> float:
        return 0.0

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        return {}


def test_custom_clients_are_registered_once_per_entry_and_all_before_a_call(caplog: pytest.LogCaptureFixture) -> None:
    config_list = [{"model": "a", "model_client_cls": "_Echo"}, {"model": "b", "model_client_cls": "_Echo"}]
    client = OpenAIWrapper(config_list=config_list, cache_seed=None)
    client.register_model_client(_Echo, text="first")
    with pytest.raises(ModelClientNotRegisteredError, match=r"\['_Echo'\] are not activated"):
        client.create(messages=MESSAGES)

    client.register_model_client(_Echo, text="second")  # the second entry gets its own kwargs
    assert [c.text for c in client._clients] == ["first", "second"]
    assert client.extract_text_or_completion_object(client.create(messages=MESSAGES)) == ["first"]

    client.register_model_client(_Echo, text="third")
    assert "already registered" in caplog.text
