"""The Gemini client through the real google-genai SDK against FakeLLMServer(dialect="gemini"): text,
tool calls, streaming, async, retries honouring retry-after, fallback to OpenAI, usage and cost, the
missing-SDK message, and the fake server's own request checks."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

pytest.importorskip("google.genai")

from autogen import OpenAIWrapper
from autogen.oai.gemini import GeminiClient, GeminiLLMConfigEntry, calculate_gemini_cost
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "gemini-2.5-flash"
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two numbers.",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
        },
    }
]


@pytest.fixture
def gemini():
    with FakeLLMServer(dialect="gemini", model=MODEL) as server:
        yield server


def test_the_config_entry_is_importable_where_ag2_has_it():
    from autogen.llm_config.entry import GeminiLLMConfigEntry as from_config
    from autogen.oai import GeminiLLMConfigEntry as from_oai

    assert GeminiLLMConfigEntry is from_config is from_oai
    assert GeminiLLMConfigEntry(model=MODEL, api_key="k").model_dump()["api_type"] == "google"


def test_text_reply_with_system_instruction(gemini):
    gemini.add_replies("Hello from Gemini.")
    client = OpenAIWrapper(config_list=gemini.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}])
    assert client.extract_text_or_completion_object(response) == ["Hello from Gemini."]
    assert response.choices[0].finish_reason == "stop"
    sent = gemini.requests[0]
    assert sent.path.endswith(f"/models/{MODEL}:generateContent")
    assert sent.headers["x-goog-api-key"] == "fake-gemini-key"
    assert "ag2/" in sent.headers["x-goog-api-client"]
    assert sent.body["systemInstruction"]["parts"] == [{"text": "Be brief."}]
    assert sent.body["contents"] == [{"role": "user", "parts": [{"text": "hi"}]}]


def test_parallel_tool_calls_come_back_as_openai_tool_calls(gemini):
    gemini.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]})
    client = OpenAIWrapper(config_list=gemini.config_list)
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS, temperature=0.1)
    (message,) = client.extract_text_or_completion_object(response)
    assert [json.loads(tc.function.arguments) for tc in message.tool_calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert len({tc.id for tc in message.tool_calls}) == 2 and message.content == ""  # ag2 gives "" with calls
    assert response.choices[0].finish_reason == "tool_calls"
    body = gemini.requests[0].body
    declaration = body["tools"][0]["functionDeclarations"][0]
    assert declaration["name"] == "add" and declaration["parameters"]["properties"]["a"]["type"] in (
        "INTEGER",
        "integer",
    )
    assert body["generationConfig"]["temperature"] == 0.1


def test_streaming_sends_text_pieces_and_assembles_the_reply(gemini, recording_stream):
    gemini.add_replies("one two three four", {"tool_calls": [tool_call("add", {"a": 5, "b": 6})]})
    client = OpenAIWrapper(config_list=[{**gemini.config_list[0], "stream": True}])
    response = client.create(messages=[{"role": "user", "content": "count"}])
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert gemini.requests[0].path.endswith(":streamGenerateContent") and "alt=sse" in gemini.requests[0].query
    assert response.usage.completion_tokens > 0 and response.usage.prompt_tokens > 0
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    assert json.loads(response.choices[0].message.tool_calls[0].function.arguments) == {"a": 5, "b": 6}


async def test_async_create_and_async_streaming(gemini):
    gemini.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=gemini.config_list)
    response = await client.a_create(messages=[{"role": "user", "content": "hi"}])
    assert response.choices[0].message.content == "async answer"
    response = await client.a_create(messages=[{"role": "user", "content": "hi"}], stream=True)
    assert response.choices[0].message.content == "streamed async answer"


def test_rate_limit_is_retried_after_the_servers_retry_after(gemini):
    gemini.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=gemini.config_list)
    start = time.monotonic()
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert response.choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3
    assert len(gemini.requests) == 2


def test_server_error_is_retried(gemini):
    gemini.add_replies(Fault.server_error(503), "recovered")
    client = OpenAIWrapper(config_list=[{**gemini.config_list[0], "retry_base_delay": 0.01}])
    assert client.create(messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "recovered"


@pytest.mark.parametrize("status", [400, 401, 403])
def test_client_errors_are_not_retried_and_keep_the_sdk_type(gemini, status):
    from google.genai import errors

    gemini.add_replies(Fault.error(status, "API key not valid"), "never sent")
    client = OpenAIWrapper(config_list=gemini.config_list)
    with pytest.raises(errors.ClientError, match="API key not valid") as info:
        client.create(messages=[{"role": "user", "content": "hi"}])
    assert info.value.code == status
    assert len(gemini.requests) == 1


def test_a_config_list_falls_back_from_gemini_to_openai(gemini, server):
    gemini.add_replies(Fault.error(403, "permission denied"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*gemini.config_list, *server.config_list])
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert client.extract_text_or_completion_object(response) == ["from openai"]
    assert len(gemini.requests) == 1 and len(server.requests) == 1


def test_exhausted_gemini_retries_fall_back_too(gemini, server):
    gemini.add_replies(*[Fault.rate_limit(0)] * 3)
    server.add_replies("backup")
    client = OpenAIWrapper(config_list=[*gemini.config_list, *server.config_list])
    assert client.create(messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "backup"
    assert len(gemini.requests) == 3


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(gemini):
    gemini.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    client = OpenAIWrapper(config_list=gemini.config_list)
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert response.cost == pytest.approx((1000 * 0.3 + 100 * 2.5) / 1e6)
    assert client.total_usage_summary[MODEL]["total_tokens"] == 1100

    gemini.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    priced = OpenAIWrapper(config_list=[{**gemini.config_list[0], "price": [1.0, 2.0]}])
    assert priced.create(messages=[{"role": "user", "content": "hi"}]).cost == pytest.approx(3.0)


def test_ag2_cost_helper():
    assert calculate_gemini_cost(False, 100_000, 0, "gemini-2.5-pro") == pytest.approx(0.125)
    assert calculate_gemini_cost(False, 300_000, 0, "gemini-2.5-pro") == pytest.approx(0.75)  # > 200K: 2.5/M
    assert calculate_gemini_cost(False, 0, 1_000_000, "gemini-2.5-flash-lite-preview-06-17") == pytest.approx(0.4)
    with pytest.warns(UserWarning, match="not implemented"):
        assert calculate_gemini_cost(False, 10, 10, "gemini-unknown-9") == 0.0


def test_missing_key_fails_at_the_first_call_naming_the_variable(monkeypatch):
    monkeypatch.delenv("GOOGLE_GEMINI_API_KEY", raising=False)
    client = OpenAIWrapper(config_list=[{"api_type": "google", "model": MODEL}])  # building never fails
    with pytest.raises(ValueError, match="GOOGLE_GEMINI_API_KEY"):
        client.create(messages=[{"role": "user", "content": "hi"}])
    assert GeminiClient(api_key="k").api_key == "k"


def test_missing_sdk_names_the_extra_to_install():
    code = (
        "import sys\n"
        "sys.modules['google.genai'] = None\n"
        "from autogen import OpenAIWrapper\n"
        "c = OpenAIWrapper(config_list=[{'api_type': 'google', 'model': 'gemini-2.5-flash', 'api_key': 'k'}])\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "IMPORTERROR" in out and 'pip install "ag2[gemini]"' in out


def test_building_a_gemini_wrapper_imports_no_sdk():
    code = (
        "import sys\nfrom autogen import OpenAIWrapper\n"
        "OpenAIWrapper(config_list=[{'api_type': 'google', 'model': 'gemini-2.5-flash', 'api_key': 'k'}])\n"
        "print('google.genai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_sdk_clients_are_shared_per_endpoint(gemini):
    a = OpenAIWrapper(config_list=gemini.config_list)._clients[0]
    b = OpenAIWrapper(config_list=gemini.config_list)._clients[0]
    assert a.sdk_client() is b.sdk_client()


@pytest.mark.parametrize(
    ("contents", "error"),
    [
        ([{"role": "assistant", "parts": [{"text": "x"}]}], "valid role"),
        ([{"role": "user", "parts": []}], "must not be empty"),
        ([{"role": "user", "parts": [{"text": ""}]}], "empty text"),
        (
            [{"role": "user", "parts": [{"functionResponse": {"name": "add", "response": {}}}]}],
            "function response turn",
        ),
    ],
)
def test_the_fake_server_answers_invalid_requests_with_the_apis_400(gemini, contents, error):
    import httpx

    gemini.add_replies("unused")
    r = httpx.post(f"{gemini.url}/v1beta/models/{MODEL}:generateContent", json={"contents": contents})
    assert r.status_code == 400 and error in r.json()["error"]["message"]
    assert r.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert gemini.remaining_replies == 1


def test_gemini_3_thought_signatures_go_back_with_the_calls_even_through_another_client():
    with FakeLLMServer(dialect="gemini", model="gemini-3-flash") as gemini3:
        gemini3.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]})
        client = OpenAIWrapper(config_list=gemini3.config_list)
        response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
        calls = response.choices[0].message.tool_calls
        assert calls[0].thought_signature and getattr(calls[1], "thought_signature", None) is None
        history = [
            {"role": "user", "content": "add"},
            {"role": "assistant", "content": "", "tool_calls": [c.model_dump() for c in calls]},
            {"role": "tool", "tool_call_id": calls[0].id, "content": "3"},
            {"role": "tool", "tool_call_id": calls[1].id, "content": "7"},
        ]
        for wrapper in (client, OpenAIWrapper(config_list=gemini3.config_list)):  # same agent, another agent
            gemini3.add_replies("3 and 7")
            assert wrapper.create(messages=history, tools=TOOLS).choices[0].message.content == "3 and 7"
            sent = gemini3.requests[-1].body["contents"][1]["parts"]
            assert sent[0]["thoughtSignature"] == calls[0].thought_signature and "thoughtSignature" not in sent[1]


def test_vertex_ai_streams_and_needs_a_project_or_credentials(monkeypatch):
    from google.oauth2.credentials import Credentials

    monkeypatch.delenv("GOOGLE_GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with FakeLLMServer(["streamed from vertex"], dialect="gemini", model=MODEL) as gemini:
        entry = {"api_type": "google", "model": MODEL, "project_id": "p", "location": "europe-west4",
                 "credentials": Credentials(token="t"), "base_url": gemini.url, "stream": True}  # fmt: skip
        response = OpenAIWrapper(config_list=[entry]).create(messages=[{"role": "user", "content": "hi"}])
        assert response.choices[0].message.content == "streamed from vertex"
        assert gemini.requests[0].path == (
            f"/v1beta1/projects/p/locations/europe-west4/publishers/google/models/{MODEL}:streamGenerateContent"
        )
    client = OpenAIWrapper(config_list=[{"api_type": "google_vertex", "model": MODEL}])
    with pytest.raises(ValueError, match="project_id"):
        client.create(messages=[{"role": "user", "content": "hi"}])


def test_an_api_key_with_a_vertex_project_is_refused_as_ag2_refuses_it():
    from autogen.oai.gemini import GeminiConfigError

    with pytest.raises(AssertionError, match="cannot be set when using an API Key"):
        GeminiClient(api_key="k", project_id="p")
    client = OpenAIWrapper(config_list=[{"api_type": "google", "model": MODEL, "api_key": "k", "location": "eu"}])
    with pytest.raises(GeminiConfigError):  # a ValueError too; building the wrapper did not fail
        client.create(messages=[{"role": "user", "content": "hi"}])
