"""The Bedrock client through the real boto3 SDK against FakeLLMServer(dialect="bedrock") (the Converse
API): requests, tool calls, images, retries and error classes, fallback, usage and cost, structured
output, the missing-SDK message, and the fake server's own request checks. Then Claude on Bedrock
(api_type="anthropic" with AWS credentials) through the anthropic SDK's AnthropicBedrock client against
FakeLLMServer(dialect="anthropic_bedrock"), streaming in the AWS event-stream framing."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import pytest

pytest.importorskip("boto3")

from pydantic import BaseModel

from autogen import OpenAIWrapper
from autogen.oai.bedrock import BedrockClient, BedrockLLMConfigEntry, calculate_cost
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "anthropic.claude-3-5-sonnet-20241022-v2:0"
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
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
def bedrock():
    with FakeLLMServer(dialect="bedrock", model=MODEL) as server:
        yield server


def quick(server, **extra):
    return OpenAIWrapper(config_list=[{**server.config_list[0], "retry_base_delay": 0.01, **extra}])


# ---- the config entry ----


def test_the_config_entry_hides_the_aws_secrets_and_checks_the_price():
    from autogen.llm_config.entry import BedrockLLMConfigEntry as from_entry
    from autogen.oai import BedrockLLMConfigEntry as from_oai

    assert BedrockLLMConfigEntry is from_entry is from_oai
    entry = BedrockLLMConfigEntry(model=MODEL, aws_region="us-east-1", aws_access_key="AK", aws_secret_key="SK")
    assert "SK" not in repr(entry) and "aws_secret_key='**********'" in repr(entry)
    dumped = entry.model_dump()
    assert dumped["aws_secret_key"] == "SK" and dumped["mode"] == "standard" and dumped["total_max_attempts"] == 5
    assert entry["aws_access_key"] == "AK"
    with pytest.raises(ValueError, match="at least 2 items"):
        BedrockLLMConfigEntry(model=MODEL, aws_region="us-east-1", price=[0.1])


def test_the_servers_entry_points_boto3_at_it(bedrock):
    entry = bedrock.config_list[0]
    assert entry["api_type"] == "bedrock" and entry["base_url"] == bedrock.url and entry["model"] == MODEL
    assert entry["aws_region"] and entry["aws_access_key"] and entry["aws_secret_key"]


# ---- requests and replies ----


def test_text_reply_with_system_prompt_and_a_signed_request(bedrock):
    bedrock.add_replies("Hello from Bedrock.")
    client = OpenAIWrapper(config_list=bedrock.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, *HI])
    assert client.extract_text_or_completion_object(response) == ["Hello from Bedrock."]
    assert response.choices[0].finish_reason == "stop" and response.model == MODEL
    sent = bedrock.requests[0]
    assert sent.path == "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse" and sent.model == MODEL
    assert sent.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAFAKE")
    assert "ag2/" in sent.headers["user-agent"]
    assert sent.body == {"messages": [{"role": "user", "content": [{"text": "hi"}]}], "system": [{"text": "Be brief."}]}
    assert response.id == sent.headers.get("x-amzn-requestid", response.id)  # the id of the AWS response


def test_parallel_tool_calls_and_their_results_round_trip(bedrock):
    bedrock.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="tooluse_a"), tool_call("add", {"a": 3, "b": 4})]},
        "3 and 7",
    )
    client = OpenAIWrapper(config_list=bedrock.config_list)
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    (message,) = client.extract_text_or_completion_object(response)
    assert [json.loads(tc.function.arguments) for tc in message.tool_calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert message.tool_calls[0].id == "tooluse_a" and message.content is None
    assert response.choices[0].finish_reason == "tool_calls"
    spec = bedrock.requests[0].body["toolConfig"]["tools"][0]["toolSpec"]
    assert spec["name"] == "add" and spec["inputSchema"]["json"]["properties"]["a"] == {"type": "integer"}

    history = [
        {"role": "user", "content": "add"},
        {"role": "assistant", "content": None, "tool_calls": [tc.model_dump() for tc in message.tool_calls]},
        *[{"role": "tool", "tool_call_id": tc.id, "content": str(n)} for tc, n in zip(message.tool_calls, (3, 7))],
    ]
    assert client.create(messages=history, tools=TOOLS).choices[0].message.content == "3 and 7"
    turns = bedrock.requests[1].body["messages"]
    assert [m["role"] for m in turns] == ["user", "assistant", "user"]
    uses = [b["toolUse"]["toolUseId"] for b in turns[1]["content"]]
    assert uses == [b["toolResult"]["toolUseId"] for b in turns[2]["content"]]


def test_inference_settings_model_fields_and_tool_choice_reach_the_request(bedrock):
    bedrock.add_replies("ok")
    entry = {**bedrock.config_list[0], "temperature": 0.2, "top_p": 0.9, "max_tokens": 50, "top_k": 5,
             "additional_model_request_fields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}}  # fmt: skip
    client = OpenAIWrapper(config_list=[entry])
    client.create(messages=HI, tools=TOOLS, tool_choice="required", stop=["END"])
    body = bedrock.requests[0].body
    assert body["inferenceConfig"] == {"temperature": 0.2, "topP": 0.9, "maxTokens": 50, "stopSequences": ["END"]}
    assert body["additionalModelRequestFields"] == {"top_k": 5, "thinking": {"type": "enabled", "budget_tokens": 1024}}
    assert body["toolConfig"]["toolChoice"] == {"any": {}}
    assert not {"aws_region", "aws_secret_key", "base_url", "timeout"} & set(json.dumps(body).split('"'))


def test_models_without_system_prompts_get_it_as_a_user_turn(bedrock):
    bedrock.add_replies("ok")
    client = OpenAIWrapper(config_list=[{**bedrock.config_list[0], "supports_system_prompts": False}])
    client.create(messages=[{"role": "system", "content": "Rules."}, *HI])
    body = bedrock.requests[0].body
    assert "system" not in body and body["messages"][0] == {"role": "user", "content": [{"text": "Rules."}]}
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]


def test_images_are_sent_as_base64_bytes(bedrock):
    png = b"\x89PNG\r\n\x1a\nfake"
    bedrock.add_replies("a picture")
    client = OpenAIWrapper(config_list=bedrock.config_list)
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    client.create(messages=[{"role": "user", "content": [{"type": "text", "text": "what?"},
                                                         {"type": "image_url", "image_url": {"url": url}}]}])  # fmt: skip
    image = bedrock.requests[0].body["messages"][0]["content"][1]["image"]
    assert image["format"] == "png" and base64.b64decode(image["source"]["bytes"]) == png


def test_streaming_is_not_supported_as_in_ag2(bedrock):
    bedrock.add_replies("whole answer")
    client = OpenAIWrapper(config_list=bedrock.config_list)
    with pytest.warns(UserWarning, match="Streaming is not currently supported"):
        response = client.create(messages=HI, stream=True)
    assert response.choices[0].message.content == "whole answer"
    assert bedrock.requests[0].path.endswith("/converse")


async def test_async_create_runs_boto3_off_the_loop(bedrock):
    bedrock.add_replies("async answer")
    client = OpenAIWrapper(config_list=bedrock.config_list)
    response = await client.a_create(messages=HI)
    assert response.choices[0].message.content == "async answer"


# ---- errors, retries and fallback ----


def test_throttling_is_retried_after_the_servers_retry_after(bedrock):
    bedrock.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=bedrock.config_list)
    start = time.monotonic()
    assert client.create(messages=HI).choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3 and len(bedrock.requests) == 2


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_by_the_wrapper_not_by_botocore(bedrock, status):
    bedrock.add_replies(Fault.server_error(status), "recovered")
    assert quick(bedrock).create(messages=HI).choices[0].message.content == "recovered"
    bedrock.add_replies(Fault.server_error(status), "unused")
    with pytest.raises(Exception, match="InternalServerException|ServiceUnavailableException"):
        quick(bedrock, max_retries=0).create(messages=HI)
    assert len(bedrock.requests) == 3  # botocore made one attempt each time


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "UnrecognizedClientException"), (403, "AccessDeniedException"), (400, "ValidationException"),
     (404, "ResourceNotFoundException")],
)  # fmt: skip
def test_auth_and_request_errors_fail_at_once_with_botocores_error(bedrock, status, code):
    from botocore.exceptions import ClientError

    bedrock.add_replies(Fault.error(status, "no way"), "never sent")
    with pytest.raises(ClientError, match="no way") as info:
        quick(bedrock).create(messages=HI)
    assert info.value.response["Error"]["Code"] == code
    assert len(bedrock.requests) == 1


def test_a_dropped_connection_and_a_malformed_body_are_retried(bedrock):
    bedrock.add_replies(Fault.drop_connection(), Fault.malformed_json(), "third time")
    assert quick(bedrock).create(messages=HI).choices[0].message.content == "third time"
    assert len(bedrock.requests) == 3


def test_a_slow_model_times_out(bedrock):
    from autogen.oai.errors import LLMTimeoutError

    bedrock.add_replies(Fault.slow(3, "late"))
    with pytest.raises(LLMTimeoutError):
        quick(bedrock, timeout=1, max_retries=0).create(messages=HI)


def test_a_config_list_falls_back_from_bedrock_to_openai(bedrock, server):
    bedrock.add_replies(Fault.error(403, "denied"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*bedrock.config_list, *server.config_list])
    assert client.extract_text_or_completion_object(client.create(messages=HI)) == ["from openai"]
    assert len(bedrock.requests) == 1 and len(server.requests) == 1


def test_a_missing_region_fails_at_the_first_call(monkeypatch):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    client = OpenAIWrapper(config_list=[{"api_type": "bedrock", "model": MODEL}])  # building never fails
    with pytest.raises(ValueError, match="Region is required"):
        client.create(messages=HI)
    with pytest.raises(ValueError, match="Region is required to use the Amazon Bedrock API."):
        BedrockClient(model=MODEL)


# ---- usage and cost ----


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(bedrock):
    bedrock.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    client = OpenAIWrapper(config_list=bedrock.config_list)
    response = client.create(messages=HI)
    assert response.cost == pytest.approx(0.003 + 0.0015)  # Claude 3.5 Sonnet on Bedrock
    assert client.total_usage_summary[MODEL] == {
        "cost": pytest.approx(0.0045), "prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100,
    }  # fmt: skip
    bedrock.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    priced = OpenAIWrapper(config_list=[{**bedrock.config_list[0], "price": [1.0, 2.0]}])
    assert priced.create(messages=HI).cost == pytest.approx(3.0)


def test_ag2_cost_helper():
    assert calculate_cost(1000, 1000, "meta.llama3-8b-instruct-v1:0") == pytest.approx(0.0009)
    assert calculate_cost(1000, 0, "us.amazon.nova-pro-v1:0") == pytest.approx(0.0008)
    with pytest.warns(UserWarning, match="Cannot get the costs for vendor.unknown-v1:0"):
        assert calculate_cost(10, 10, "vendor.unknown-v1:0") == 0.0


# ---- structured output ----


class Answer(BaseModel):
    value: int

    def format(self) -> str:
        return f"The answer is {self.value}."


def test_structured_output_through_the_structured_output_tool(bedrock):
    bedrock.add_replies({"tool_calls": [tool_call("__structured_output", {"value": 42})]})
    client = OpenAIWrapper(config_list=[{**bedrock.config_list[0], "response_format": Answer}])
    response = client.create(messages=[{"role": "user", "content": "answer"}])
    assert json.loads(response.choices[0].message.content) == {"value": 42}
    assert client.extract_text_or_completion_object(response) == ["The answer is 42."]
    (tool,) = bedrock.requests[0].body["toolConfig"]["tools"]
    assert tool["toolSpec"]["name"] == "__structured_output"
    assert tool["toolSpec"]["inputSchema"]["json"]["required"] == ["value"]


def test_structured_output_next_to_a_real_tool_call_keeps_only_the_real_call(bedrock):
    bedrock.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 1}), tool_call("__structured_output", {"value": 2})]}
    )
    client = OpenAIWrapper(config_list=[{**bedrock.config_list[0], "response_format": Answer}])
    (message,) = client.extract_text_or_completion_object(client.create(messages=HI, tools=TOOLS))
    assert [tc.function.name for tc in message.tool_calls] == ["add"]


# ---- the SDK is optional and shared ----


def test_missing_sdk_names_the_extra_to_install():
    code = (
        "import sys\n"
        "sys.modules['boto3'] = None\n"  # the import system treats None as 'not installed'
        "from autogen import OpenAIWrapper\n"
        "c = OpenAIWrapper(config_list=[{'api_type': 'bedrock', 'model': 'm', 'aws_region': 'us-east-1'}])\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "IMPORTERROR" in out and 'pip install "ag2[bedrock]"' in out


def test_building_a_bedrock_wrapper_imports_no_sdk():
    code = (
        "import sys\nfrom autogen import OpenAIWrapper\n"
        "OpenAIWrapper(config_list=[{'api_type': 'bedrock', 'model': 'm', 'aws_region': 'us-east-1'}])\n"
        "print('boto3' in sys.modules or 'botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_boto3_clients_are_shared_per_endpoint_and_credentials(bedrock):
    a = OpenAIWrapper(config_list=bedrock.config_list)._clients[0]
    b = OpenAIWrapper(config_list=bedrock.config_list)._clients[0]
    c = OpenAIWrapper(config_list=[{**bedrock.config_list[0], "aws_secret_key": "other"}])._clients[0]
    assert isinstance(a, BedrockClient)
    assert a.bedrock_runtime is b.bedrock_runtime and a.bedrock_runtime is not c.bedrock_runtime
    assert a.bedrock_runtime.meta.config.retries["total_max_attempts"] == 1
    assert a._retry_config == {"total_max_attempts": 5, "max_attempts": 5, "mode": "standard"}  # ag2's attribute


# ---- the fake server refuses what the Converse API refuses ----

USE = {"toolUse": {"toolUseId": "t1", "name": "add", "input": {}}}
RESULT = {"toolResult": {"toolUseId": "t1", "content": [{"text": "1"}]}}
TOOL_CONFIG = {"tools": [{"toolSpec": {"name": "add", "inputSchema": {"json": {"type": "object"}}}}]}


@pytest.mark.parametrize(
    ("messages", "tools", "error"),
    [
        ([{"role": "assistant", "content": [{"text": "x"}]}], False, "must start with a user message"),
        ([{"role": "user", "content": [{"text": "a"}]}, {"role": "user", "content": [{"text": "b"}]}], False,
         "must alternate"),
        ([{"role": "user", "content": [{"text": "  "}]}], False, "is blank"),
        ([{"role": "user", "content": []}], False, "is empty"),
        ([{"role": "user", "content": [{"text": "go"}]}, {"role": "assistant", "content": [USE]},
          {"role": "user", "content": [RESULT]}], False, "toolConfig field must be defined"),
        ([{"role": "user", "content": [{"text": "go"}]}, {"role": "assistant", "content": [USE]},
          {"role": "user", "content": [{"text": "no result"}]}], True, "Expected toolResult blocks"),
        ([{"role": "user", "content": [RESULT]}], True, "exceeds the number of toolUse blocks"),
        ([{"role": "user", "content": [{"text": "go"}]},
          {"role": "assistant", "content": [{"toolUse": {**USE["toolUse"], "toolUseId": "a b"}}]},
          {"role": "user", "content": [{"toolResult": {**RESULT["toolResult"], "toolUseId": "a b"}}]}], True,
         "regular expression pattern"),
    ],
)  # fmt: skip
def test_the_fake_server_answers_invalid_conversations_with_a_validation_exception(bedrock, messages, tools, error):
    from botocore.exceptions import ClientError

    runtime = OpenAIWrapper(config_list=bedrock.config_list)._clients[0].bedrock_runtime
    bedrock.add_replies("unused")
    extra = {"toolConfig": TOOL_CONFIG} if tools else {}
    with pytest.raises(ClientError, match=error) as info:
        runtime.converse(modelId=MODEL, messages=messages, **extra)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert bedrock.remaining_replies == 1


# ---- Claude on Bedrock: api_type="anthropic" with AWS credentials ----


@pytest.fixture
def claude_on_bedrock(monkeypatch):
    pytest.importorskip("anthropic")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)  # an API key would pick Anthropic's own API
    with FakeLLMServer(dialect="anthropic_bedrock", model=MODEL) as server:
        yield server


def test_claude_on_bedrock_text_and_tool_calls(claude_on_bedrock):
    claude_on_bedrock.add_replies("Hi from Claude on Bedrock.", {"tool_calls": [tool_call("add", {"a": 1, "b": 2})]})
    client = OpenAIWrapper(config_list=claude_on_bedrock.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, *HI])
    assert response.choices[0].message.content == "Hi from Claude on Bedrock."
    usage = response.usage
    assert response.cost == pytest.approx((usage.prompt_tokens * 0.003 + usage.completion_tokens * 0.015) / 1000)
    sent = claude_on_bedrock.requests[0]
    assert sent.path == f"/model/{MODEL}/invoke" and sent.model == MODEL
    assert sent.headers["authorization"].startswith("AWS4-HMAC-SHA256")
    assert "model" not in sent.body and sent.body["anthropic_version"] and sent.body["system"] == "Be brief."
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    assert json.loads(response.choices[0].message.tool_calls[0].function.arguments) == {"a": 1, "b": 2}


def test_claude_on_bedrock_streams_over_the_aws_event_stream(claude_on_bedrock, recording_stream):
    claude_on_bedrock.add_replies("one two three four", {"tool_calls": [tool_call("add", {"a": 5, "b": 6})]})
    client = OpenAIWrapper(config_list=[{**claude_on_bedrock.config_list[0], "stream": True}])
    response = client.create(messages=[{"role": "user", "content": "count"}])
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert claude_on_bedrock.requests[0].path.endswith("/invoke-with-response-stream")
    assert response.usage.prompt_tokens > 0 and response.usage.completion_tokens > 0
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    assert json.loads(response.choices[0].message.tool_calls[0].function.arguments) == {"a": 5, "b": 6}


async def test_claude_on_bedrock_async_and_async_streaming(claude_on_bedrock):
    claude_on_bedrock.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=claude_on_bedrock.config_list)
    assert (await client.a_create(messages=HI)).choices[0].message.content == "async answer"
    response = await client.a_create(messages=HI, stream=True)
    assert response.choices[0].message.content == "streamed async answer"
    assert claude_on_bedrock.requests[1].path.endswith("/invoke-with-response-stream")


def test_claude_on_bedrock_retries_throttling_and_fails_at_once_on_access_denied(claude_on_bedrock):
    import anthropic

    claude_on_bedrock.add_replies(Fault.rate_limit(0.2), "after the wait", Fault.error(403, "denied"), "unused")
    client = OpenAIWrapper(config_list=claude_on_bedrock.config_list)
    assert client.create(messages=HI).choices[0].message.content == "after the wait"
    with pytest.raises(anthropic.PermissionDeniedError):
        client.create(messages=HI)
    assert len(claude_on_bedrock.requests) == 3


def test_the_invoke_route_refuses_what_bedrock_refuses(claude_on_bedrock):
    import anthropic

    from autogen.testing.bedrock_wire import check_invoke

    sdk = anthropic.AnthropicBedrock(aws_access_key="AK", aws_secret_key="SK", aws_region="us-east-1",
                                     base_url=claude_on_bedrock.url, max_retries=0)  # fmt: skip
    with pytest.raises(anthropic.BadRequestError, match="first message"):
        sdk.messages.create(model=MODEL, max_tokens=10, messages=[{"role": "assistant", "content": "x"}])
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": HI}
    assert check_invoke(body) is None
    assert "extraneous key [model]" in check_invoke({**body, "model": MODEL})
    assert "anthropic_version" in check_invoke({"max_tokens": 5, "messages": HI})
