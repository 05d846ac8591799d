"""paired_history: OpenAI-style histories tidied for strict providers (every call answered right after
it, no result without its call, unique ids, ag2's tool_responses and legacy function calls unfolded)."""

from __future__ import annotations

import json

from autogen.oai.openai_history import arguments_json, content_text, paired_history


def call(id_: str, name: str = "add", args: str = '{"a": 1}') -> dict:
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": args}}


def test_results_follow_their_calls_in_call_order_with_the_function_name():
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": None, "tool_calls": [call("a"), call("b", "sub")]},
        {"role": "tool", "tool_call_id": "b", "content": "2"},
        {"role": "tool", "tool_call_id": "a", "content": "1"},
    ]
    out = paired_history(history)
    assert [(m["role"], m.get("tool_call_id"), m.get("name")) for m in out[2:]] == [
        ("tool", "a", "add"),
        ("tool", "b", "sub"),
    ]


def test_unanswered_calls_and_orphan_results_become_text():
    history = [
        {"role": "assistant", "content": "Let me.", "tool_calls": [call("a"), call("b")]},
        {"role": "tool", "tool_call_id": "a", "content": "1"},
        {"role": "tool", "tool_call_id": "zzz", "content": "lost"},
    ]
    out = paired_history(history)
    assert [c["id"] for c in out[0]["tool_calls"]] == ["a"] and "(called tool add" in out[0]["content"]
    assert out[1]["role"] == "tool" and out[2] == {"role": "user", "content": "(tool result: lost)"}


def test_repeated_ids_are_renamed_in_call_and_result():
    history = [
        {"role": "assistant", "content": None, "tool_calls": [call("dup")]},
        {"role": "tool", "tool_call_id": "dup", "content": "1"},
        {"role": "assistant", "content": None, "tool_calls": [call("dup")]},
        {"role": "tool", "tool_call_id": "dup", "content": "2"},
    ]
    out = paired_history(history)
    assert [out[2]["tool_calls"][0]["id"], out[3]["tool_call_id"]] == ["dup#2", "dup#2"]


def test_tool_responses_and_legacy_function_calls_are_unfolded():
    history = [
        {"role": "assistant", "content": None, "tool_calls": [call("a"), call("b")]},
        {
            "role": "tool",
            "content": "1\n\n2",
            "tool_responses": [
                {"role": "tool", "tool_call_id": "a", "content": "1"},
                {"role": "tool", "tool_call_id": "b", "content": "2"},
            ],
        },
        {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": ""}},
        {"role": "function", "name": "add", "content": "5"},
        {"content": "no role"},
    ]
    out = paired_history(history)
    assert [m["role"] for m in out] == ["assistant", "tool", "tool", "assistant", "tool", "user"]
    assert out[3]["tool_calls"][0]["function"]["arguments"] == "{}" and out[4]["content"] == "5"


def test_arguments_and_content_helpers():
    assert arguments_json("{not json") == json.dumps({"raw_arguments": "{not json"})
    assert arguments_json("[1]") == '{"value": [1]}' and arguments_json({"a": 1}) == '{"a": 1}'
    assert (
        content_text([{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {"url": "x"}}, "b"]) == "a\nb"
    )
