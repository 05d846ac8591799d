"""The Ollama client through the real ``ollama`` SDK against FakeLLMServer(dialect="ollama"): text, native
and manual tool calls, streaming (NDJSON), async, structured output, errors (retry, fallback, unknown
model, refused connection), tricky histories the server must accept, sharing of SDK clients, the
missing-SDK message, and the fake server's own request checks."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
import warnings

import pytest

pytest.importorskip("ollama")

from pydantic import BaseModel

from autogen import OpenAIWrapper
from autogen.llm_config import LLMConfig
from autogen.oai.errors import LLMCallError
from autogen.oai.ollama import OllamaClient, OllamaLLMConfigEntry, response_to_tool_call
from autogen.testing import FakeLLMServer, Fault, tool_call

MODEL = "llama3.1:8b"
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
def ollama():
    with FakeLLMServer(dialect="ollama", model=MODEL) as server:
        yield server


def _wrapper(server: FakeLLMServer, **entry) -> OpenAIWrapper:
    return OpenAIWrapper(config_list=[{**server.config_list[0], **entry}])


def test_text_reply_with_usage_and_zero_cost(ollama):
    ollama.add_replies({"content": "Hello from Ollama.", "usage": {"prompt_tokens": 12, "completion_tokens": 5}})
    client = _wrapper(ollama)
    response = client.create(messages=[{"role": "system", "content": "Be brief."}, *HI])
    assert client.extract_text_or_completion_object(response) == ["Hello from Ollama."]
    assert response.choices[0].finish_reason == "stop"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens, response.usage.total_tokens) == (12, 5, 17)
    assert response.cost == 0 and response.model == MODEL
    sent = ollama.requests[0]
    assert sent.path == "/api/chat" and sent.body["stream"] is False
    assert sent.messages == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
    assert "options" not in sent.body and "format" not in sent.body


def test_model_options_and_the_entry_class(ollama):
    ollama.add_replies("ok")
    entry = OllamaLLMConfigEntry(
        model=MODEL, client_host=ollama.url, num_ctx=8192, temperature=0.2, top_k=20, seed=7, repeat_penalty=1.2
    )
    client = OpenAIWrapper(config_list=LLMConfig(entry).config_list)
    client.create(messages=HI, max_tokens=64, stop="END", top_p=0.5)
    options = ollama.requests[0].body["options"]
    assert options == {
        "num_ctx": 8192, "temperature": 0.2, "top_k": 20, "seed": 7, "repeat_penalty": 1.2, "top_p": 0.5,
        "num_predict": 64, "stop": ["END"],
    }  # fmt: skip


def test_parallel_native_tool_calls_come_back_as_openai_tool_calls(ollama):
    ollama.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]})
    client = _wrapper(ollama)
    response = client.create(messages=[{"role": "user", "content": "add"}], tools=TOOLS)
    (message,) = client.extract_text_or_completion_object(response)
    assert [json.loads(tc.function.arguments) for tc in message.tool_calls] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    assert len({tc.id for tc in message.tool_calls}) == 2
    assert all(tc.id.startswith("ollama_func_") for tc in message.tool_calls)
    assert response.choices[0].finish_reason == "tool_calls"
    assert ollama.requests[0].body["tools"][0]["function"]["name"] == "add"


def test_tool_results_reach_the_model_as_text_naming_their_call(ollama):
    ollama.add_replies("3 and 7")
    history = [
        {"role": "system", "content": "You add."},
        {"role": "user", "content": "add"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="c1"), tool_call("add", {"a": 3, "b": 4}, id="c2")],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "3"},
        {"role": "tool", "tool_call_id": "c2", "content": "7"},
    ]
    _wrapper(ollama).create(messages=history, tools=TOOLS)
    sent = ollama.requests[0].messages
    assert [m["role"] for m in sent] == ["system", "user", "user", "user"]
    assert sent[2]["content"].startswith("The following function was run: add with arguments")
    assert '"a": 1' in sent[2]["content"] and sent[2]["content"].endswith("Result: 3")
    assert '"a": 3' in sent[3]["content"] and sent[3]["content"].endswith("Result: 7")


def test_manual_tool_calling_describes_the_tools_and_reads_the_json_back(ollama):
    ollama.add_replies('Sure: [{"name": "add", "arguments": {"a": 2, "b": 5}}]', "The sum is 7.")
    client = _wrapper(ollama, native_tool_calls=False)
    history = [{"role": "system", "content": "You add."}, {"role": "user", "content": "2+5?"}]
    response = client.create(messages=history, tools=TOOLS)
    message = response.choices[0].message
    assert response.choices[0].finish_reason == "tool_calls" and message.content == ""
    assert message.tool_calls[0].id.startswith("ollama_manual_func_")
    assert json.loads(message.tool_calls[0].function.arguments) == {"a": 2, "b": 5}
    first = ollama.requests[0].body
    assert not first["tools"] and first["format"] == ""
    assert first["messages"][0]["content"].startswith("You add.") and '"name": "add"' in first["messages"][0]["content"]
    assert first["messages"][-1]["content"] == "2+5?" + OllamaClient.TOOL_CALL_MANUAL_STEP1

    history += [
        {"role": "assistant", "content": "", "tool_calls": [tc.model_dump() for tc in message.tool_calls]},
        {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "7"},
    ]
    response = client.create(messages=history, tools=TOOLS)
    assert response.choices[0].message.content == "The sum is 7." and response.choices[0].finish_reason == "stop"
    last = ollama.requests[1].messages[-1]
    assert last["role"] == "user" and last["content"].endswith("Result: 7" + OllamaClient.TOOL_CALL_MANUAL_STEP2)


def test_manual_prompts_can_be_replaced(ollama):
    ollama.add_replies("no tools needed")
    client = _wrapper(
        ollama,
        native_tool_calls=False,
        manual_tool_call_instruction=" Tools:[FUNCTIONS_LIST]",
        manual_tool_call_step1=" [go]",
    )
    client.create(messages=[{"role": "system", "content": "S."}, *HI], tools=TOOLS)
    sent = ollama.requests[0].messages
    assert sent[0]["content"].startswith("S. Tools:\n{") and sent[-1]["content"] == "hi [go]"


def test_manual_tool_calls_are_found_in_loose_answers():
    assert response_to_tool_call('{"name": "add", "arguments": {"a": 1}}') == [{"name": "add", "arguments": {"a": 1}}]
    loose = "I'll call it:\n[{'name': 'add', 'arguments': {'a': 1, 'ok': True}}]\nDone."
    assert response_to_tool_call(loose) == [{"name": "add", "arguments": {"a": 1, "ok": True}}]
    assert response_to_tool_call('[{"name": "get\\_weather", "arguments": {}}]') == [
        {"name": "get_weather", "arguments": {}}
    ]
    assert response_to_tool_call('{"answer": 42}') is None
    assert response_to_tool_call("The answer is [1, 2].") is None
    assert response_to_tool_call("") is None


def test_hide_tools_once_any_ran(ollama):
    ollama.add_replies("done")
    history = [
        {"role": "user", "content": "add"},
        {"role": "assistant", "content": None, "tool_calls": [tool_call("add", {"a": 1, "b": 1}, id="c1")]},
        {"role": "tool", "tool_call_id": "c1", "content": "2"},
    ]
    _wrapper(ollama, hide_tools="if_any_run").create(messages=history, tools=TOOLS)
    assert not ollama.requests[0].body["tools"]


def test_streaming_sends_text_pieces_over_ndjson(ollama, recording_stream):
    ollama.add_replies({"content": "one two three four", "usage": {"prompt_tokens": 9, "completion_tokens": 4}})
    response = _wrapper(ollama, stream=True).create(messages=HI)
    assert response.choices[0].message.content == "one two three four"
    pieces = [e.content.content for e in recording_stream.events if type(e).__name__ == "StreamEvent"]
    assert len(pieces) > 1 and "".join(pieces) == "one two three four"
    assert ollama.requests[0].body["stream"] is True
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (9, 4)


def test_streaming_is_switched_off_for_native_tool_calls(ollama):
    ollama.add_replies({"tool_calls": [tool_call("add", {"a": 5, "b": 6})]})
    with pytest.warns(UserWarning, match="Streaming is not supported"):
        response = _wrapper(ollama, stream=True).create(messages=HI, tools=TOOLS)
    assert ollama.requests[0].body["stream"] is False
    assert json.loads(response.choices[0].message.tool_calls[0].function.arguments) == {"a": 5, "b": 6}


def test_streamed_manual_tool_calls_are_read_from_the_whole_answer(ollama, recording_stream):
    ollama.add_replies('[{"name": "add", "arguments": {"a": 1, "b": 2}}]')
    response = _wrapper(ollama, stream=True, native_tool_calls=False).create(
        messages=[{"role": "system", "content": "S"}, *HI], tools=TOOLS
    )
    assert response.choices[0].message.tool_calls[0].function.name == "add"
    assert not [e for e in recording_stream.events if type(e).__name__ == "StreamEvent"]


async def test_async_create_and_async_streaming(ollama):
    ollama.add_replies("async answer", "streamed async answer")
    client = _wrapper(ollama)
    assert (await client.a_create(messages=HI)).choices[0].message.content == "async answer"
    response = await client.a_create(messages=HI, stream=True)
    assert response.choices[0].message.content == "streamed async answer"
    assert ollama.requests[1].body["stream"] is True


class Sum(BaseModel):
    total: int

    def format(self) -> str:
        return f"The total is {self.total}."


def test_structured_output_sends_the_schema_as_format(ollama):
    ollama.add_replies('{"total": 7}', '{"total": 8}')
    client = OpenAIWrapper(config_list=ollama.config_list, response_format=Sum)
    response = client.create(messages=HI)
    assert ollama.requests[0].body["format"] == Sum.model_json_schema()
    assert client.extract_text_or_completion_object(response) == ["The total is 7."]

    openai_form = {"type": "json_schema", "json_schema": {"name": "s", "schema": {"type": "object"}}}
    _wrapper(ollama, response_format=openai_form).create(messages=HI)
    assert ollama.requests[1].body["format"] == {"type": "object"}


def test_rate_limit_is_retried_after_the_servers_retry_after(ollama):
    ollama.add_replies(Fault.rate_limit(retry_after=0.3), "after the wait")
    start = time.monotonic()
    response = _wrapper(ollama).create(messages=HI)
    assert response.choices[0].message.content == "after the wait"
    assert time.monotonic() - start >= 0.3 and len(ollama.requests) == 2


@pytest.mark.parametrize(
    "fault", [Fault.server_error(503), Fault.drop_connection(), Fault.malformed_json()], ids=lambda f: f.kind
)
@pytest.mark.parametrize("stream", [False, True])
def test_transient_failures_are_retried(ollama, fault, stream):
    ollama.add_replies(fault, "recovered")
    response = _wrapper(ollama, retry_base_delay=0.01, stream=stream).create(messages=HI)
    assert response.choices[0].message.content == "recovered"


@pytest.mark.parametrize("status", [400, 401, 403])
def test_client_errors_are_not_retried_and_keep_the_sdk_type(ollama, status):
    import ollama as sdk

    ollama.add_replies(Fault.error(status, "unauthorized"), "never sent")
    with pytest.raises(sdk.ResponseError, match="unauthorized") as info:
        _wrapper(ollama).create(messages=HI)
    assert info.value.status_code == status and len(ollama.requests) == 1


def test_an_unknown_model_says_how_to_get_it(ollama):
    import ollama as sdk

    ollama.add_replies(Fault.error(404, f"model '{MODEL}' not found"))
    with pytest.raises(sdk.ResponseError, match=r"ollama pull llama3\.1:8b") as info:
        _wrapper(ollama).create(messages=HI)
    assert info.value.status_code == 404


def test_auth_failure_falls_back_to_the_next_config(ollama, server):
    ollama.add_replies(Fault.error(401, "unauthorized"))
    server.add_replies("from openai")
    client = OpenAIWrapper(config_list=[*ollama.config_list, *server.config_list])
    assert client.create(messages=HI).choices[0].message.content == "from openai"
    assert len(ollama.requests) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("stream", [False, True])
def test_a_refused_connection_is_retried_then_falls_back(server, stream):
    server.add_replies("backup")
    down = {"api_type": "ollama", "model": MODEL, "client_host": f"http://127.0.0.1:{_closed_port()}", "stream": stream}
    client = OpenAIWrapper(config_list=[down, *server.config_list], retry_base_delay=0.01, max_retries=1)
    assert client.create(messages=HI).choices[0].message.content == "backup"
    with pytest.raises(LLMCallError, match="Could not connect to Ollama at http://127.0.0.1:") as info:
        OpenAIWrapper(config_list=[down], retry_base_delay=0.01, max_retries=1).create(messages=HI)
    assert isinstance(info.value.last_error, ConnectionError)


def test_the_host_comes_from_client_host_base_url_or_the_environment(ollama, monkeypatch):
    assert OllamaClient(model=MODEL, client_host="http://box:11434/").base_url == "http://box:11434"
    assert OllamaClient(model=MODEL, base_url="http://box:11434/v1").base_url == "http://box:11434"
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    assert OllamaClient(model=MODEL).base_url == "http://localhost:11434"
    monkeypatch.setenv("OLLAMA_HOST", "http://elsewhere:1234")
    assert OllamaClient(model=MODEL).base_url == "http://elsewhere:1234"
    # a config written for the OpenAI-compatible endpoint keeps working
    ollama.add_replies("via base_url")
    client = OpenAIWrapper(config_list=[{"api_type": "ollama", "model": MODEL, "base_url": ollama.url + "/v1"}])
    assert client.create(messages=HI).choices[0].message.content == "via base_url"


def test_an_api_key_is_sent_as_a_bearer_token(ollama):
    ollama.add_replies("ok")
    _wrapper(ollama, api_key="secret-key").create(messages=HI)
    assert ollama.requests[0].headers["authorization"] == "Bearer secret-key"


def test_the_entrys_price_is_used_for_cost(ollama):
    ollama.add_replies({"content": "x", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}})
    assert _wrapper(ollama, price=[1.0, 2.0]).create(messages=HI).cost == pytest.approx(3.0)


PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
TRICKY = {
    "tool result without its call": [{"role": "tool", "tool_call_id": "gone", "content": "42"}],
    "empty and None content": [
        {"role": "user", "content": ""},
        {"role": "assistant", "content": None},
        {"role": "user", "content": "still there?"},
    ],
    "consecutive same roles": [
        {"role": "user", "content": "a"},
        {"role": "user", "content": "b"},
        {"role": "assistant", "content": "c"},
        {"role": "assistant", "content": "d"},
    ],
    "names with spaces": [{"role": "user", "name": "user proxy", "content": "hi"}],
    "image parts": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "what is this?"},
                {"type": "image_url", "image_url": {"url": PNG}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
            ],
        }
    ],
    "a call never answered": [
        {"role": "user", "content": "add"},
        {"role": "assistant", "content": "calling", "tool_calls": [tool_call("add", {"a": 1}, id="x")]},
    ],
    "legacy function messages": [
        {"role": "user", "content": "add"},
        {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": "{}"}},
        {"role": "function", "name": "add", "content": "0"},
    ],
    "a trailing system message": [{"role": "user", "content": "hi"}, {"role": "system", "content": "Summarise."}],
}


@pytest.mark.parametrize("history", TRICKY.values(), ids=TRICKY.keys())
@pytest.mark.parametrize("native", [True, False])
def test_any_history_makes_a_request_ollama_accepts(ollama, history, native):
    ollama.add_replies("fine")
    client = _wrapper(ollama, native_tool_calls=native)
    assert client.create(messages=history, tools=TOOLS).choices[0].message.content == "fine"
    sent = ollama.requests[0].messages
    assert sent[-1]["role"] in ("user", "system") and all("name" not in m for m in sent)


def test_how_tricky_histories_are_sent(ollama):
    ollama.add_replies(*["ok"] * 4)
    client = _wrapper(ollama)
    client.create(messages=TRICKY["image parts"])
    (image_message,) = ollama.requests[0].messages
    assert image_message["images"] == [PNG.split(",", 1)[1]]
    assert image_message["content"] == "what is this?\n(image: https://example.com/cat.png)"
    client.create(messages=TRICKY["a call never answered"])
    assert ollama.requests[1].messages == [{"role": "user", "content": "add"}]  # the call is left out
    client.create(messages=TRICKY["a trailing system message"])
    assert ollama.requests[2].messages[-1] == {"role": "user", "content": "Summarise."}
    client.create(messages=TRICKY["tool result without its call"])
    assert ollama.requests[3].messages[0]["content"] == "The following function was run: call id gone. Result: 42"


def test_sdk_clients_are_shared_per_host(ollama):
    a = OpenAIWrapper(config_list=ollama.config_list)._clients[0]
    b = OpenAIWrapper(config_list=ollama.config_list)._clients[0]
    assert a.sdk_client() is b.sdk_client()
    assert a.sdk_client() is not OllamaClient(model=MODEL, client_host="http://other:1").sdk_client()


def test_missing_sdk_names_the_extra_to_install():
    code = (
        "import sys\n"
        "sys.modules['ollama'] = None\n"
        "from autogen import OpenAIWrapper\n"
        "c = OpenAIWrapper(config_list=[{'api_type': 'ollama', 'model': 'llama3'}])\n"
        "try:\n"
        "    c.create(messages=[{'role': 'user', 'content': 'hi'}])\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "IMPORTERROR" in out and 'pip install "ag2[ollama]"' in out


def test_building_an_ollama_wrapper_imports_no_sdk():
    code = (
        "import sys\nfrom autogen import OpenAIWrapper\n"
        "OpenAIWrapper(config_list=[{'api_type': 'ollama', 'model': 'llama3'}])\n"
        "print('ollama' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"messages": HI}, "model is required"),
        (
            {"model": MODEL, "messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]},
            "unmarshal array",
        ),
        ({"model": MODEL, "messages": [{"role": "function", "content": "x"}]}, "invalid role"),
        (
            {
                "model": MODEL,
                "messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}],
            },
            "arguments",
        ),
        ({"model": MODEL, "messages": HI, "options": {"num_ctx": "big"}}, 'option "num_ctx" must be of type integer'),
        ({"model": MODEL, "messages": HI, "options": {"stop": "END"}}, 'option "stop" must be of type array'),
        ({"model": MODEL, "messages": [{"role": "user", "content": "x", "images": ["not base64!"]}]}, "base64"),
    ],
)
def test_the_fake_server_refuses_what_ollama_refuses(ollama, body, error):
    import httpx

    ollama.add_replies("unused")
    r = httpx.post(f"{ollama.url}/api/chat", json=body)
    assert r.status_code == 400 and error in r.json()["error"]
    assert ollama.remaining_replies == 1


def test_the_fake_server_streams_ndjson_by_default(ollama):
    import httpx

    ollama.add_replies({"tool_calls": [tool_call("add", {"a": 1, "b": 2})]})
    r = httpx.post(f"{ollama.url}/api/chat", json={"model": MODEL, "messages": HI})
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert lines[0]["message"]["tool_calls"][0]["function"]["arguments"] == {"a": 1, "b": 2}
    assert lines[-1]["done"] is True and lines[-1]["eval_count"] > 0 and lines[-1]["prompt_eval_count"] > 0


def test_ag2_names_are_kept():
    client = OllamaClient()
    client._native_tool_calls, client._tools_in_conversation = True, False
    assert client.parse_params({"model": MODEL, "num_ctx": 4096}) == {
        "model": MODEL,
        "stream": False,
        "options": {"num_ctx": 4096},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        messages = client.oai_messages_to_ollama_messages([{"role": "user", "name": "a b", "content": "x"}], None)
    assert messages == [{"role": "user", "content": "x"}]
