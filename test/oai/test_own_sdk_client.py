"""A client set as ``OpenAIClient._oai_client`` (ag2's attribute) carries that client's requests."""

from __future__ import annotations

import asyncio
from typing import Any

import openai

from autogen.oai import OpenAIWrapper
from autogen.testing import FakeLLMServer

MESSAGES = [{"role": "user", "content": "2+2="}]


def _wrapper_for_elsewhere(server: FakeLLMServer) -> OpenAIWrapper:
    # the config points at `server`; the tests hand the client another server's SDK client
    return OpenAIWrapper(config_list=server.config_list, cache_seed=None)


def test_a_set_sdk_client_takes_the_requests_sync_and_async() -> None:
    with FakeLLMServer(["not me"]) as configured, FakeLLMServer(["4", "5", "6"]) as chosen:
        wrapper = _wrapper_for_elsewhere(configured)
        client = wrapper._clients[0]
        own = openai.OpenAI(base_url=chosen.base_url, api_key="sk-fake")
        client._oai_client = own
        assert client._oai_client is own

        assert wrapper.create(messages=MESSAGES).choices[0].message.content == "4"
        # an async chat with a sync SDK client set: the call runs in a worker thread
        assert asyncio.run(wrapper.a_create(messages=MESSAGES)).choices[0].message.content == "5"

        async def with_async_client() -> Any:
            client._oai_client = openai.AsyncOpenAI(base_url=chosen.base_url, api_key="sk-fake")
            return await wrapper.a_create(messages=MESSAGES)

        assert asyncio.run(with_async_client()).choices[0].message.content == "6"
        assert configured.requests == [] and len(chosen.requests) == 3

        client._oai_client = None  # back to the shared client for the configured endpoint
        assert wrapper.create(messages=MESSAGES).choices[0].message.content == "not me"


class _CompletionsTakingAnyKeyword:
    """A user's stand-in for the SDK (what ag2 users set here): ``create(**kwargs)``."""

    def __init__(self, reply: Any) -> None:
        self.reply = reply
        self.requests: list[dict[str, Any]] = []

    def create(self, **kwargs: Any) -> Any:
        self.requests.append(kwargs)
        return self.reply


def test_a_client_taking_any_keyword_gets_the_whole_request() -> None:
    from openai.types.chat import ChatCompletion

    reply = ChatCompletion.model_validate({
        "id": "x", "created": 0, "model": "m", "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}],
    })  # fmt: skip
    completions = _CompletionsTakingAnyKeyword(reply)

    class Client:
        class chat:  # noqa: N801 - the SDK's attribute path
            pass

    Client.chat.completions = completions  # type: ignore[attr-defined]
    with FakeLLMServer([]) as configured:
        wrapper = OpenAIWrapper(config_list=configured.config_list, cache_seed=None, temperature=0.2)
        wrapper._clients[0]._oai_client = Client
        assert wrapper.create(messages=MESSAGES).choices[0].message.content == "hi"
    [sent] = completions.requests
    assert sent["model"] == "fake-model" and sent["temperature"] == 0.2 and sent["messages"] == MESSAGES
