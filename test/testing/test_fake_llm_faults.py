"""Each scripted Fault makes the real openai SDK raise the exception a user of a real API would see."""

from __future__ import annotations

import json
import time

import openai
import pytest

from autogen.testing import FakeLLMServer, Fault

USER_HI = [{"role": "user", "content": "hi"}]


def ask(client, **kw):
    return client.chat.completions.create(model="m", messages=USER_HI, **kw)


def test_rate_limit(fake_llm, client):
    fake_llm.add_replies(Fault.rate_limit(retry_after=0.25))
    with pytest.raises(openai.RateLimitError) as err:
        ask(client)
    assert err.value.status_code == 429
    assert err.value.response.headers["retry-after"] == "0.25"
    body = err.value.body
    assert body["code"] == "rate_limit_exceeded" and "Rate limit" in body["message"] and body["type"]


def test_sdk_retries_honour_retry_after(fake_llm):
    fake_llm.add_replies(Fault.rate_limit(retry_after=0.01), Fault.server_error(), "finally")
    c = openai.OpenAI(base_url=fake_llm.base_url, api_key="sk-fake", max_retries=2)
    start = time.perf_counter()
    assert ask(c).choices[0].message.content == "finally"
    c.close()
    assert len(fake_llm.requests) == 3
    assert [r.headers["x-stainless-retry-count"] for r in fake_llm.requests] == ["0", "1", "2"]
    assert time.perf_counter() - start < 3


def test_server_error(fake_llm, client):
    fake_llm.add_replies(Fault.server_error(), Fault.server_error(503))
    with pytest.raises(openai.InternalServerError) as err:
        ask(client)
    assert err.value.status_code == 500
    with pytest.raises(openai.InternalServerError) as err:
        ask(client)
    assert err.value.status_code == 503


def test_generic_error_status_and_message(fake_llm, client):
    fake_llm.add_replies(Fault.error(401, "Incorrect API key provided"), Fault.error(400, "context too long"))
    with pytest.raises(openai.AuthenticationError, match="Incorrect API key"):
        ask(client)
    with pytest.raises(openai.BadRequestError, match="context too long"):
        ask(client)


def test_slow_reply_times_out_the_client(fake_llm):
    fake_llm.add_replies(Fault.slow(1.0, then="too late"), "on time")
    c = openai.OpenAI(base_url=fake_llm.base_url, api_key="sk-fake", max_retries=0, timeout=0.2)
    start = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        ask(c)
    assert time.perf_counter() - start < 0.9
    assert ask(c).choices[0].message.content == "on time"  # the server is not blocked by the slow request
    c.close()


def test_slow_reply_answers_when_the_client_waits(fake_llm, client):
    fake_llm.add_replies(Fault.slow(0.1, then={"content": "eventually"}))
    start = time.perf_counter()
    assert ask(client).choices[0].message.content == "eventually"
    assert time.perf_counter() - start >= 0.1


async def test_slow_reply_times_out_the_async_client(fake_llm):
    fake_llm.add_replies(Fault.slow(1.0))
    c = openai.AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-fake", max_retries=0, timeout=0.2)
    with pytest.raises(openai.APITimeoutError):
        await c.chat.completions.create(model="m", messages=USER_HI)
    await c.close()


def test_drop_connection(fake_llm, client):
    fake_llm.add_replies(Fault.drop_connection(), "after the drop")
    with pytest.raises(openai.APIConnectionError) as err:
        ask(client)
    assert not isinstance(err.value, openai.APITimeoutError)
    assert ask(client).choices[0].message.content == "after the drop"


def test_malformed_json(fake_llm, client):
    fake_llm.add_replies(Fault.malformed_json(), Fault.malformed_json())
    with pytest.raises(json.JSONDecodeError):
        ask(client)
    with pytest.raises(json.JSONDecodeError):
        list(ask(client, stream=True))


def test_a_fault_uses_one_script_slot(fake_llm, client):
    fake_llm.add_replies(Fault.server_error(), "next")
    with pytest.raises(openai.InternalServerError):
        ask(client)
    assert ask(client).choices[0].message.content == "next"
    assert fake_llm.remaining_replies == 0


def test_server_wide_delay():
    with FakeLLMServer(default_reply="ok", delay=0.1) as server:
        c = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
        start = time.perf_counter()
        ask(c)
        assert time.perf_counter() - start >= 0.1
        c.close()


def test_stop_during_a_slow_request_is_prompt():
    import threading

    server = FakeLLMServer([Fault.slow(30)]).start()
    c = openai.OpenAI(base_url=server.base_url, api_key="sk-fake", max_retries=0)
    errors: list[BaseException] = []

    def call():
        try:
            ask(c)
        except BaseException as e:  # noqa: BLE001 - the test checks which error the client saw
            errors.append(e)

    t = threading.Thread(target=call)
    t.start()
    while not server.requests:
        time.sleep(0.01)
    start = time.perf_counter()
    server.stop()
    t.join(5)
    assert time.perf_counter() - start < 2
    assert isinstance(errors[0], openai.APIConnectionError)
    c.close()


def test_bad_fault_arguments_are_refused():
    with pytest.raises(ValueError, match="5xx"):
        Fault.server_error(404)
    with pytest.raises(ValueError, match="400-599"):
        Fault.error(200, "fine")
    with pytest.raises(ValueError):
        Fault.rate_limit(retry_after=-1)
