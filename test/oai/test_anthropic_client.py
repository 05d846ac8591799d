"""The Anthropic client through the real anthropic SDK against FakeLLMServer(dialect="anthropic"):
requests, tool calls, streaming, retries honouring retry-after, fallback to OpenAI, usage and cost,
structured output, the missing-SDK message, and the fake server's own request checks."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

pytest.importorskip("anthropic")

from pydantic import BaseModel

from autogen import OpenAIWrapper
from autogen.oai.anthropic import AnthropicClient, AnthropicLLMConfigEntry, _calculate_cost
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "claude-sonnet-4-5"
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
def claude():
    with FakeLLMServer(dialect="anthropic", model=MODEL) as server:
        yield server


def test_the_config_entry_is_importable_where_ag2_has_it():
    from autogen.llm_config.entry import AnthropicLLMConfigEntry as from_entry
    from autogen.oai import AnthropicLLMConfigEntry as from_oai

    assert AnthropicLLMConfigEntry is from_entry is from_oai
    entry = AnthropicLLMConfigEntry(model=MODEL, api_key="k", max_tokens=100)
    assert entry.model_dump()["api_type"] == "anthropic"


def test_server_config_entry_points_the_sdk_at_the_fake(claude):
    entry = claude.config_list[0]
    assert entry["api_type"] == "anthropic" and entry["base_url"] == claude.url and entry["model"] == MODEL


def test_text_reply_with_system_prompt(claude):
    claude.add_replies("Hello from Claude.")
    client = OpenAIWrapper(config_list=claude.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}])
    assert client.extract_text_or_completion_object(response) == ["Hello from Claude."]
    assert response.choices[0].finish_reason == "stop"
    sent = claude.requests[0]
    assert sent.path == "/v1/messages"
    assert "sk-ant-fake" in sent.headers.get("x-api-key", "") + sent.headers.get("authorization", "")
    assert sent.headers["user-agent"].startswith("ag2/")
    assert sent.system == "Be brief."
    assert sent.body["max_tokens"] == 4096 and sent.messages == [{"role": "user", "content": "hi"}]


def test_parallel_tool_calls_come_back_as_openai_tool_calls(claude):
    claude.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="toolu_a"), tool_call("add", {"a": 3, "b": 4})]})
    client = OpenAIWrapper(config_list=claude.config_list)
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    (message,) = client.extract_text_or_completion_object(response)
    assert [json.loads(tc.function.arguments) for tc in message.tool_calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert message.tool_calls[0].id == "toolu_a" and message.content is None
    assert response.choices[0].finish_reason == "tool_calls"
    assert claude.requests[0].body["tools"][0]["input_schema"]["properties"]["a"] == {"type": "integer"}


def test_streaming_sends_text_pieces_and_assembles_the_reply(claude, recording_stream):
    claude.add_replies("one two three four", {"tool_calls": [tool_call("add", {"a": 5, "b": 6})]})
    client = OpenAIWrapper(config_list=[{**claude.config_list[0], "stream": True}])
    response = client.create(messages=[{"role": "user", "content": "count"}])
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert claude.requests[0].body["stream"] is True
    assert response.usage.completion_tokens > 0 and response.usage.prompt_tokens > 0
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    assert json.loads(response.choices[0].message.tool_calls[0].function.arguments) == {"a": 5, "b": 6}


async def test_async_create_and_async_streaming(claude):
    claude.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=claude.config_list)
    response = await client.a_create(messages=[{"role": "user", "content": "hi"}])
    assert response.choices[0].message.content == "async answer"
    response = await client.a_create(messages=[{"role": "user", "content": "hi"}], stream=True)
    assert response.choices[0].message.content == "streamed async answer"


def test_rate_limit_is_retried_after_the_servers_retry_after(claude):
    claude.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=claude.config_list)
    start = time.monotonic()
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert response.choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3
    assert len(claude.requests) == 2


def test_overloaded_529_is_retried(claude):
    claude.add_replies(Fault.server_error(529), "recovered")
    client = OpenAIWrapper(config_list=[{**claude.config_list[0], "retry_base_delay": 0.01}])
    assert client.create(messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "recovered"


def test_auth_error_is_not_retried_and_keeps_the_sdk_type(claude):
    import anthropic

    claude.add_replies(Fault.error(401, "invalid x-api-key"), "never sent")
    client = OpenAIWrapper(config_list=claude.config_list)
    with pytest.raises(anthropic.AuthenticationError, match="invalid x-api-key"):
        client.create(messages=[{"role": "user", "content": "hi"}])
    assert len(claude.requests) == 1


def test_bad_request_is_not_retried(claude):
    import anthropic

    claude.add_replies(Fault.error(400, "prompt is too long"), "never sent")
    client = OpenAIWrapper(config_list=claude.config_list)
    with pytest.raises(anthropic.BadRequestError):
        client.create(messages=[{"role": "user", "content": "hi"}])
    assert len(claude.requests) == 1


def test_a_config_list_falls_back_from_anthropic_to_openai(claude, server):
    claude.add_replies(Fault.error(401, "bad key"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*claude.config_list, *server.config_list])
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert client.extract_text_or_completion_object(response) == ["from openai"]
    assert len(claude.requests) == 1 and len(server.requests) == 1


def test_exhausted_anthropic_retries_fall_back_too(claude, server):
    claude.add_replies(*[Fault.rate_limit(0)] * 3)
    server.add_replies("backup")
    client = OpenAIWrapper(config_list=[*claude.config_list, *server.config_list])
    assert client.create(messages=[{"role": "user", "content": "hi"}]).choices[0].message.content == "backup"
    assert len(claude.requests) == 3


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(claude):
    claude.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    client = OpenAIWrapper(config_list=claude.config_list)
    response = client.create(messages=[{"role": "user", "content": "hi"}])
    assert response.cost == pytest.approx(1000 * 0.003 / 1000 + 100 * 0.015 / 1000)
    assert client.total_usage_summary[MODEL] == {
        "cost": pytest.approx(0.0045), "prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100,
    }  # fmt: skip

    claude.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    priced = OpenAIWrapper(config_list=[{**claude.config_list[0], "price": [1.0, 2.0]}])
    assert priced.create(messages=[{"role": "user", "content": "hi"}]).cost == pytest.approx(3.0)


def test_ag2_cost_helper_and_dated_model_names():
    assert _calculate_cost(10, 25, "claude-opus-4") == pytest.approx(0.002025)
    assert _calculate_cost(1000, 0, "claude-sonnet-4-5-20250929") == pytest.approx(0.003)
    assert _calculate_cost(1000, 0, "anthropic.claude-3-5-sonnet-20240620-v1:0") == pytest.approx(0.003)
    with pytest.warns(UserWarning, match="not available"):
        assert _calculate_cost(10, 10, "claude-unknown-9") == 0.0


def test_sampling_settings_and_tool_choice_reach_the_request(claude):
    claude.add_replies("ok")
    client = OpenAIWrapper(config_list=[{**claude.config_list[0], "temperature": 0.1, "top_k": 5}])
    client.create(messages=[{"role": "user", "content": "hi"}], tools=TOOLS, tool_choice="required", stop=["END"])
    body = claude.requests[0].body
    assert body["temperature"] == 0.1 and body["top_k"] == 5 and body["stop_sequences"] == ["END"]
    assert body["tool_choice"] == {"type": "any"}


def test_connection_settings_are_neither_sent_nor_in_the_cache_key(claude, tmp_path):
    from autogen.cache import Cache

    claude.add_replies("cached")
    entry = {**claude.config_list[0], "aws_secret_key": "very-secret"}
    with Cache.disk(cache_path_root=str(tmp_path)) as cache:
        client = OpenAIWrapper(config_list=[entry])
        first = client.create(messages=[{"role": "user", "content": "hi"}], cache=cache)
        again = client.create(messages=[{"role": "user", "content": "hi"}], cache=cache)
    assert first.choices[0].message.content == again.choices[0].message.content == "cached"
    assert len(claude.requests) == 1
    assert "very-secret" not in json.dumps(claude.requests[0].body)


class Answer(BaseModel):
    value: int

    def format(self) -> str:
        return f"The answer is {self.value}."


def test_structured_output_native_on_new_models(claude):
    claude.add_replies('{"value": 42}')
    client = OpenAIWrapper(config_list=[{**claude.config_list[0], "response_format": Answer}])
    response = client.create(messages=[{"role": "user", "content": "answer"}])
    assert client.extract_text_or_completion_object(response) == ["The answer is 42."]
    schema = claude.requests[0].body["output_config"]["format"]["schema"]
    assert schema["properties"]["value"]["type"] == "integer" and schema["additionalProperties"] is False


def test_structured_output_json_mode_on_older_models():
    with FakeLLMServer(dialect="anthropic", model="claude-3-haiku-20240307") as claude:
        claude.add_replies('Sure.\n<json_response>{"value": 7}</json_response>')
        client = OpenAIWrapper(config_list=[{**claude.config_list[0], "response_format": Answer}])
        response = client.create(messages=[{"role": "user", "content": "answer"}])
        assert response.choices[0].message.content == '{"value": 7}'
        assert client.extract_text_or_completion_object(response) == ["The answer is 7."]
        assert "<json_response>" in claude.requests[0].system
        assert "output_config" not in claude.requests[0].body


def test_missing_key_fails_at_the_first_call_naming_the_variable(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    client = OpenAIWrapper(config_list=[{"api_type": "anthropic", "model": MODEL}])  # building never fails
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        client.create(messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(ValueError, match="credentials are required to use the Anthropic API."):
        AnthropicClient()
    assert AnthropicClient(api_key="k").api_key == "k"


def test_missing_sdk_names_the_extra_to_install():
    code = (
        "import sys\n"
        "sys.modules['anthropic'] = None\n"  # the import system treats None as 'not installed'
        "from autogen import OpenAIWrapper\n"
        "c = OpenAIWrapper(config_list=[{'api_type': 'anthropic', 'model': 'claude-sonnet-4-5', 'api_key': 'k'}])\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "IMPORTERROR" in out and 'pip install "ag2[anthropic]"' in out


def test_building_an_anthropic_wrapper_imports_no_sdk():
    code = (
        "import sys\nfrom autogen import OpenAIWrapper\n"
        "OpenAIWrapper(config_list=[{'api_type': 'anthropic', 'model': 'claude-sonnet-4-5', 'api_key': 'k'}])\n"
        "print('anthropic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_sdk_clients_are_shared_per_endpoint(claude):
    a = OpenAIWrapper(config_list=claude.config_list)._clients[0]
    b = OpenAIWrapper(config_list=claude.config_list)._clients[0]
    assert a.sdk_client() is b.sdk_client()


# ---- the fake server refuses what the real API refuses ----


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ([{"role": "assistant", "content": "x"}], "first message"),
        ([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], "alternate"),
        ([{"role": "user", "content": "  "}], "non-whitespace"),
        ([{"role": "user", "content": "a", "name": "bob"}], "Extra inputs"),
        (
            [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "x", "content": "1"}]}],
            "unexpected `tool_use_id`",
        ),
    ],
)
def test_the_fake_server_answers_invalid_requests_with_the_apis_400(claude, messages, error):
    import anthropic

    sdk = anthropic.Anthropic(api_key="k", base_url=claude.url, max_retries=0)
    claude.add_replies("unused")
    with pytest.raises(anthropic.BadRequestError, match=error):
        sdk.messages.create(model=MODEL, max_tokens=10, messages=messages, tools=[
            {"name": "add", "input_schema": {"type": "object"}}])  # fmt: skip
    assert claude.remaining_replies == 1


def test_the_fake_server_refuses_an_unanswered_tool_use(claude):
    import anthropic

    sdk = anthropic.Anthropic(api_key="k", base_url=claude.url, max_retries=0)
    messages = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "add", "input": {}}]},
        {"role": "user", "content": "no result"},
    ]
    with pytest.raises(anthropic.BadRequestError, match="without `tool_result`"):
        sdk.messages.create(model=MODEL, max_tokens=10, messages=messages, tools=[
            {"name": "add", "input_schema": {"type": "object"}}])  # fmt: skip
