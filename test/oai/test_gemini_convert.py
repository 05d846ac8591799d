"""OpenAI-style histories -> Gemini contents: each converted request must pass the fake Gemini API's
own checks (written independently from the API's rules)."""

from __future__ import annotations

import base64
import json

import pytest

from autogen.oai.gemini_convert import (
    build_generate_request,
    convert_tools,
    gemini_schema,
    part_tool_call,
    response_to_completion_dict,
    to_gemini_contents,
)
from autogen.testing.gemini_wire import check_request


def _camel(obj):
    """The wire (camelCase) form of the snake_case dicts the converter hands the SDK."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            head, *rest = key.split("_")
            out[head + "".join(w.title() for w in rest)] = _camel(value)
        return out
    if isinstance(obj, list):
        return [_camel(v) for v in obj]
    return obj


def wire(messages, tools=None):
    _, contents, config = build_generate_request({"model": "gemini-2.5-flash", "messages": messages, "tools": tools})
    body = {"contents": _camel(contents)}
    if "tools" in config:
        body["tools"] = _camel(config["tools"])
    return body


def call(id_, name="add", args='{"a": 1}'):
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


TOOLS = [
    {
        "type": "function",
        "function": {"name": "add", "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}},
    }
]

TRICKY = {
    "system only": [{"role": "system", "content": "be nice"}],
    "empty contents everywhere": [
        {"role": "user", "content": ""},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "  "},
    ],
    "starts with assistant": [{"role": "assistant", "content": "hello"}, {"role": "user", "content": "hi"}],
    "ends with assistant": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
    "consecutive users": [
        {"role": "user", "content": "a", "name": "x y"},
        {"role": "user", "content": "b", "name": "z"},
    ],
    "result without call": [
        {"role": "user", "content": "hi"},
        {"role": "tool", "tool_call_id": "nope", "content": "3"},
    ],
    "call never answered": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call("c1")]},
        {"role": "user", "content": "never mind"},
    ],
    "half-answered parallel calls": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call("c1"), call("c2", "sub")]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
    ],
    "call after call": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "thinking", "tool_calls": [call("c1")]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
        {"role": "assistant", "content": None, "tool_calls": [call("c2")]},
        {"role": "tool", "tool_call_id": "c2", "content": '{"x": 2}'},
        {"role": "user", "content": "and?"},
    ],
    "legacy function call": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": "{}"}},
        {"role": "function", "name": "add", "content": "5"},
    ],
    "mid-history system": [
        {"role": "user", "content": "hi"},
        {"role": "system", "content": "pick"},
        {"role": "assistant", "content": "ok"},
    ],
}


@pytest.mark.parametrize("name", list(TRICKY))
def test_every_tricky_history_gives_a_request_the_api_accepts(name):
    body = wire(TRICKY[name], TOOLS)
    assert check_request(body) is None, (name, json.dumps(body))


def test_roles_system_and_named_function_responses():
    history = [{"role": "system", "content": "S"}, *TRICKY["call after call"], {"role": "system", "content": "pick"}]
    system, contents = to_gemini_contents(history)
    assert system == "S"  # the leading system message; a later one is a user turn, as ag2 sends it
    assert [t["role"] for t in contents] == ["user", "model", "user", "model", "user", "user", "user"]
    assert contents[1]["parts"] == [{"text": "thinking"}, {"function_call": {"name": "add", "args": {"a": 1}}}]
    assert contents[4]["parts"] == [{"function_response": {"name": "add", "response": {"result": {"x": 2}}}}]
    assert contents[5]["parts"] == [{"text": "and?"}] and contents[6]["parts"] == [{"text": "pick"}]


def test_unanswered_calls_and_orphan_results_become_text():
    _, contents = to_gemini_contents(TRICKY["call never answered"])
    assert "function_call" not in json.dumps(contents) and "called tool add" in json.dumps(contents)
    _, contents = to_gemini_contents(TRICKY["result without call"])
    assert contents == [
        {"role": "user", "parts": [{"text": "hi"}]},
        {"role": "user", "parts": [{"text": "(tool result: 3)"}]},
    ]


def test_turns_are_kept_apart_except_parallel_results_and_calls_and_the_chat_starts_and_ends_with_user():
    # the API takes consecutive same-role turns (ag2 sends them so); blank text is "empty"
    _, contents = to_gemini_contents(TRICKY["consecutive users"] + [{"role": "user", "content": ""}])
    assert [t["parts"] for t in contents] == [[{"text": "a"}], [{"text": "b"}], [{"text": "empty"}]]
    _, contents = to_gemini_contents(TRICKY["starts with assistant"] + [{"role": "assistant", "content": "more"}])
    assert [t["role"] for t in contents] == ["user", "model", "user", "model", "user"]
    _, contents = to_gemini_contents([
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "let me see"},
        {"role": "assistant", "content": None, "tool_calls": [call("c1"), call("c2", "sub")]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
        {"role": "tool", "tool_call_id": "c2", "content": "2"},
    ])  # fmt: skip
    assert [len(t["parts"]) for t in contents] == [1, 3, 2]
    assert [p["function_response"]["name"] for p in contents[2]["parts"]] == ["add", "sub"]


def test_thought_signatures_ride_on_tool_calls_back_to_the_api():
    sig = base64.b64encode(b"sig-1").decode()
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [{**call("c1"), "thought_signature": sig}, call("c2")]},
        {"role": "tool", "tool_call_id": "c1", "content": "1"},
        {"role": "tool", "tool_call_id": "c2", "content": "2"},
    ]
    _, contents = to_gemini_contents(history, signatures={"c2": b"sig-2"})
    assert [p["thought_signature"] for p in contents[1]["parts"]] == [b"sig-1", b"sig-2"]
    part = {"functionCall": {"name": "add", "args": {"a": 1}}, "thoughtSignature": base64.b64encode(b"s").decode()}
    assert part_tool_call(part)["thought_signature"] == base64.b64encode(b"s").decode()


def test_a_message_without_content_is_sent_as_its_json():
    _, contents = to_gemini_contents([{"role": "user", "version": "v1", "action": {"name": "go"}}])
    assert json.loads(contents[0]["parts"][0]["text"]) == {"version": "v1", "action": {"name": "go"}}


def test_images_become_inline_data_or_file_data():
    _, contents = to_gemini_contents([{"role": "user", "content": [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
    ]}])  # fmt: skip
    parts = contents[0]["parts"]
    assert parts[1] == {"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}}
    assert parts[2] == {"file_data": {"file_uri": "https://example.com/cat.jpg", "mime_type": "image/jpeg"}}


def test_tool_schemas_are_reduced_to_gemini_openapi_subset():
    schema = {
        "type": "object",
        "properties": {
            "item": {"$ref": "#/$defs/Item"},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        },
        "required": ["item"],
        "additionalProperties": False,
        "$defs": {"Item": {"type": "object", "properties": {"n": {"type": "integer"}}, "title": "Item"}},
    }
    out = gemini_schema(schema)
    assert out["properties"]["item"] == {"type": "object", "properties": {"n": {"type": "integer"}}, "title": "Item"}
    assert out["properties"]["note"] == {"nullable": True, "type": "string"}
    assert "$defs" not in out and "additionalProperties" not in out
    (tool,) = convert_tools([{"type": "function", "function": {"name": "f", "description": "d", "parameters": schema}}])
    assert tool["function_declarations"][0]["name"] == "f"
    assert convert_tools(None) == []


def test_generation_settings_and_tool_choice():
    model, _, config = build_generate_request({
        "model": "gemini-2.5-pro", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.2,
        "max_tokens": 50, "stop": "END", "tools": TOOLS, "tool_choice": "required",
    })  # fmt: skip
    assert model == "gemini-2.5-pro"
    assert config["temperature"] == 0.2 and config["max_output_tokens"] == 50 and config["stop_sequences"] == ["END"]
    assert config["tool_config"] == {"function_calling_config": {"mode": "ANY"}}
    with pytest.raises(ValueError, match="model"):
        build_generate_request({"messages": []})


def test_response_back_to_a_chat_completion():
    response = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"text": "hidden", "thought": True},
                        {"text": "Sure. "},
                        {"functionCall": {"name": "add", "args": {"a": 1}}},
                    ],
                },
                "finishReason": "STOP",
            }
        ],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 4, "thoughtsTokenCount": 2},
    }
    data = response_to_completion_dict(response, "gemini-2.5-flash")
    choice = data["choices"][0]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] == "Sure. "
    assert json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"]) == {"a": 1}
    assert data["usage"] == {"prompt_tokens": 10, "completion_tokens": 6, "total_tokens": 16}
    blocked = response_to_completion_dict({"candidates": [{"finishReason": "SAFETY"}]}, "m")
    assert blocked["choices"][0]["finish_reason"] == "content_filter"
