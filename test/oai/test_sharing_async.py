"""Shared SDK clients, cheap construction, and the async path."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import openai
import pytest

from autogen.oai import OpenAIWrapper
from autogen.oai.errors import LLMCallError
from autogen.testing import FakeLLMServer, FakeModelClient, Fault

MESSAGES = [{"role": "user", "content": "hi"}]


def test_wrappers_with_the_same_endpoint_share_one_sdk_client(server: FakeLLMServer, backup: FakeLLMServer) -> None:
    server.default_reply = "ok"
    a = OpenAIWrapper(config_list=server.config_list, temperature=0)
    b = OpenAIWrapper(config_list=server.config_list, temperature=1)  # request params do not matter
    a.create(messages=MESSAGES)
    b.create(messages=MESSAGES)
    shared = a._clients[0].sdk_client()
    assert isinstance(shared, openai.OpenAI)
    assert shared is b._clients[0].sdk_client()
    assert shared.max_retries == 0  # the retry policy is ours

    other_url = OpenAIWrapper(config_list=backup.config_list)
    other_key = OpenAIWrapper(config_list=[{**server.config_list[0], "api_key": "sk-other"}])
    assert other_url._clients[0].sdk_client() is not shared
    assert other_key._clients[0].sdk_client() is not shared


def test_a_cleared_registry_gives_wrappers_a_fresh_client_and_copies_hold_none(server: FakeLLMServer) -> None:
    import copy

    from autogen.oai.endpoints import clear_client_registry

    server.default_reply = "ok"
    wrapper = OpenAIWrapper(config_list=server.config_list)
    wrapper.create(messages=MESSAGES)
    first = wrapper._clients[0].sdk_client()
    clear_client_registry()  # closes the shared clients: the wrapper must not keep using its old one
    assert wrapper._clients[0].sdk_client() is not first
    assert wrapper.extract_text_or_completion_object(wrapper.create(messages=MESSAGES)) == ["ok"]
    clone = copy.deepcopy(wrapper)
    assert clone._clients[0]._sdk_client is None and clone._last_response is None
    assert clone._clients[0].sdk_client() is wrapper._clients[0].sdk_client()


def test_construction_imports_no_openai_and_touches_no_network() -> None:
    code = (
        "import sys\n"
        "from autogen.oai import OpenAIWrapper\n"
        "w = OpenAIWrapper(config_list=[{'model': 'gpt-4o', 'api_key': 'sk', 'base_url': 'http://127.0.0.1:9/v1'}])\n"
        "w2 = OpenAIWrapper(config_list=[{'model': 'gpt-4o'}])  # no key: fine until the first call\n"
        "assert 'openai' not in sys.modules and 'httpx' not in sys.modules and 'httpx2' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": "/usr/bin:/bin"}, cwd=root, timeout=60)


async def test_a_create_answers_on_the_async_client(server: FakeLLMServer) -> None:
    server.add_replies("async hello")
    client = OpenAIWrapper(config_list=server.config_list)
    response = await client.a_create(messages=MESSAGES)
    assert client.extract_text_or_completion_object(response) == ["async hello"]
    assert isinstance(client._clients[0].async_sdk_client(), openai.AsyncOpenAI)
    assert client.actual_usage_summary is not None


async def test_a_create_retries_and_falls_back(server: FakeLLMServer, backup: FakeLLMServer, fast) -> None:
    server.add_replies(Fault.server_error(), Fault.rate_limit())
    backup.add_replies("backup async")
    client = OpenAIWrapper(config_list=fast(server.config_list + backup.config_list, max_retries=1))
    response = await client.a_create(messages=MESSAGES)
    assert client.extract_text_or_completion_object(response) == ["backup async"]
    assert len(server.requests) == 2

    server.add_replies(Fault.server_error(), Fault.server_error())
    backup.add_replies(Fault.server_error(), Fault.server_error())
    with pytest.raises(LLMCallError, match="attempt 2/2"):
        await client.a_create(messages=MESSAGES)


async def test_a_create_timeout_is_a_timeout_error(server: FakeLLMServer, fast) -> None:
    server.add_replies(Fault.slow(2, then="late"))
    client = OpenAIWrapper(config_list=fast(server.config_list, max_retries=0), timeout=0.2)
    with pytest.raises(TimeoutError):
        await client.a_create(messages=MESSAGES)


async def test_a_create_streams(server: FakeLLMServer, recording_stream) -> None:
    server.add_replies("streamed asynchronously, token by token")
    client = OpenAIWrapper(config_list=server.config_list)
    response = await client.a_create(messages=MESSAGES, stream=True)
    assert response.choices[0].message.content == "streamed asynchronously, token by token"
    assert len(recording_stream.events) > 1


async def test_100_concurrent_a_create_calls(server: FakeLLMServer) -> None:
    server.default_reply = lambda request: f"echo {request.messages[-1]['content']}"
    client = OpenAIWrapper(config_list=server.config_list)
    start = time.perf_counter()
    responses = await asyncio.gather(
        *(client.a_create(messages=[{"role": "user", "content": str(i)}]) for i in range(100))
    )
    elapsed = time.perf_counter() - start
    texts = [client.extract_text_or_completion_object(r)[0] for r in responses]
    assert texts == [f"echo {i}" for i in range(100)]
    assert len(server.requests) == 100
    assert client.actual_usage_summary["fake-model"]["total_tokens"] > 0
    assert elapsed < 20


def test_async_clients_are_per_event_loop(server: FakeLLMServer) -> None:
    server.default_reply = "ok"
    client = OpenAIWrapper(config_list=server.config_list)

    async def call() -> object:
        await client.a_create(messages=MESSAGES)
        return client._clients[0].async_sdk_client()

    first = asyncio.run(call())
    second = asyncio.run(call())  # a new loop: a client bound to the old one would fail here
    assert first is not second
    assert len(server.requests) == 2


async def test_a_create_with_a_custom_sync_client() -> None:
    class SyncOnly(FakeModelClient):
        a_create = None  # type: ignore[assignment]  # only the sync create: runs in a worker thread

    client = OpenAIWrapper(config_list=[{"model": "fake", "model_client_cls": "SyncOnly"}])
    client.register_model_client(SyncOnly, replies=["from a thread"])
    response = await client.a_create(messages=MESSAGES)
    assert client.extract_text_or_completion_object(response) == ["from a thread"]


def test_sync_create_works_inside_a_running_loop(server: FakeLLMServer) -> None:
    # notebooks call the sync API with a loop already running
    server.add_replies("sync in loop")
    client = OpenAIWrapper(config_list=server.config_list)

    async def main() -> list:
        return client.extract_text_or_completion_object(client.create(messages=MESSAGES))

    assert asyncio.run(main()) == ["sync in loop"]
