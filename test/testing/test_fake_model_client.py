"""FakeModelClient answers in-process with ChatCompletion-shaped objects, per the ModelClient protocol."""

from __future__ import annotations

import asyncio
import json
import pickle
import time

import pytest

from autogen.testing import (
    FakeLLMError,
    FakeModelClient,
    FakeReply,
    Fault,
    RecordedRequest,
    ScriptExhaustedError,
    tool_call,
)

USER_HI = [{"role": "user", "content": "hi"}]


def test_text_reply_and_protocol_methods():
    client = FakeModelClient({"model": "fake", "model_client_cls": "FakeModelClient"}, replies=["Hello!"])
    r = client.create({"messages": USER_HI})
    assert r.model == "fake"
    assert r.choices[0].message.content == "Hello!"
    assert r.choices[0].finish_reason == "stop"
    assert client.message_retrieval(r) == ["Hello!"]
    assert client.cost(r) == 0.0
    usage = FakeModelClient.get_usage(r)
    assert set(usage) == set(FakeModelClient.RESPONSE_USAGE_KEYS)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert usage["model"] == "fake"
    assert client.calls == [{"messages": USER_HI}]


def test_tool_call_reply_returns_the_message_object():
    client = FakeModelClient({"model": "fake"}, replies=[{"tool_calls": [tool_call("add", {"a": 1}, id="c1")]}])
    r = client.create({"messages": USER_HI, "tools": []})
    (msg,) = client.message_retrieval(r)
    assert msg.tool_calls[0].function.name == "add"
    assert r.choices[0].finish_reason == "tool_calls"
    dumped = msg.model_dump()
    assert dumped["role"] == "assistant" and dumped["content"] is None and dumped["function_call"] is None
    assert dumped["tool_calls"] == [
        {"id": "c1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}
    ]
    assert "function_call" not in msg.model_dump(exclude_none=True)
    assert json.loads(r.model_dump_json())["choices"][0]["message"]["tool_calls"][0]["id"] == "c1"


def test_usage_matches_the_http_server(fake_llm, client):
    fake_llm.add_replies("same text for both")
    http = client.chat.completions.create(model="m", messages=USER_HI)
    local = FakeModelClient({"model": "m"}, replies=["same text for both"]).create({"messages": USER_HI})
    assert FakeModelClient.get_usage(local)["total_tokens"] == http.usage.total_tokens


def test_price_gives_a_cost():
    client = FakeModelClient(
        {"model": "fake", "price": [1.0, 2.0]},
        replies=[FakeReply(content="x", usage={"prompt_tokens": 1000, "completion_tokens": 500})],
    )
    r = client.create({"messages": USER_HI})
    assert client.cost(r) == pytest.approx(2.0)
    assert FakeModelClient.get_usage(r)["cost"] == pytest.approx(2.0)


def test_callables_default_and_exhaustion():
    client = FakeModelClient({"model": "fake"}, replies=[lambda req: f"{len(req.messages)} msgs"])
    assert client.create({"messages": USER_HI * 2}).choices[0].message.content == "2 msgs"
    with pytest.raises(ScriptExhaustedError, match="FakeModelClient script is exhausted"):
        client.create({"messages": USER_HI})
    client.add_replies("more")
    assert client.create({"messages": USER_HI}).choices[0].message.content == "more"
    with_default = FakeModelClient({"model": "fake"}, default_reply="always")
    assert [with_default.create({"messages": USER_HI}).choices[0].message.content for _ in range(2)] == ["always"] * 2


def test_callable_for_every_call_and_n():
    seen: list[RecordedRequest] = []
    client = FakeModelClient({"model": "fake"}, replies=lambda req: seen.append(req) or "ok")
    r = client.create({"messages": USER_HI, "n": 2})
    assert [c.message.content for c in r.choices] == ["ok", "ok"]
    assert seen[0].body["n"] == 2


def test_faults_raise_or_delay():
    client = FakeModelClient(
        {"model": "fake"}, replies=[Fault.rate_limit(), Fault.error(400, "bad"), Fault.slow(0.05, then="late")]
    )
    with pytest.raises(FakeLLMError) as err:
        client.create({"messages": USER_HI})
    assert err.value.status == 429
    with pytest.raises(FakeLLMError, match="bad"):
        client.create({"messages": USER_HI})
    start = time.perf_counter()
    assert client.create({"messages": USER_HI}).choices[0].message.content == "late"
    assert time.perf_counter() - start >= 0.05
    with pytest.raises(ValueError, match="FakeLLMServer"):
        FakeModelClient({"model": "fake"}, replies=[Fault.drop_connection()])


async def test_async_create_overlaps_delays():
    client = FakeModelClient({"model": "fake"}, default_reply="ok", delay=0.05)
    start = time.perf_counter()
    results = await asyncio.gather(*[client.a_create({"messages": USER_HI}) for _ in range(50)])
    assert time.perf_counter() - start < 1.0
    assert len(results) == 50 and len(client.calls) == 50


def test_responses_pickle_for_caches():
    r = FakeModelClient({"model": "fake"}, replies=["cache me"]).create({"messages": USER_HI})
    assert pickle.loads(pickle.dumps(r)).choices[0].message.content == "cache me"
