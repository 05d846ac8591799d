"""OpenAI-style histories as Converse requests (autogen.oai.bedrock_convert): every history a chat can
produce must give a request the Converse API accepts. The structure is checked here, and each tricky
history is also sent through the real boto3 client to FakeLLMServer(dialect="bedrock"), which refuses
what the API refuses."""

from __future__ import annotations

import base64
import http.server
import json
import threading

import pytest

from autogen.oai.bedrock_convert import (
    FILLER_TEXT,
    convert_stop_reason_to_finish_reason,
    format_tools,
    normalize_schema,
    oai_messages_to_bedrock_messages,
    parse_image,
    response_to_completion_dict,
    to_bedrock_messages,
    tool_choice,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
TOOLS = [{"type": "function", "function": {"name": "add", "description": "Add.", "parameters": {
    "type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}}}]  # fmt: skip


def call(id_, name="add", args='{"a": 1, "b": 2}'):
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


def texts(message):
    return [b["text"] for b in message["content"] if "text" in b]


def convert(messages, has_tools=True, system_prompts=True):
    return to_bedrock_messages(messages, has_tools=has_tools, supports_system_prompts=system_prompts)


# ---- the plain cases ----


def test_system_prompts_travel_apart_and_names_are_dropped():
    system, messages = convert(
        [
            {"role": "system", "content": "Be brief."},
            {"role": "system", "content": "  "},
            {"role": "user", "name": "Ada Lovelace", "content": "hi"},
        ]
    )
    assert system == [{"text": "Be brief."}]
    assert messages == [{"role": "user", "content": [{"text": "hi"}]}]


def test_without_system_prompt_support_the_system_message_is_a_user_turn_kept_alternating():
    messages = oai_messages_to_bedrock_messages(
        [{"role": "system", "content": "rules"}, {"role": "user", "content": "q"}], False, False
    )
    assert [(m["role"], texts(m)) for m in messages] == [
        ("user", ["rules"]), ("assistant", [FILLER_TEXT]), ("user", ["q"]),
    ]  # fmt: skip


def test_a_history_ending_with_the_assistant_gets_a_user_turn():
    messages = oai_messages_to_bedrock_messages(
        [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], False, True
    )
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert texts(messages[-1]) == [FILLER_TEXT]


def test_the_input_messages_are_not_changed():
    history = [{"role": "system", "content": "rules"}, {"role": "user", "content": "q"}]
    oai_messages_to_bedrock_messages(history, False, False)
    assert history[0]["role"] == "system"


# ---- tool calls ----


def test_parallel_calls_and_their_results_pair_up():
    _, messages = convert(
        [
            {"role": "user", "content": "add"},
            {"role": "assistant", "content": "Adding.", "tool_calls": [call("c1"), call("c2", args='{"a": 3}')]},
            {"role": "tool", "tool_call_id": "c1", "content": "3"},
            {"role": "tool", "tool_call_id": "c2", "content": "7"},
        ]
    )
    assert messages[1] == {"role": "assistant", "content": [
        {"text": "Adding."},
        {"toolUse": {"toolUseId": "c1", "name": "add", "input": {"a": 1, "b": 2}}},
        {"toolUse": {"toolUseId": "c2", "name": "add", "input": {"a": 3}}},
    ]}  # fmt: skip
    assert messages[2] == {"role": "user", "content": [
        {"toolResult": {"toolUseId": "c1", "content": [{"text": "3"}]}},
        {"toolResult": {"toolUseId": "c2", "content": [{"text": "7"}]}},
    ]}  # fmt: skip


def test_a_result_without_its_call_becomes_text():
    _, messages = convert(
        [
            {"role": "user", "content": "go"},
            {"role": "tool", "tool_call_id": "ghost", "content": "42"},
        ]
    )
    assert not any("toolResult" in b for m in messages for b in m["content"])
    assert "Running the function returned: 42" in [t for m in messages for t in texts(m)]


def test_an_unanswered_call_becomes_text_and_a_partly_answered_turn_keeps_the_answered_call():
    _, messages = convert(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("a1"), call("a2")]},
            {"role": "tool", "tool_call_id": "a1", "content": "ok"},
            {"role": "user", "content": "and?"},
            {"role": "assistant", "content": None, "tool_calls": [call("never")]},
        ]
    )
    uses = [b["toolUse"]["toolUseId"] for m in messages for b in m["content"] if "toolUse" in b]
    results = [b["toolResult"]["toolUseId"] for m in messages for b in m["content"] if "toolResult" in b]
    assert uses == results == ["a1"]
    assert any(t.startswith("(called tool add") for m in messages for t in texts(m))
    assert messages[-1]["role"] == "user"


def test_tool_ids_the_api_rejects_are_rewritten_consistently_and_kept_unique():
    long_id = "x" * 100
    _, messages = convert(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("call.1/a b"), call(long_id)]},
            {"role": "tool", "tool_call_id": "call.1/a b", "content": "1"},
            {"role": "tool", "tool_call_id": long_id, "content": "2"},
            {"role": "assistant", "content": None, "tool_calls": [call("call.1/a b")]},  # an id used again
            {"role": "tool", "tool_call_id": "call.1/a b", "content": "3"},
        ]
    )
    uses = [b["toolUse"]["toolUseId"] for m in messages for b in m["content"] if "toolUse" in b]
    results = [b["toolResult"]["toolUseId"] for m in messages for b in m["content"] if "toolResult" in b]
    assert uses == results and len(set(uses)) == 3
    assert all(len(u) <= 64 and u.replace("_", "").replace("-", "").isalnum() for u in uses)


