"""The Mistral client through the real mistralai SDK against FakeLLMServer(dialect="mistral"): requests,
9-character tool call ids, parallel tool calls, streaming, retries honouring retry-after, errors, usage
and cost, structured output, tricky histories, a two-agent tool chat, and the fake server's own checks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

pytest.importorskip("mistralai.client")

from pydantic import BaseModel

from autogen import ConversableAgent, OpenAIWrapper
from autogen.oai.errors import MissingAPIKeyError
from autogen.oai.mistral import (
    MistralAIClient,
    MistralLLMConfigEntry,
    calculate_mistral_cost,
    mistral_tool_call_id,
    oai_messages_to_mistral_messages,
)
from autogen.testing import FakeLLMServer, Fault, tool_call
from autogen.testing.histories import TOOLS, TRICKY_HISTORIES
from autogen.testing.mistral_wire import check_request

MODEL = "mistral-small-latest"
MISTRAL_ID = re.compile(r"^[a-zA-Z0-9]{9}$")


@pytest.fixture
def mistral():
    with FakeLLMServer(dialect="mistral", model=MODEL) as server:
        yield server


def ask(text: str = "hi") -> list[dict]:
    return [{"role": "user", "content": text}]


def call(id_: str, name: str = "add", args: str = '{"a": 1, "b": 2}') -> dict:
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


def test_the_config_entry_is_the_one_ag2_names():
    from autogen.llm_config.entry import MistralLLMConfigEntry as from_entry

    assert MistralLLMConfigEntry is from_entry
    dumped = MistralLLMConfigEntry(model=MODEL, api_key="k", tool_choice="any").model_dump()
    assert dumped["api_type"] == "mistral" and dumped["safe_prompt"] is False and dumped["tool_choice"] == "any"


def test_text_reply_with_system_prompt(mistral):
    mistral.add_replies("Bonjour.")
    client = OpenAIWrapper(config_list=mistral.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, *ask()])
    assert client.extract_text_or_completion_object(response) == ["Bonjour."]
    sent = mistral.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer fake-mistral-key"
    assert sent.messages == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
    assert sent.body["temperature"] == 0.7 and sent.body["safe_prompt"] is False  # ag2's defaults


def test_entry_settings_reach_the_request(mistral):
    mistral.add_replies("ok")
    entry = {**mistral.config_list[0], "safe_prompt": True, "random_seed": 7, "top_p": 0.5, "max_tokens": 20}
    OpenAIWrapper(config_list=[entry]).create(messages=ask(), tools=TOOLS, tool_choice="required")
    body = mistral.requests[0].body
    assert (body["safe_prompt"], body["random_seed"], body["top_p"], body["max_tokens"]) == (True, 7, 0.5, 20)
    assert body["tool_choice"] == "any" and [t["function"]["name"] for t in body["tools"]] == ["add", "sub"]


def test_a_v1_base_url_from_the_openai_compatible_days_still_works(mistral):
    mistral.add_replies("ok")
    client = OpenAIWrapper(config_list=[{**mistral.config_list[0], "base_url": mistral.url + "/v1"}])
    assert client.create(messages=ask()).choices[0].message.content == "ok"
    assert mistral.requests[0].path == "/v1/chat/completions"


def test_parallel_tool_calls_come_back_with_mistral_ids(mistral):
    mistral.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("sub", {"a": 3, "b": 4}, id="abcDEF123")]}
    )
    client = OpenAIWrapper(config_list=mistral.config_list)
    response = client.create(messages=ask("add"), tools=TOOLS)
    (message,) = client.extract_text_or_completion_object(response)
    assert [tc.function.name for tc in message.tool_calls] == ["add", "sub"]
    assert [json.loads(tc.function.arguments) for tc in message.tool_calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert all(MISTRAL_ID.match(tc.id) for tc in message.tool_calls) and message.tool_calls[1].id == "abcDEF123"
    assert response.choices[0].finish_reason == "tool_calls"


def test_tool_call_ids_are_mapped_the_same_way_in_calls_and_results(mistral):
    mistral.add_replies("done")
    history = [
        *ask(),
        {"role": "assistant", "content": None, "tool_calls": [call("call_Xyz/1"), call("abcDEF123", "sub")]},
        {"role": "tool", "tool_call_id": "abcDEF123", "content": "-1"},
        {"role": "tool", "tool_call_id": "call_Xyz/1", "content": "3"},
    ]
    OpenAIWrapper(config_list=mistral.config_list).create(messages=history, tools=TOOLS)
    sent = mistral.requests[0].messages
    ids = [c["id"] for c in sent[1]["tool_calls"]]
    assert ids == [mistral_tool_call_id("call_Xyz/1"), "abcDEF123"] and all(MISTRAL_ID.match(i) for i in ids)
    assert [(m["tool_call_id"], m["name"], m["content"]) for m in sent[2:]] == [
        (ids[0], "add", "3"),
        (ids[1], "sub", "-1"),
    ]
    assert (
        mistral_tool_call_id("call_Xyz/1") == mistral_tool_call_id("call_Xyz/1") != mistral_tool_call_id("call_Xyz/2")
    )


def test_streaming_sends_text_pieces_and_assembles_tool_calls(mistral, recording_stream):
    mistral.add_replies("one two three four", {"tool_calls": [tool_call("add", {"a": 5}), tool_call("sub", {"b": 6})]})
    client = OpenAIWrapper(config_list=[{**mistral.config_list[0], "stream": True}])
    response = client.create(messages=ask())
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert mistral.requests[0].body["stream"] is True and response.usage.prompt_tokens > 0
    response = client.create(messages=ask("add"), tools=TOOLS)
    calls = response.choices[0].message.tool_calls
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("add", {"a": 5}),
        ("sub", {"b": 6}),
    ]
    assert len({c.id for c in calls}) == 2 and response.choices[0].finish_reason == "tool_calls"


async def test_async_create_and_async_streaming(mistral):
    mistral.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=mistral.config_list)
    assert (await client.a_create(messages=ask())).choices[0].message.content == "async answer"
    response = await client.a_create(messages=ask(), stream=True)
    assert response.choices[0].message.content == "streamed async answer"


def test_rate_limit_is_retried_after_the_servers_retry_after(mistral, fast):
    mistral.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=fast(mistral.config_list))  # back-off alone would wait ~1 ms
    start = time.monotonic()
    assert client.create(messages=ask()).choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3 and len(mistral.requests) == 2  # the SDK itself did not retry


def test_the_entrys_timeout_reaches_the_sdk_and_times_out_as_a_timeout(mistral, fast):
    mistral.add_replies(Fault.slow(2.0, "late"), Fault.slow(2.0, "late"))
    client = OpenAIWrapper(config_list=fast(mistral.config_list, timeout=0.2, max_retries=1))
    with pytest.raises(TimeoutError):
        client.create(messages=ask())
    assert len(mistral.requests) == 2


def test_server_errors_and_dropped_connections_are_retried(mistral, fast):
    mistral.add_replies(Fault.server_error(503), Fault.drop_connection(), "recovered")
    client = OpenAIWrapper(config_list=fast(mistral.config_list))
    assert client.create(messages=ask()).choices[0].message.content == "recovered"
    assert len(mistral.requests) == 3


@pytest.mark.parametrize(("status", "message"), [(401, "Unauthorized"), (400, "Invalid model")])
def test_auth_and_bad_request_errors_fail_at_once_with_the_sdk_error(mistral, status, message):
    from mistralai.client.errors import MistralError

    mistral.add_replies(Fault.error(status, message), "never sent")
    client = OpenAIWrapper(config_list=mistral.config_list)
    with pytest.raises(MistralError) as info:
        client.create(messages=ask())
    assert info.value.status_code == status and message in info.value.body
    assert len(mistral.requests) == 1


def test_a_config_list_falls_back_from_mistral_to_openai(mistral, server):
    mistral.add_replies(Fault.error(401, "bad key"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*mistral.config_list, *server.config_list])
    assert client.extract_text_or_completion_object(client.create(messages=ask())) == ["from openai"]


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(mistral):
    mistral.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    client = OpenAIWrapper(config_list=mistral.config_list)
    response = client.create(messages=ask())
    assert response.cost == pytest.approx(1000 * 0.001 / 1000 + 100 * 0.003 / 1000)
    assert client.total_usage_summary[MODEL] == {
        "cost": pytest.approx(0.0013),
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "total_tokens": 1100,
    }
    mistral.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    priced = OpenAIWrapper(config_list=[{**mistral.config_list[0], "price": [1.0, 2.0]}])
    assert priced.create(messages=ask()).cost == pytest.approx(3.0)


def test_ag2_cost_helper():
    assert calculate_mistral_cost(1000, 1000, "open-mixtral-8x22b") == pytest.approx(0.008)
    with pytest.warns(UserWarning, match="not implemented for model mistral-unknown-9"):
        assert calculate_mistral_cost(10, 10, "mistral-unknown-9") == 0.0


class Answer(BaseModel):
    value: int

    def format(self) -> str:
        return f"The answer is {self.value}."


def test_structured_output_uses_mistrals_json_schema_mode(mistral):
    mistral.add_replies('{"value": 42}')
    client = OpenAIWrapper(config_list=[{**mistral.config_list[0], "response_format": Answer}])
    response = client.create(messages=ask("answer"))
    assert client.extract_text_or_completion_object(response) == ["The answer is 42."]
    fmt = mistral.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"]["properties"]["value"]["type"] == "integer"


def test_hide_tools_once_any_ran(mistral):
    mistral.add_replies("ok")
    history = [
        *ask(),
        {"role": "assistant", "content": None, "tool_calls": [call("abcDEF123")]},
        {"role": "tool", "tool_call_id": "abcDEF123", "content": "3"},
    ]
    OpenAIWrapper(config_list=[{**mistral.config_list[0], "hide_tools": "if_any_run"}]).create(
        messages=history, tools=TOOLS
    )
    assert "tools" not in mistral.requests[0].body


def test_missing_key(monkeypatch):
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with pytest.raises(AssertionError, match="MISTRAL_API_KEY"):
        MistralAIClient(model=MODEL)
    client = OpenAIWrapper(config_list=[{"api_type": "mistral", "model": MODEL}])  # building never fails
    with pytest.raises(MissingAPIKeyError, match="MISTRAL_API_KEY"):
        client.create(messages=ask())


def test_missing_sdk_names_the_extra_and_building_imports_no_sdk():
    code = (
        "import sys\n"
        "from autogen import OpenAIWrapper\n"
        "c = OpenAIWrapper(config_list=[{'api_type': 'mistral', 'model': 'm', 'api_key': 'k'}])\n"
        "print('mistralai' in sys.modules)\n"
        "sys.modules['mistralai'] = sys.modules['mistralai.client'] = None\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("False") and 'pip install "ag2[mistral]"' in out


def test_sdk_clients_are_shared_per_endpoint(mistral):
    a = OpenAIWrapper(config_list=mistral.config_list)._clients[0]
    b = OpenAIWrapper(config_list=mistral.config_list)._clients[0]
    assert isinstance(a, MistralAIClient) and a.sdk_client() is b.sdk_client()


# ---- histories ----------------------------------------------------------------------------------

OWN_HISTORIES = {
    "user after tool": [
        *ask(),
        {"role": "assistant", "content": None, "tool_calls": [call("c1")]},
        {"role": "tool", "tool_call_id": "c1", "content": "3"},
        {"role": "user", "content": "thanks", "name": "user proxy"},
    ],
    "system after assistant": [*ask(), {"role": "assistant", "content": "a"}, {"role": "system", "content": "Pick."}],
    "text then tool calls": [
        *ask(),
        {"role": "assistant", "content": "Let me see."},
        {"role": "assistant", "content": None, "tool_calls": [call("c1")]},
        {"role": "tool", "tool_call_id": "c1", "content": "3"},
    ],
}


@pytest.mark.parametrize("name", [*TRICKY_HISTORIES, *OWN_HISTORIES])
def test_every_tricky_history_gives_a_request_the_api_accepts(name):
    messages = {**TRICKY_HISTORIES, **OWN_HISTORIES}[name]
    body = {"model": MODEL, "messages": oai_messages_to_mistral_messages(messages), "tools": TOOLS}
    assert check_request(json.loads(json.dumps(body))) is None, (name, body)


def test_role_order_repairs():
    sent = oai_messages_to_mistral_messages(OWN_HISTORIES["user after tool"])
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "assistant", "user"]
    assert sent[-1] == {"role": "user", "content": "thanks"}  # Mistral user messages carry no name
    sent = oai_messages_to_mistral_messages(OWN_HISTORIES["system after assistant"])
    assert sent[-1] == {"role": "user", "content": "Pick."}
    sent = oai_messages_to_mistral_messages([*ask(), {"role": "assistant", "content": "hello"}])
    assert sent[-1] == {"role": "user", "content": "Please continue."}
    sent = oai_messages_to_mistral_messages(OWN_HISTORIES["text then tool calls"])
    assert sent[1]["content"] == "Let me see." and sent[1]["tool_calls"][0]["function"]["name"] == "add"


def test_tricky_histories_through_the_sdk(mistral):
    mistral.default_reply = "fine"
    client = OpenAIWrapper(config_list=mistral.config_list, cache_seed=None)
    for messages in [*TRICKY_HISTORIES.values(), *OWN_HISTORIES.values()]:
        assert client.extract_text_or_completion_object(client.create(messages=messages, tools=TOOLS)) == ["fine"]


def test_two_agent_tool_chat_with_parallel_calls(mistral, recording_stream):
    mistral.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]},
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config=mistral.llm_config, system_message="You add numbers.")
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
    second = mistral.requests[1].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool"]
    ids = [c["id"] for c in second[2]["tool_calls"]]
    assert [m["tool_call_id"] for m in second[3:]] == ids and [m["content"] for m in second[3:]] == ["3", "7"]
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


# ---- the fake server refuses what the real API refuses -----------------------------------------


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        (
            [
                *ask(),
                {"role": "assistant", "content": None, "tool_calls": [call("call_1")]},
                {"role": "tool", "tool_call_id": "call_1", "content": "3"},
            ],
            "must be a-z, A-Z, 0-9, with a length of 9",
        ),
        (
            [
                *ask(),
                {"role": "assistant", "content": None, "tool_calls": [call("abcDEF123")]},
                {"role": "tool", "tool_call_id": "abcDEF123", "content": "3"},
                *ask(),
            ],
            "Unexpected role 'user' after role 'tool'",
        ),
        (
            [
                *ask(),
                {"role": "assistant", "content": None, "tool_calls": [call("abcDEF123"), call("abcDEF124")]},
                {"role": "tool", "tool_call_id": "abcDEF123", "content": "3"},
            ],
            "Not the same number of function calls",
        ),
        ([*ask(), {"role": "assistant", "content": "x"}], "Expected last role User or Tool"),
        ([{"role": "tool", "tool_call_id": "abcDEF123", "content": "3"}], "Unexpected role 'tool' after role 'None'"),
        ([*ask(), {"role": "assistant", "content": ""}, *ask()], "either content or tool_calls"),
    ],
)
def test_the_fake_server_answers_invalid_requests_with_the_apis_400(mistral, messages, error):
    from mistralai.client import Mistral
    from mistralai.client.errors import MistralError

    sdk = Mistral(api_key="k", server_url=mistral.url)
    mistral.add_replies("unused")
    with pytest.raises(MistralError, match="400") as info:
        sdk.chat.complete(model=MODEL, messages=messages, tools=TOOLS)
    assert error in info.value.body and mistral.remaining_replies == 1
