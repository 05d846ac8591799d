"""Chat requests are posted directly through the SDK client (skipping create()'s per-message transform)."""

from __future__ import annotations

import functools

from autogen import OpenAIWrapper
from autogen.oai import _direct_post
from autogen.testing import FakeLLMServer


def test_requests_bypass_sdk_create_but_keep_its_behaviour(monkeypatch):
    from openai.resources.chat.completions import Completions

    @functools.wraps(Completions.create)  # keeps the signature the request builder reads
    def refuse(*args, **kwargs):
        raise AssertionError("chat.completions.create should not be called")

    monkeypatch.setattr(Completions, "create", refuse)
    with FakeLLMServer(["plain", "streamed reply"]) as server:
        wrapper = OpenAIWrapper(config_list=[dict(server.config_list[0], price=[0, 0])])
        messages = [{"role": "user", "content": "hi", "name": "u"}]
        assert wrapper.extract_text_or_completion_object(wrapper.create(messages=messages, temperature=0)) == ["plain"]
        streamed = wrapper.create(messages=messages, stream=True)
        assert wrapper.extract_text_or_completion_object(streamed) == ["streamed reply"]
        first = server.requests[0]
        assert first.body["messages"] == messages and first.body["temperature"] == 0
        assert first.headers["authorization"] == "Bearer sk-fake"
    assert _direct_post._DIRECT_POST["enabled"] is True


def test_the_private_sdk_surface_direct_posting_relies_on():
    """What autogen/oai/_direct_post.py uses of the SDK's private API, pinned so an SDK upgrade that
    changes it is noticed here (the code itself would fall back to create() at the first failure)."""
    import inspect

    from openai import AsyncOpenAI, OpenAI
    from openai._base_client import make_request_options

    for client_cls in (OpenAI, AsyncOpenAI):
        params = inspect.signature(client_cls.post).parameters
        assert {"path", "cast_to", "body", "options", "stream", "stream_cls"} <= params.keys()
    assert {"extra_headers", "extra_query", "timeout"} <= inspect.signature(make_request_options).parameters.keys()
    assert _direct_post._is_async_client(AsyncOpenAI) and not _direct_post._is_async_client(OpenAI)
