"""FakeLLMServer answers the real openai SDK with scripted text, tool calls and usage, and records requests."""

from __future__ import annotations

import json
import socket
import threading

import openai
import pytest

from autogen.testing import FakeLLMServer, FakeReply, RecordedRequest, tool_call

USER_HI = [{"role": "user", "content": "hi"}]


def test_plain_reply_is_a_real_chat_completion(fake_llm, client):
    fake_llm.add_replies("Hello there!")
    r = client.chat.completions.create(model="gpt-test", messages=USER_HI)
    assert r.id.startswith("chatcmpl-")
    assert r.object == "chat.completion"
    assert r.model == "gpt-test"  # the request's model is echoed
    assert r.choices[0].message.role == "assistant"
    assert r.choices[0].message.content == "Hello there!"
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens
    assert r.usage.completion_tokens == 3  # ceil(12 chars / 4)


def test_usage_is_deterministic_and_overridable(fake_llm, client):
    fake_llm.add_replies("same", "same", FakeReply(content="x", usage={"prompt_tokens": 100, "completion_tokens": 7}))
    a = client.chat.completions.create(model="m", messages=USER_HI)
    b = client.chat.completions.create(model="m", messages=USER_HI)
    assert a.usage.model_dump() == b.usage.model_dump()
    longer = client.chat.completions.create(model="m", messages=USER_HI * 3)
    assert (longer.usage.prompt_tokens, longer.usage.completion_tokens, longer.usage.total_tokens) == (100, 7, 107)


def test_tool_calls_are_parsed_by_the_sdk(fake_llm, client):
    fake_llm.add_replies(
        {"content": None, "tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1"), tool_call("now", "")]}
    )
    r = client.chat.completions.create(
        model="m",
        messages=USER_HI,
        tools=[{"type": "function", "function": {"name": "add", "parameters": {"type": "object", "properties": {}}}}],
    )
    msg = r.choices[0].message
    assert r.choices[0].finish_reason == "tool_calls"
    assert msg.content is None
    assert msg.tool_calls[0].id == "call_1"
    assert msg.tool_calls[0].function.name == "add"
    assert json.loads(msg.tool_calls[0].function.arguments) == {"a": 1, "b": 2}
    assert msg.tool_calls[1].id.startswith("call_") and msg.tool_calls[1].function.arguments == ""


def test_malformed_tool_arguments_are_sent_verbatim(fake_llm, client):
    fake_llm.add_replies(FakeReply(tool_calls=[tool_call("add", '{"a": 1,')]))
    r = client.chat.completions.create(model="m", messages=USER_HI)
    assert r.choices[0].message.tool_calls[0].function.arguments == '{"a": 1,'


def test_legacy_function_call(fake_llm, client):
    fake_llm.add_replies({"function_call": {"name": "f", "arguments": {"x": 1}}})
    r = client.chat.completions.create(model="m", messages=USER_HI)
    assert r.choices[0].finish_reason == "function_call"
    assert r.choices[0].message.function_call.name == "f"
    assert json.loads(r.choices[0].message.function_call.arguments) == {"x": 1}


def test_n_choices(fake_llm, client):
    fake_llm.add_replies("same answer")
    r = client.chat.completions.create(model="m", messages=USER_HI, n=3)
    assert [c.index for c in r.choices] == [0, 1, 2]
    assert {c.message.content for c in r.choices} == {"same answer"}


def test_replies_are_consumed_in_order_then_default(client):
    with FakeLLMServer(["one", "two"], default_reply="fallback") as server:
        c = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        got = [c.chat.completions.create(model="m", messages=USER_HI).choices[0].message.content for _ in range(4)]
        c.close()
    assert got == ["one", "two", "fallback", "fallback"]


def test_script_exhaustion_is_a_400_saying_so(fake_llm, client):
    fake_llm.add_replies("only one")
    client.chat.completions.create(model="m", messages=USER_HI)
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="m", messages=USER_HI)
    text = str(err.value)
    assert "script is exhausted" in text
    assert "first 1 requests" in text and "default_reply" in text
    fake_llm.add_replies("more")  # the server keeps working after that
    assert client.chat.completions.create(model="m", messages=USER_HI).choices[0].message.content == "more"


def test_requests_are_recorded(fake_llm, client):
    fake_llm.add_replies("a", "b")
    client.chat.completions.create(model="m1", messages=USER_HI, temperature=0.5)
    client.chat.completions.create(model="m2", messages=[{"role": "system", "content": "s"}, *USER_HI])
    reqs = fake_llm.requests
    assert [r.path for r in reqs] == ["/v1/chat/completions"] * 2
    assert reqs[0].body["temperature"] == 0.5 and reqs[0].model == "m1"
    assert reqs[1].messages[0] == {"role": "system", "content": "s"}
    assert reqs[0].headers["authorization"] == "Bearer sk-fake"
    fake_llm.clear_requests()
    assert fake_llm.requests == []


