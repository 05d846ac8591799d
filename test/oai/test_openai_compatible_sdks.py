"""Groq, Cerebras and Together.AI through their real SDKs (groq, cerebras_cloud_sdk, together) against
FakeLLMServer speaking each provider's dialect: text, parallel tool calls, streaming, retries and errors,
usage and cost, ag2's parameter rules, any chat history as a request the API accepts, and a two-agent
tool chat. Each test runs once per provider."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass

import pytest

from autogen import ConversableAgent, OpenAIWrapper
from autogen.oai.errors import MissingAPIKeyError
from autogen.testing import FakeLLMServer, Fault, tool_call


@dataclass(frozen=True)
class Case:
    api_type: str
    sdk_module: str
    client: str  # "module:Class"
    model: str  # a model with a price in the provider's table
    cost_1000_100: float  # USD for 1000 prompt + 100 completion tokens on that model
    path: str  # where the SDK posts
    streams_tools: bool

    def client_class(self):
        import importlib

        module, _, name = self.client.partition(":")
        return getattr(importlib.import_module(module), name)


CASES = [
    Case("groq", "groq", "autogen.oai.groq:GroqClient", "llama3-70b-8192", 1000 * 0.00059 / 1000 + 100 * 0.00079 / 1000,
         "/openai/v1/chat/completions", True),
    Case("cerebras", "cerebras.cloud.sdk", "autogen.oai.cerebras:CerebrasClient", "llama-3.3-70b",
         0.00085 + 0.00012, "/v1/chat/completions", True),
    Case("together", "together", "autogen.oai.together:TogetherClient", "mistralai/Mixtral-8x22B-Instruct-v0.1",
         1.2 * 1100 / 1e6, "/v1/chat/completions", False),
]  # fmt: skip

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


@pytest.fixture(params=CASES, ids=[c.api_type for c in CASES])
def case(request) -> Case:
    pytest.importorskip(request.param.sdk_module)
    return request.param


@pytest.fixture
def fake(case):
    with FakeLLMServer(dialect=case.api_type, model=case.model) as server:
        yield server


def sdk(case):
    import importlib

    return importlib.import_module(case.sdk_module)


# ---- requests and replies ----


def test_entry_points_the_native_client_at_the_fake(case, fake):
    entry = fake.config_list[0]
    assert entry["api_type"] == case.api_type and entry["model"] == case.model
    client = OpenAIWrapper(config_list=fake.config_list)._clients[0]
    assert type(client) is case.client_class()


def test_text_reply_with_system_prompt(case, fake):
    fake.add_replies("Hello there.")
    client = OpenAIWrapper(config_list=fake.config_list)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, *HI])
    assert client.extract_text_or_completion_object(response) == ["Hello there."]
    assert response.choices[0].finish_reason == "stop" and response.model == case.model
    sent = fake.requests[0]
    assert sent.path == case.path
    assert sent.headers["authorization"] == f"Bearer fake-{case.api_type}-key"
    assert sent.messages == [{"role": "system", "content": "Be brief."}, *HI]
    assert "api_key" not in sent.body and "base_url" not in sent.body and "api_type" not in sent.body


def test_ag2_request_defaults_reach_the_wire(case, fake):
    fake.add_replies("ok")
    OpenAIWrapper(config_list=fake.config_list).create(messages=HI)
    body = fake.requests[0].body
    expected = {"groq": {"temperature": 1}, "cerebras": {"temperature": 1.0}, "together": {"max_tokens": 512}}
    assert {k: body[k] for k in expected[case.api_type]} == expected[case.api_type]
    assert "stream" not in body and "tools" not in body


def test_sampling_settings_reach_the_request_and_bad_ones_fall_back_with_a_warning(case, fake):
    fake.add_replies("ok", "ok")
    settings = {"max_tokens": 50, "top_p": 0.5, "seed": 7}
    if case.api_type == "together":
        settings = {**settings, "top_k": 40, "repetition_penalty": 1.1, "min_p": 0.05, "safety_model": "guard"}
    OpenAIWrapper(config_list=[{**fake.config_list[0], **settings}]).create(messages=HI)
    body = fake.requests[0].body
    assert {k: body[k] for k in settings} == settings
    with pytest.warns(UserWarning, match="Config error - max_tokens"):
        OpenAIWrapper(config_list=[{**fake.config_list[0], "max_tokens": -5}]).create(messages=HI)
    assert fake.requests[1].body.get("max_tokens") == (512 if case.api_type == "together" else None)


def test_parallel_tool_calls_come_back_as_openai_tool_calls(case, fake):
    fake.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="c1"), tool_call("add", {"a": 3, "b": 4})]})
    client = OpenAIWrapper(config_list=fake.config_list)
    response = client.create(messages=HI, tools=TOOLS, tool_choice="auto")
    (message,) = client.extract_text_or_completion_object(response)
    assert [json.loads(tc.function.arguments) for tc in message.tool_calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert message.tool_calls[0].id == "c1" and response.choices[0].finish_reason == "tool_calls"
    body = fake.requests[0].body
    assert body["tools"] == TOOLS and body["tool_choice"] == "auto"


def test_hide_tools_once_a_tool_has_run(case, fake):
    fake.add_replies("done")
    history = [
        *HI,
        {"role": "assistant", "content": None, "tool_calls": [tool_call("add", {"a": 1}, id="c1")]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
    ]
    OpenAIWrapper(config_list=[{**fake.config_list[0], "hide_tools": "if_any_run"}]).create(
        messages=history, tools=TOOLS, tool_choice="auto"
    )
    assert "tools" not in fake.requests[0].body and "tool_choice" not in fake.requests[0].body


def test_streaming_shows_text_pieces_and_assembles_the_reply(case, fake, recording_stream):
    fake.add_replies({"content": "one two three four", "usage": {"prompt_tokens": 123, "completion_tokens": 45}})
    client = OpenAIWrapper(config_list=[{**fake.config_list[0], "stream": True}])
    response = client.create(messages=HI)
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert fake.requests[0].body["stream"] is True
    # the usage the provider put in its last chunk (Groq: x_groq.usage), not an estimate
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (123, 45)
    assert response.cost > 0


def test_streaming_with_tools(case, fake, recording_stream):
    calls = [tool_call("add", {"a": 5, "b": 6}, id="s1"), tool_call("add", {"a": 7, "b": 8}, id="s2")]
    fake.add_replies({"tool_calls": calls})
    client = OpenAIWrapper(config_list=[{**fake.config_list[0], "stream": True}])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.create(messages=HI, tools=TOOLS)
    args = [json.loads(tc.function.arguments) for tc in response.choices[0].message.tool_calls]
    assert args == [{"a": 5, "b": 6}, {"a": 7, "b": 8}]
    assert [tc.id for tc in response.choices[0].message.tool_calls] == ["s1", "s2"]
    assert fake.requests[0].body.get("stream", False) is case.streams_tools
    turned_off = any("Streaming is not supported when using tools" in str(w.message) for w in caught)
    assert turned_off is not case.streams_tools  # ag2's Together client does not stream with tools


async def test_async_create_and_async_streaming(case, fake, recording_stream):
    fake.add_replies("async answer", "streamed async answer")
    client = OpenAIWrapper(config_list=fake.config_list)
    response = await client.a_create(messages=HI)
    assert response.choices[0].message.content == "async answer"
    response = await client.a_create(messages=HI, stream=True)
    assert response.choices[0].message.content == "streamed async answer" and response.usage.total_tokens > 0


# ---- errors, retries, fallback ----


def test_rate_limit_is_retried_after_the_servers_retry_after(case, fake):
    fake.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    client = OpenAIWrapper(config_list=fake.config_list)
    start = time.monotonic()
    assert client.create(messages=HI).choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3 and len(fake.requests) == 2


def test_server_errors_and_dropped_connections_are_retried(case, fake, fast):
    fake.add_replies(Fault.server_error(503), Fault.drop_connection(), "recovered")
    client = OpenAIWrapper(config_list=fast(fake.config_list))
    assert client.create(messages=HI).choices[0].message.content == "recovered"
    assert len(fake.requests) == 3


def test_auth_error_is_not_retried_and_keeps_the_sdk_type(case, fake):
    fake.add_replies(Fault.error(401, "Invalid API Key"), "never sent")
    with pytest.raises(sdk(case).AuthenticationError, match="Invalid API Key"):
        OpenAIWrapper(config_list=fake.config_list).create(messages=HI)
    assert len(fake.requests) == 1


def test_bad_request_falls_back_to_the_next_config(case, fake, server):
    fake.add_replies(Fault.error(400, "context too long"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*fake.config_list, *server.config_list])
    assert client.extract_text_or_completion_object(client.create(messages=HI)) == ["from openai"]
    assert len(fake.requests) == 1


def test_exhausted_retries_fall_back_too(case, fake, server, fast):
    fake.add_replies(*[Fault.rate_limit(0)] * 3)
    server.add_replies("backup")
    client = OpenAIWrapper(config_list=[*fast(fake.config_list), *server.config_list])
    assert client.create(messages=HI).choices[0].message.content == "backup"
    assert len(fake.requests) == 3


def test_missing_key_fails_at_the_first_call_naming_the_variable(case, monkeypatch):
    env = f"{case.api_type.upper()}_API_KEY"
    monkeypatch.delenv(env, raising=False)
    client = OpenAIWrapper(config_list=[{"api_type": case.api_type, "model": case.model}])  # building never fails
    with pytest.raises(MissingAPIKeyError, match=env):
        client.create(messages=HI)
    with pytest.raises(AssertionError, match=f"set the {env} env variable"):
        case.client_class()()
    monkeypatch.setenv(env, "from-env")
    assert case.client_class()().api_key == "from-env"


# ---- usage and cost ----


def test_usage_and_cost_from_the_price_table_and_the_entrys_price(case, fake):
    fake.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 100}})
    client = OpenAIWrapper(config_list=fake.config_list)
    response = client.create(messages=HI)
    assert response.cost == pytest.approx(case.cost_1000_100)
    summary = client.total_usage_summary[case.model]
    assert (summary["prompt_tokens"], summary["completion_tokens"], summary["total_tokens"]) == (1000, 100, 1100)
    assert summary["cost"] == pytest.approx(case.cost_1000_100)

    fake.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    priced = OpenAIWrapper(config_list=[{**fake.config_list[0], "price": [1.0, 2.0]}])
    assert priced.create(messages=HI).cost == pytest.approx(3.0)


def test_an_unknown_model_costs_nothing_with_a_warning(case):
    with FakeLLMServer(["x"], dialect=case.api_type, model="brand-new-model") as fake, pytest.warns(UserWarning):
        response = OpenAIWrapper(config_list=fake.config_list).create(messages=HI)
    assert response.cost == 0


# ---- any history is a valid request ----

CALL = tool_call("add", {"a": 1}, id="c1")
TRICKY = {
    "empty contents": [{"role": "user", "content": ""}, {"role": "assistant", "content": ""}, {"role": "user", "content": None}],
    "consecutive same roles": [*HI, *HI, {"role": "assistant", "content": "a"}, {"role": "assistant", "content": "b"}],
    "names with spaces": [{"role": "user", "content": "hi", "name": "user proxy"},
                          {"role": "assistant", "content": "yo", "name": "my assistant!"}],
    "result without call": [*HI, {"role": "tool", "tool_call_id": "nope", "content": "3", "name": "add"}],
    "call never answered": [*HI, {"role": "assistant", "content": None, "tool_calls": [CALL]}, {"role": "user", "content": "?"}],
    "half-answered parallel calls": [*HI, {"role": "assistant", "content": None,
                                           "tool_calls": [CALL, tool_call("add", {"a": 2}, id="c2")]},
                                     {"role": "tool", "tool_call_id": "c1", "content": "1"}],
    "answered calls with extra keys": [*HI, {"role": "assistant", "content": None, "tool_calls": [CALL], "name": "bot"},
                                       {"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "1"}],
                                        "name": "add", "tool_responses": []}],
    "legacy function call": [*HI, {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": "{}"}},
                             {"role": "function", "name": "add", "content": "5"}],
    "mid-history system as parts": [*HI, {"role": "system", "content": [{"type": "text", "text": "pick"}]},
                                    {"role": "assistant", "content": "ok"}],
    "starts with assistant": [{"role": "assistant", "content": "hello"}, *HI],
}  # fmt: skip


@pytest.mark.parametrize("name", list(TRICKY))
def test_every_tricky_history_gives_a_request_the_api_accepts(case, fake, name):
    fake.add_replies("fine")
    client = OpenAIWrapper(config_list=fake.config_list)
    assert client.create(messages=TRICKY[name], tools=TOOLS).choices[0].message.content == "fine"
    sent = fake.requests[0].messages
    if name == "names with spaces":
        names = [m.get("name") for m in sent]
        assert names == (["user_proxy", "my_assistant_"] if case.api_type == "together" else [None, None])
    if name == "result without call":
        assert sent[-1] == {"role": "user", "content": "(tool result: 3)"}
    if name == "call never answered":
        assert "tool_calls" not in sent[1] and "called tool add" in sent[1]["content"]
    if name == "half-answered parallel calls":
        assert [c["id"] for c in sent[1]["tool_calls"]] == ["c1"] and "called tool add" in sent[1]["content"]


def test_a_valid_tool_exchange_is_sent_as_tool_messages(case, fake):
    fake.add_replies("3")
    history = [*HI, {"role": "assistant", "content": None, "tool_calls": [CALL]},
               {"role": "tool", "tool_call_id": "c1", "content": "1"}]  # fmt: skip
    OpenAIWrapper(config_list=fake.config_list).create(messages=history, tools=TOOLS)
    sent = fake.requests[0].messages
    assert sent[1] == {"role": "assistant", "content": None, "tool_calls": [CALL]}
    assert sent[2] == {"role": "tool", "tool_call_id": "c1", "content": "1"}


def test_images_reach_the_provider_as_user_content_parts(case, fake):
    fake.add_replies("a cat")
    parts = [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    OpenAIWrapper(config_list=fake.config_list).create(messages=[{"role": "user", "content": parts}])
    assert fake.requests[0].messages == [{"role": "user", "content": parts}]


def test_streamed_tool_calls_without_an_index_are_told_apart_by_their_ids():
    from types import SimpleNamespace as NS

    from autogen.oai.streaming import StreamAssembler

    def chunk(*calls, finish=None):
        delta = NS(content=None, role=None, tool_calls=list(calls))
        return NS(id="x", model="m", created=1, usage=None, choices=[NS(index=0, delta=delta, finish_reason=finish)])

    def call(id, name=None, arguments=None):
        return NS(index=None, id=id, type="function", function=NS(name=name, arguments=arguments))

    assembler = StreamAssembler()
    for c in (chunk(call("a", "add", '{"a"'), call("b", "add", "{}")), chunk(call(None, None, ": 1}"), finish="eos")):
        assembler.add(c)
    message = assembler.result().choices[0]
    assert [(t.id, t.function.arguments) for t in message.message.tool_calls] == [("a", '{"a"'), ("b", "{}: 1}")]
    assert message.finish_reason == "tool_calls"  # Together's "eos" is not a ChatCompletion finish reason


# ---- the SDK client ----


def test_sdk_clients_are_shared_per_endpoint_with_sdk_retries_off(case, fake):
    a = OpenAIWrapper(config_list=fake.config_list)._clients[0]
    b = OpenAIWrapper(config_list=fake.config_list)._clients[0]
    assert a.sdk_client() is b.sdk_client() and a.sdk_client().max_retries == 0
    other = OpenAIWrapper(config_list=[{**fake.config_list[0], "api_key": "other"}])._clients[0]
    assert other.sdk_client() is not a.sdk_client()


def test_the_sdks_own_base_url_form_works_too(case, fake):
    if case.api_type == "together" and not sdk(case).__version__.startswith("3"):
        pytest.skip("together 2.x's own base_url is .../v1, the entry's form")
    fake.add_replies("via the sdk url")
    client = OpenAIWrapper(config_list=[{**fake.config_list[0], "base_url": fake.url}])
    assert client.create(messages=HI).choices[0].message.content == "via the sdk url"
    assert fake.requests[0].path == case.path


def test_together_2x_sdk_routes_keep_the_v1_base_url():
    from autogen.oai.together import _route_prefix

    class Sdk:
        __version__ = "2.42.0"

    assert _route_prefix(Sdk) == ""
    Sdk.__version__ = "3.1.1"
    assert _route_prefix(Sdk) == "/v1"


def test_building_a_wrapper_imports_no_sdk(case):
    code = (
        "import sys\nfrom autogen import OpenAIWrapper\n"
        f"OpenAIWrapper(config_list=[{{'api_type': '{case.api_type}', 'model': 'm', 'api_key': 'k'}}])\n"
        f"print('{case.sdk_module.partition('.')[0]}' in sys.modules, 'openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_missing_sdk_names_the_extra_to_install(case):
    code = (
        "import sys\n"
        f"sys.modules['{case.sdk_module}'] = None\n"  # the import system treats None as 'not installed'
        "from autogen import OpenAIWrapper\n"
        f"c = OpenAIWrapper(config_list=[{{'api_type': '{case.api_type}', 'model': 'm', 'api_key': 'k'}}])\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "IMPORTERROR" in out and f'pip install "ag2[{case.api_type}]"' in out


def test_response_format_is_ignored_with_ag2s_warning(case, fake):
    fake.add_replies("plain")
    with pytest.warns(UserWarning, match="response_format is not supported"):
        client = OpenAIWrapper(config_list=[{**fake.config_list[0], "response_format": {"type": "json_object"}}])
    client.create(messages=HI)
    assert "response_format" not in fake.requests[0].body


# ---- the fake server refuses what the real API refuses ----


@pytest.mark.parametrize(
    ("api_type", "body", "error"),
    [
        ("groq", {"messages": [{"role": "tool", "tool_call_id": "x", "content": "1", "name": "add"}]}, "role 'tool'"),
        ("groq", {"messages": [{"role": "user", "content": "a", "metadata": {}}]}, "property 'metadata' is unsupported"),
        ("groq", {"messages": HI, "n": 2}, "'n' : number must be at most 1"),
        ("groq", {"messages": [{"role": "assistant", "content": None}]}, "value must be a string"),
        ("cerebras", {"messages": HI, "frequency_penalty": 0.5}, "'frequency_penalty' is not supported"),
        ("together", {"messages": [{"role": "system", "content": [{"type": "text", "text": "s"}]}]}, "must be a string"),
        ("together", {"messages": [*HI, {"role": "assistant", "content": None, "tool_calls": [CALL]}]},
         "did not have response messages"),
    ],
)  # fmt: skip
def test_the_fake_server_answers_invalid_requests_with_the_apis_400(api_type, body, error):
    import httpx

    with FakeLLMServer(["unused"], dialect=api_type) as fake:
        route = {"groq": "/openai/v1", "cerebras": "/v1", "together": "/v1"}[api_type]
        answer = httpx.post(fake.url + route + "/chat/completions", json={"model": "m", **body})
        assert answer.status_code == 400 and error in answer.text
        assert fake.remaining_replies == 1


def test_cerebras_errors_are_flat_objects():
    import httpx

    with FakeLLMServer([Fault.error(401, "Wrong API Key")], dialect="cerebras") as fake:
        answer = httpx.post(fake.url + "/v1/chat/completions", json={"model": "m", "messages": HI})
        assert answer.status_code == 401 and answer.json()["message"] == "Wrong API Key"


# ---- agents ----


def test_two_agent_tool_chat_with_parallel_calls(case, fake, recording_stream):
    fake.add_replies(
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="t1"), tool_call("add", {"a": 3, "b": 4}, id="t2")]},
        "The sums are 3 and 7. TERMINATE",
    )
    assistant = ConversableAgent("assistant", llm_config=fake.llm_config, system_message="You add numbers.")
    user = ConversableAgent(
        "user proxy",  # a name with a space
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
    second = fake.requests[1].messages
    assert [m["role"] for m in second] == ["system", "user", "assistant", "tool", "tool"]
    assert [c["id"] for c in second[2]["tool_calls"]] == ["t1", "t2"]
    assert [(m["tool_call_id"], m["content"]) for m in second[3:]] == [("t1", "3"), ("t2", "7")]
    assert fake.requests[1].body["tools"][0]["function"]["name"] == "add"
    assert result.cost["usage_including_cached_inference"]["total_cost"] > 0