def test_without_tools_calls_and_results_are_text():
    _, messages = convert(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("c1"), call("c2", name="mul")]},
            {"role": "tool", "tool_call_id": "c1", "content": "3"},
        ],
        has_tools=False,
    )
    blocks = [b for m in messages for b in m["content"]]
    assert all(set(b) == {"text"} for b in blocks)
    assert "Some internal function(s) that could be used: [add, mul]" in [b["text"] for b in blocks]


def test_malformed_arguments_and_an_empty_result_still_give_valid_blocks():
    _, messages = convert(
        [
            {"role": "user", "content": "go"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [call("c1", args="{not json"), call("c2", args="[1, 2]")],
            },
            {"role": "tool", "tool_call_id": "c1", "content": ""},
            {"role": "tool", "tool_call_id": "c2", "content": "ok"},
        ]
    )
    inputs = [b["toolUse"]["input"] for b in messages[1]["content"]]
    assert inputs == [{"raw_arguments": "{not json"}, {"value": [1, 2]}]
    assert messages[2]["content"][0]["toolResult"]["content"] == [{"text": "(no output)"}]


def test_legacy_function_calls_are_text():
    _, messages = convert(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": "{}"}},
            {"role": "function", "name": "add", "content": "5"},
        ]
    )
    assert all(set(b) == {"text"} for m in messages for b in m["content"])


# ---- empty and repeated turns ----


def test_empty_messages_are_left_out_and_same_role_runs_get_fillers():
    _, messages = convert(
        [
            {"role": "assistant", "content": "I start."},
            {"role": "user", "content": ""},
            {"role": "assistant", "content": "   "},
            {"role": "assistant", "content": "again"},
            {"role": "user", "content": [{"type": "text", "text": " "}]},
        ]
    )
    assert [(m["role"], texts(m)) for m in messages] == [
        ("user", [FILLER_TEXT]), ("assistant", ["I start."]), ("user", [FILLER_TEXT]),
        ("assistant", ["again"]), ("user", [FILLER_TEXT]),
    ]  # fmt: skip


def test_only_system_messages_still_give_a_user_turn():
    system, messages = convert([{"role": "system", "content": "rules"}])
    assert system == [{"text": "rules"}] and messages == [{"role": "user", "content": [{"text": FILLER_TEXT}]}]


# ---- images ----