def test_callable_replies_see_the_request(fake_llm, client):
    def echo(req: RecordedRequest) -> str:
        return "echo: " + req.messages[-1]["content"]

    fake_llm.add_replies(echo, lambda req: {"tool_calls": [tool_call("f", {"n": len(req.messages)})]})
    assert client.chat.completions.create(model="m", messages=USER_HI).choices[0].message.content == "echo: hi"
    r = client.chat.completions.create(model="m", messages=USER_HI * 2)
    assert json.loads(r.choices[0].message.tool_calls[0].function.arguments) == {"n": 2}


def test_one_callable_answers_every_request(client):
    with FakeLLMServer(lambda req: f"#{len(req.messages)}") as server:
        c = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        assert [
            c.chat.completions.create(model="m", messages=USER_HI * k).choices[0].message.content for k in (1, 2, 3)
        ] == ["#1", "#2", "#3"]
        c.close()


async def test_async_callable_reply(fake_llm, aclient):
    async def later(req):
        return "awaited"

    fake_llm.add_replies(later)
    r = await aclient.chat.completions.create(model="m", messages=USER_HI)
    assert r.choices[0].message.content == "awaited"


def test_failing_callable_is_a_500_and_server_survives(fake_llm, client):
    def boom(req):
        raise ValueError("no answer for you")

    fake_llm.add_replies(boom, "still alive")
    with pytest.raises(openai.InternalServerError) as err:
        client.chat.completions.create(model="m", messages=USER_HI)
    assert "ValueError: no answer for you" in str(err.value)
    assert isinstance(fake_llm.errors[0], ValueError)
    assert client.chat.completions.create(model="m", messages=USER_HI).choices[0].message.content == "still alive"


def test_models_listing(fake_llm, client):
    assert [m.id for m in client.models.list()] == [fake_llm.model]
    assert client.models.retrieve(fake_llm.model).id == fake_llm.model
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("nope")


def test_unknown_path_and_missing_messages(fake_llm):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(fake_llm.url + "/v1/embeddings", data=b"{}")
    assert err.value.code == 404
    assert "chat/completions" in json.loads(err.value.read())["error"]["message"]
    req = urllib.request.Request(
        fake_llm.url + "/chat/completions", data=b'{"model": "m"}', headers={"content-type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req)
    assert err.value.code == 400
    assert "messages" in json.loads(err.value.read())["error"]["message"]
    assert fake_llm.remaining_replies == 0


def test_chunked_request_body_and_unprefixed_path(fake_llm):
    fake_llm.add_replies("chunked ok")
    body = json.dumps({"model": "m", "messages": USER_HI}).encode()
    with socket.create_connection(("127.0.0.1", fake_llm.port)) as s:
        s.sendall(
            b"POST /chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n" + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        )
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(payload)["choices"][0]["message"]["content"] == "chunked ok"


def test_config_helpers(fake_llm):
    assert fake_llm.base_url == f"http://127.0.0.1:{fake_llm.port}/v1"
    assert fake_llm.config_list == [
        {"model": "fake-model", "api_key": "sk-fake", "base_url": fake_llm.base_url, "price": [0.0, 0.0]}
    ]
    cfg = fake_llm.llm_config
    cfg["config_list"].append({"model": "other"})
    assert fake_llm.llm_config == {"config_list": fake_llm.config_list}  # a fresh dict each time


def test_bad_replies_fail_at_the_call_site(fake_llm):
    with pytest.raises(ValueError, match="unknown"):
        fake_llm.add_replies({"contnet": "typo"})
    with pytest.raises(TypeError, match="Cannot use int"):
        fake_llm.add_replies(42)
    with pytest.raises(TypeError, match="function"):
        fake_llm.add_replies({"tool_calls": [{"name": "f"}]})


def test_start_stop_is_prompt_and_frees_the_port():
    for _ in range(20):
        server = FakeLLMServer(["x"]).start()
        port = server.port
        with socket.create_connection(("127.0.0.1", port)):  # an idle keep-alive connection stays open
            server.stop()
        server.stop()  # twice is harmless
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    leftover = [t for t in threading.enumerate() if t.name.startswith("FakeLLMServer-")]
    assert leftover == []


def test_busy_port_gives_a_clear_error(fake_llm):
    with pytest.raises(RuntimeError, match="could not listen"):
        FakeLLMServer(port=fake_llm.port).start()


def test_pytest_fixture_gives_a_started_empty_server(fake_llm):
    assert isinstance(fake_llm, FakeLLMServer)
    assert fake_llm.port and fake_llm.remaining_replies == 0
    with socket.create_connection(("127.0.0.1", fake_llm.port), timeout=1):
        pass
