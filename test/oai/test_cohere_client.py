"""The Cohere client through the real cohere SDK (ClientV2) against FakeLLMServer(dialect="cohere"):
v2 chat requests, tool plans and parallel tool calls, streaming events, retries honouring retry-after,
errors, usage (billed units) and cost, structured output, tricky histories, a two-agent tool chat, and
the fake server's own checks."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

pytest.importorskip("cohere")

from pydantic import BaseModel

from autogen import ConversableAgent, OpenAIWrapper
from autogen.oai.cohere import (
    CohereClient,
    CohereLLMConfigEntry,
    calculate_cohere_cost,
    oai_messages_to_cohere_messages,
)
from autogen.oai.errors import MissingAPIKeyError
from autogen.testing import FakeLLMServer, Fault, tool_call
from autogen.testing.cohere_wire import TEMPLATE_TOKENS, check_request
from autogen.testing.histories import TOOLS, TRICKY_HISTORIES

MODEL = "command-r-plus"
# the SDK's own models still read pydantic's deprecated __fields__
pytestmark = pytest.mark.filterwarnings("ignore:The `__fields__` attribute is deprecated")
NAMES = {"add", "sub"}


@pytest.fixture
def cohere_server():
    with FakeLLMServer(dialect="cohere", model=MODEL) as server:
        yield server


def ask(text: str = "hi") -> list[dict]:
    return [{"role": "user", "content": text}]


def call(id_: str, name: str = "add", args: str = '{"a": 1, "b": 2}') -> dict:
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


def test_the_config_entry_is_the_one_ag2_names():
    from autogen.llm_config.entry import CohereLLMConfigEntry as from_entry

    assert CohereLLMConfigEntry is from_entry
    entry = CohereLLMConfigEntry(model=MODEL, api_key="k", tool_choice="REQUIRED", client_name="me")
    assert entry.model_dump()["tool_choice"] == "REQUIRED"


def test_text_reply_with_system_prompt_and_names(cohere_server):
    cohere_server.add_replies("Hello.")
    client = OpenAIWrapper(config_list=[{**cohere_server.config_list[0], "client_name": "my-app"}])
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi", "name": "user proxy"}]
    response = client.create(messages=messages)
    assert client.extract_text_or_completion_object(response) == ["Hello."]
    sent = cohere_server.requests[0]
    assert sent.path == "/v2/chat" and sent.headers["authorization"] == "Bearer fake-cohere-key"
    assert sent.headers["x-client-name"] == "my-app"
    assert sent.messages == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "user proxy: hi"}]
    assert "client_name" not in sent.body


def test_settings_are_renamed_and_checked_as_ag2_does(cohere_server):
    cohere_server.add_replies("ok")
    entry = {
        **cohere_server.config_list[0],
        "k": 5,
        "seed": 3,
        "frequency_penalty": 0.5,
        "top_p": 0.5,
        "temperature": 0.2,
    }
    OpenAIWrapper(config_list=[entry]).create(messages=ask(), tools=TOOLS, tool_choice="required")
    body = cohere_server.requests[0].body
    assert (body["k"], body["seed"], body["frequency_penalty"], body["p"], body["temperature"]) == (5, 3, 0.5, 0.5, 0.2)
    assert body["tool_choice"] == "REQUIRED" and body["strict_tools"] is False
    with pytest.warns(UserWarning, match="top_p"):
        assert CohereClient(api_key="k").parse_params({"model": MODEL, "top_p": 1.0})["p"] == 0.75


def test_parallel_tool_calls_with_the_tool_plan(cohere_server):
    cohere_server.add_replies(
        {"content": "I will add both.", "tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("sub", {"a": 3})]}
    )
    client = OpenAIWrapper(config_list=cohere_server.config_list)
    response = client.create(messages=ask("add"), tools=TOOLS)
    (message,) = client.extract_text_or_completion_object(response)
    assert message.content == "I will add both."
    assert [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls] == [
        ("add", {"a": 1, "b": 2}),
        ("sub", {"a": 3}),
    ]
    assert response.choices[0].finish_reason == "tool_calls"
    tools = cohere_server.requests[0].body["tools"]
    assert tools[0] == {"type": "function", "function": {**TOOLS[0]["function"]}}


def test_tool_results_go_back_with_the_plan_and_ids(cohere_server):
    cohere_server.add_replies("done")
    history = [
        *ask(),
        {"role": "assistant", "content": "Adding.", "tool_calls": [call("c1"), call("c2", "sub")]},
        {"role": "tool", "tool_call_id": "c2", "content": "-1"},
        {"role": "tool", "tool_call_id": "c1", "content": "3"},
    ]
    OpenAIWrapper(config_list=cohere_server.config_list).create(messages=history, tools=TOOLS)
    sent = cohere_server.requests[0].messages
    assert sent[1] == {"role": "assistant", "tool_plan": "Adding.", "tool_calls": [call("c1"), call("c2", "sub")]}
    assert sent[2:] == [
        {"role": "tool", "tool_call_id": "c1", "content": "3"},
        {"role": "tool", "tool_call_id": "c2", "content": "-1"},
    ]


def test_calls_of_functions_not_offered_travel_as_text():
    history = [
        *ask(),
        {"role": "assistant", "content": None, "tool_calls": [call("c1", "gone")]},
        {"role": "tool", "tool_call_id": "c1", "content": "3"},
    ]
    sent = oai_messages_to_cohere_messages(history, NAMES)
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert "gone" in sent[1]["content"] and "3" in sent[2]["content"]


def test_streaming_events_are_assembled(cohere_server, recording_stream):
    cohere_server.add_replies(
        "one two three four",
        {"content": "Plan.", "tool_calls": [tool_call("add", {"a": 5}), tool_call("sub", {"b": 6})]},
    )
    client = OpenAIWrapper(config_list=[{**cohere_server.config_list[0], "stream": True}])
    response = client.create(messages=ask())
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert cohere_server.requests[0].body["stream"] is True and response.usage.prompt_tokens > 0
    response = client.create(messages=ask("add"), tools=TOOLS)
    message = response.choices[0].message
    assert [(c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls] == [
        ("add", {"a": 5}),
        ("sub", {"b": 6}),
    ]
    assert message.content == "Plan." and response.choices[0].finish_reason == "tool_calls"


async def test_async_create_and_async_streaming(cohere_server):
    cohere_server.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=cohere_server.config_list)
    assert (await client.a_create(messages=ask())).choices[0].message.content == "async answer"
    response = await client.a_create(messages=ask(), stream=True)
    assert response.choices[0].message.content == "streamed async answer"


def test_rate_limit_is_retried_after_the_servers_retry_after(cohere_server, fast):
    cohere_server.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=fast(cohere_server.config_list))  # back-off alone would wait ~1 ms
    start = time.monotonic()
    assert client.create(messages=ask()).choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3 and len(cohere_server.requests) == 2  # the SDK itself did not retry


def test_the_entrys_timeout_reaches_the_sdk_and_times_out_as_a_timeout(cohere_server, fast):
    cohere_server.add_replies(Fault.slow(2.0, "late"), Fault.slow(2.0, "late"))
    client = OpenAIWrapper(config_list=fast(cohere_server.config_list, timeout=0.2, max_retries=1))
    with pytest.raises(TimeoutError):
        client.create(messages=ask())
    assert len(cohere_server.requests) == 2


def test_server_errors_and_dropped_connections_are_retried(cohere_server, fast):
    cohere_server.add_replies(Fault.server_error(500), Fault.drop_connection(), "recovered")
    client = OpenAIWrapper(config_list=fast(cohere_server.config_list))
    assert client.create(messages=ask()).choices[0].message.content == "recovered"
    assert len(cohere_server.requests) == 3


def test_auth_and_bad_request_errors_fail_at_once_with_the_sdk_error(cohere_server):
    import cohere

    cohere_server.add_replies(Fault.error(401, "invalid api token"), Fault.error(400, "invalid request: nope"))
    client = OpenAIWrapper(config_list=cohere_server.config_list)
    with pytest.raises(cohere.UnauthorizedError, match="invalid api token"):
        client.create(messages=ask())
    with pytest.raises(cohere.BadRequestError, match="nope"):
        client.create(messages=ask())
    assert len(cohere_server.requests) == 2


def test_a_config_list_falls_back_from_cohere_to_openai(cohere_server, server):
    cohere_server.add_replies(Fault.error(401, "bad key"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*cohere_server.config_list, *server.config_list])
    assert client.extract_text_or_completion_object(client.create(messages=ask())) == ["from openai"]


def test_usage_counts_billed_units_and_cost_uses_the_table_or_the_entrys_price(cohere_server):
    cohere_server.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    client = OpenAIWrapper(config_list=cohere_server.config_list)
    response = client.create(messages=ask())
    assert response.usage.prompt_tokens == 1000  # billed units, not the template-inclusive token count
    assert response.cost == pytest.approx(1000 * 0.003 / 1000 + 100 * 0.015 / 1000)
    assert client.total_usage_summary[MODEL]["total_tokens"] == 1100 and TEMPLATE_TOKENS > 0
    cohere_server.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    priced = OpenAIWrapper(config_list=[{**cohere_server.config_list[0], "price": [1.0, 2.0]}])
    assert priced.create(messages=ask()).cost == pytest.approx(3.0)


def test_ag2_cost_helper():
    assert calculate_cohere_cost(1000, 1000, "command-r") == pytest.approx(0.002)
    with pytest.warns(UserWarning, match="not available for command-unknown"):
        assert calculate_cohere_cost(1, 1, "command-unknown") == 0.0


class Inner(BaseModel):
    value: int


class Answer(BaseModel):
    inner: Inner

    def format(self) -> str:
        return f"The answer is {self.inner.value}."


def test_structured_output_as_a_json_object_with_the_schema_inlined(cohere_server):
    cohere_server.add_replies('{"inner": {"value": 42}}', '{"inner": {"value": 7}}')
    client = OpenAIWrapper(config_list=[{**cohere_server.config_list[0], "response_format": Answer}])
    assert client.extract_text_or_completion_object(client.create(messages=ask())) == ["The answer is 42."]
    fmt = cohere_server.requests[0].body["response_format"]
    assert fmt["type"] == "json_object" and "$ref" not in json.dumps(fmt) and "$defs" not in fmt["json_schema"]
    assert fmt["json_schema"]["properties"]["inner"]["properties"]["value"]["type"] == "integer"
    # next to tools the API takes no response_format: the schema is asked for in a system message
    client.create(messages=ask(), tools=TOOLS)
    body = cohere_server.requests[1].body
    assert "response_format" not in body and "JSON schema" in body["messages"][0]["content"]


def test_missing_key(monkeypatch):
    monkeypatch.delenv("COHERE_API_KEY", raising=False)
    with pytest.raises(AssertionError, match="COHERE_API_KEY"):
        CohereClient(model=MODEL)
    client = OpenAIWrapper(config_list=[{"api_type": "cohere", "model": MODEL}])
    with pytest.raises(MissingAPIKeyError, match="COHERE_API_KEY"):
        client.create(messages=ask())


def test_missing_sdk_names_the_extra_and_building_imports_no_sdk():
    code = (
        "import sys\n"
        "from autogen import OpenAIWrapper\n"
        "c = OpenAIWrapper(config_list=[{'api_type': 'cohere', 'model': 'm', 'api_key': 'k'}])\n"
        "print('cohere' in sys.modules)\n"
        "sys.modules['cohere'] = None\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("False") and 'pip install "ag2[cohere]"' in out


def test_sdk_clients_are_shared_per_endpoint(cohere_server):
    a = OpenAIWrapper(config_list=cohere_server.config_list)._clients[0]
    b = OpenAIWrapper(config_list=cohere_server.config_list)._clients[0]
    assert isinstance(a, CohereClient) and a.sdk_client() is b.sdk_client()


# ---- histories ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TRICKY_HISTORIES))
def test_every_tricky_history_gives_a_request_the_api_accepts(name):
    body = {"model": MODEL, "messages": oai_messages_to_cohere_messages(TRICKY_HISTORIES[name], NAMES), "tools": TOOLS}
    assert check_request(json.loads(json.dumps(body))) is None, (name, body)


def test_the_callers_history_is_left_alone_and_tricky_histories_pass_through_the_sdk(cohere_server):
    cohere_server.default_reply = "fine"
    client = OpenAIWrapper(config_list=cohere_server.config_list, cache_seed=None)
    for messages in TRICKY_HISTORIES.values():
        before = json.dumps(messages)
        assert client.extract_text_or_completion_object(client.create(messages=messages, tools=TOOLS)) == ["fine"]
        assert json.dumps(messages) == before


def test_two_agent_tool_chat_with_parallel_calls(cohere_server, recording_stream):
    cohere_server.add_replies(
        {
            "tool_calls": [
                tool_call("add", {"a": 1, "b": 2}, id="add_1"),
                tool_call("add", {"a": 3, "b": 4}, id="add_2"),
            ]
        },
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config=cohere_server.llm_config, system_message="You add numbers.")
    user = ConversableAgent(
        "user proxy",
        human_input_mode="NEVER",
        llm_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
    assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
    second = cohere_server.requests[1].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool"]
    assert second[1]["content"] == "user_proxy: Add 1+2 and 3+4."  # the agent layer made the name API-safe
    assert [(m["tool_call_id"], m["content"]) for m in second[3:]] == [("add_1", "3"), ("add_2", "7")]
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


# ---- the fake server refuses what the real API refuses -----------------------------------------


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ([{"role": "user", "content": "  "}], "at least 1 token"),
        ([{"role": "user", "content": "a", "name": "bob"}], "unknown field 'name'"),
        ([*ask(), {"role": "tool", "tool_call_id": "x", "content": "1"}], "does not match a pending tool call"),
        ([*ask(), {"role": "assistant", "tool_calls": [call("c1")]}, *ask()], "must be followed by their tool results"),
        (
            [
                *ask(),
                {"role": "assistant", "tool_calls": [call("c1", "nope")]},
                {"role": "tool", "tool_call_id": "c1", "content": "1"},
            ],
            "not in tools",
        ),
        ([*ask(), {"role": "assistant", "content": ""}, *ask()], "content or tool calls"),
    ],
)
def test_the_fake_server_answers_invalid_requests_with_the_apis_400(cohere_server, messages, error):
    import cohere

    sdk = cohere.ClientV2(api_key="k", base_url=cohere_server.url)
    cohere_server.add_replies("unused")
    with pytest.raises(cohere.BadRequestError, match=error):
        sdk.chat(model=MODEL, messages=messages, tools=TOOLS, request_options={"max_retries": 0})
    assert cohere_server.remaining_replies == 1


def test_the_fake_server_refuses_response_format_next_to_tools(cohere_server):
    import cohere

    sdk = cohere.ClientV2(api_key="k", base_url=cohere_server.url)
    with pytest.raises(cohere.BadRequestError, match="not supported with tools"):
        sdk.chat(
            model=MODEL,
            messages=ask(),
            tools=TOOLS,
            response_format={"type": "json_object"},
            request_options={"max_retries": 0},
        )