def test_data_url_images_are_sent_as_bytes_and_unsupported_ones_as_a_note():
    _, messages = convert([{"role": "user", "content": [
        {"type": "text", "text": "look"},
        {"type": "image_url", "image_url": {"url": PNG_URL}},
        {"type": "image_url", "image_url": {"url": "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode()}},
    ]}])  # fmt: skip
    blocks = messages[0]["content"]
    assert blocks[1] == {"image": {"format": "png", "source": {"bytes": PNG}}}
    assert "image/svg+xml" in blocks[2]["text"]


def test_image_urls_are_downloaded():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        assert parse_image(f"http://127.0.0.1:{server.server_port}/cat.png") == (PNG, "image/png")
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(RuntimeError, match="Unable to access the image url"):
        parse_image(f"http://127.0.0.1:{server.server_port}/gone.png")


# ---- tools and responses ----


def test_tools_keep_their_whole_schema_with_references_inlined():
    params = {"type": "object", "properties": {"item": {"$ref": "#/$defs/Item"}}, "required": ["item"],
              "$defs": {"Item": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}}}  # fmt: skip
    (spec,) = format_tools([{"type": "function", "function": {"name": "f", "parameters": params}}])["tools"]
    schema = spec["toolSpec"]["inputSchema"]["json"]
    assert "description" not in spec["toolSpec"]  # the API refuses an empty description
    assert schema["properties"]["item"]["properties"]["n"] == {"type": "integer", "minimum": 1}
    assert "$defs" not in schema and schema["required"] == ["item"]


def test_a_model_parameters_own_defs_are_inlined_too():
    # the shape of ag2's tool schemas: each pydantic-model parameter carries its nested models in "$defs"
    item = {"$defs": {"Part": {"type": "object", "properties": {"n": {"type": "integer"}}}},
            "type": "object", "properties": {"part": {"$ref": "#/$defs/Part"}}, "description": "item"}  # fmt: skip
    params = {"type": "object", "properties": {"item": item, "k": {"type": "string"}}, "required": ["item"]}
    (spec,) = format_tools([{"type": "function", "function": {"name": "f", "parameters": params}}])["tools"]
    schema = spec["toolSpec"]["inputSchema"]["json"]
    assert schema["properties"]["item"] == {
        "type": "object", "properties": {"part": {"type": "object", "properties": {"n": {"type": "integer"}}}},
        "description": "item",
    }  # fmt: skip
    assert schema["properties"]["k"] == {"type": "string"}
    assert "$ref" not in json.dumps(schema)


def test_recursive_and_broken_references():
    recursive = {"type": "object", "properties": {"node": {"$ref": "#/$defs/Node"}},
                 "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}}}  # fmt: skip
    out = normalize_schema(recursive)
    assert out["properties"]["node"]["properties"]["next"] == {"$ref": "#/$defs/Node"} and "$defs" in out
    with pytest.raises(ValueError, match="not found"):
        normalize_schema({"properties": {"x": {"$ref": "#/$defs/Missing"}}})
    with pytest.raises(ValueError, match="Unsupported"):
        normalize_schema({"properties": {"x": {"$ref": "http://example.com/s.json"}}})


def test_tool_choice_mapping():
    assert tool_choice("auto", ["add"]) == {"auto": {}}
    assert tool_choice("required", ["add"]) == {"any": {}}
    assert tool_choice({"type": "function", "function": {"name": "add"}}, ["add"]) == {"tool": {"name": "add"}}
    assert tool_choice("none", ["add"]) is None and tool_choice({"function": {"name": "x"}}, ["add"]) is None


def test_stop_reasons_and_a_response_with_text_and_calls():
    assert convert_stop_reason_to_finish_reason("end_turn") == "stop"
    assert convert_stop_reason_to_finish_reason("max_tokens") == "length"
    assert convert_stop_reason_to_finish_reason("guardrail_intervened") == "content_filter"
    response = {
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "hmm"}}}, {"text": "Let me add."},
            {"toolUse": {"toolUseId": "tooluse_1", "name": "add", "input": {"a": 1}}}]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "ResponseMetadata": {"RequestId": "req-1"},
    }  # fmt: skip
    out = response_to_completion_dict(response, "m")
    message = out["choices"][0]["message"]
    assert out["id"] == "req-1" and out["choices"][0]["finish_reason"] == "tool_calls"
    assert message["content"] == "Let me add." and json.loads(message["tool_calls"][0]["function"]["arguments"]) == {
        "a": 1
    }
    assert out["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
    response["stopReason"] = "malformed_model_output"
    assert response_to_completion_dict(response, "m")["choices"][0]["finish_reason"] == "stop"


# ---- every tricky history is a request the (fake) API accepts ----

# fmt: off
TRICKY = {
    "result without call": [{"role": "user", "content": "go"}, {"role": "tool", "tool_call_id": "x", "content": "1"}],
    "empty content": [{"role": "user", "content": ""}, {"role": "assistant", "content": None},
                      {"role": "user", "content": "hi"}],
    "same-role runs": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"},
                       {"role": "assistant", "content": "c"}, {"role": "assistant", "content": "d"}],
    "names with spaces": [{"role": "user", "name": "Ada Lovelace", "content": "hi"},
                          {"role": "assistant", "name": "Mr Bot", "content": "yo"}],
    "parallel calls": [{"role": "user", "content": "go"},
                       {"role": "assistant", "content": None, "tool_calls": [call("p1"), call("p2")]},
                       {"role": "tool", "tool_call_id": "p1", "content": "1"},
                       {"role": "tool", "tool_call_id": "p2", "content": "2"},
                       {"role": "user", "content": "thanks"}],
    "unanswered call": [{"role": "user", "content": "go"},
                        {"role": "assistant", "content": None, "tool_calls": [call("u1")]}],
    "rejected ids": [{"role": "user", "content": "go"},
                     {"role": "assistant", "content": None, "tool_calls": [call("id with spaces!"), call("i" * 90)]},
                     {"role": "tool", "tool_call_id": "id with spaces!", "content": "1"},
                     {"role": "tool", "tool_call_id": "i" * 90, "content": "2"}],
    "image": [{"role": "user", "content": [{"type": "text", "text": "see"}, {"type": "image_url", "image_url": {"url": PNG_URL}}]}],
    "starts with assistant": [{"role": "assistant", "content": "hello"}, {"role": "tool", "tool_call_id": "z", "content": ""}],
}
# fmt: on


@pytest.fixture(scope="module")
def bedrock():
    pytest.importorskip("boto3")
    from autogen.testing import FakeLLMServer

    with FakeLLMServer(default_reply="fine", dialect="bedrock") as server:
        yield server


@pytest.mark.parametrize("with_tools", [True, False], ids=["tools", "no-tools"])
@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_histories_are_accepted_by_the_fake_api(bedrock, name, with_tools):
    from autogen import OpenAIWrapper

    bedrock.clear_requests()
    client = OpenAIWrapper(config_list=[{**bedrock.config_list[0], "max_retries": 0, "price": [0.001, 0.002]}])
    extra = {"tools": TOOLS} if with_tools else {}
    response = client.create(messages=[{"role": "system", "content": "sys"}, *TRICKY[name]], **extra)
    assert response.choices[0].message.content == "fine"
    assert len(bedrock.requests) == 1
