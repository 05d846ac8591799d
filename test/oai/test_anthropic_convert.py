"""OpenAI-style histories -> Anthropic Messages requests: every tricky history a chat can produce gives a
request the Messages API accepts (checked by the fake server's independent request checker)."""

from __future__ import annotations

import json

import pytest

from autogen.oai.anthropic_convert import (
    CONTINUE_TEXT,
    build_messages_request,
    convert_tool_choice,
    convert_tools,
    response_to_completion_dict,
    to_anthropic_messages,
)
from autogen.testing.anthropic_wire import check_request

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


def call(cid: str, name: str = "add", args: dict | str | None = None) -> dict:
    arguments = args if isinstance(args, str) else json.dumps(args or {"a": 1, "b": 2})
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": arguments}}


def request_for(messages: list[dict], tools: list | None = TOOLS) -> dict:
    request, mode = build_messages_request({"model": "claude-sonnet-4-5", "messages": messages, "tools": tools})
    assert mode == "plain"
    problem = check_request(request)
    assert problem is None, f"{problem}\n{json.dumps(request, indent=1)}"
    return request


def roles(request: dict) -> list[str]:
    return [m["role"] for m in request["messages"]]


def blocks(message: dict) -> list[dict]:
    content = message["content"]
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def tool_pairs(request: dict) -> list[tuple[list[str], list[str]]]:
    """(tool_use ids of an assistant turn, tool_result ids of the next user turn) for each calling turn."""
    out = []
    msgs = request["messages"]
    for i, m in enumerate(msgs):
        uses = [b["id"] for b in blocks(m) if b["type"] == "tool_use"]
        if uses:
            results = [b["tool_use_id"] for b in blocks(msgs[i + 1]) if b["type"] == "tool_result"]
            out.append((uses, results))
    return out


def test_system_messages_go_to_the_top_level_system_field():
    request = request_for(
        [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "hi"},
            {"role": "system", "content": [{"type": "text", "text": "Pick a speaker."}]},
        ]
    )
    assert request["system"] == "You are terse.\n\nPick a speaker."
    assert request["messages"] == [{"role": "user", "content": "hi"}]


def test_consecutive_same_role_messages_are_merged_into_one_turn():
    request = request_for(
        [
            {"role": "user", "content": "one", "name": "alice"},
            {"role": "user", "content": "two", "name": "bob smith"},
            {"role": "assistant", "content": "three"},
            {"role": "assistant", "content": "four"},
            {"role": "user", "content": "five"},
        ]
    )
    assert roles(request) == ["user", "assistant", "user"]
    assert [b["text"] for b in blocks(request["messages"][0])] == ["one", "two"]
    assert [b["text"] for b in blocks(request["messages"][1])] == ["three", "four"]
    assert all(set(m) == {"role", "content"} for m in request["messages"])  # names with spaces are dropped


def test_history_starting_or_ending_with_the_assistant_gets_a_user_turn_around_it():
    request = request_for([{"role": "assistant", "content": "I speak first"}])
    assert request["messages"] == [
        {"role": "user", "content": CONTINUE_TEXT},
        {"role": "assistant", "content": "I speak first"},
        {"role": "user", "content": CONTINUE_TEXT},
    ]


@pytest.mark.parametrize("empty", ["", "   \n", None, []])
def test_empty_content_is_dropped_and_the_turns_still_alternate(empty):
    request = request_for(
        [{"role": "user", "content": "a"}, {"role": "assistant", "content": empty}, {"role": "user", "content": "b"}]
    )
    assert roles(request) == ["user"]
    assert [b["text"] for b in blocks(request["messages"][0])] == ["a", "b"]


def test_messages_without_role_count_as_user_messages():
    request = request_for([{"content": "no role"}, {"role": "assistant", "content": "ok"}, {"content": "again"}])
    assert roles(request) == ["user", "assistant", "user"]


def test_tool_call_and_result_become_matching_tool_use_and_tool_result():
    request = request_for(
        [
            {"role": "user", "content": "add 1 and 2"},
            {"role": "assistant", "content": None, "tool_calls": [call("call_1")]},
            {"role": "tool", "tool_call_id": "call_1", "content": "3"},
        ]
    )
    assert roles(request) == ["user", "assistant", "user"]
    assert request["messages"][1]["content"] == [
        {"type": "tool_use", "id": "call_1", "name": "add", "input": {"a": 1, "b": 2}}
    ]
    assert request["messages"][2]["content"] == [{"type": "tool_result", "tool_use_id": "call_1", "content": "3"}]


def test_parallel_tool_calls_are_answered_in_one_user_turn_with_text_after_the_results():
    request = request_for(
        [
            {"role": "user", "content": "do both"},
            {"role": "assistant", "content": "Calling two tools.", "tool_calls": [call("c1"), call("c2")]},
            {"role": "tool", "tool_call_id": "c2", "content": "second"},
            {"role": "user", "content": "note from the user"},
            {"role": "tool", "tool_call_id": "c1", "content": "first"},
        ]
    )
    assert tool_pairs(request) == [(["c1", "c2"], ["c2", "c1"])]
    answer = blocks(request["messages"][2])
    assert [b["type"] for b in answer] == ["tool_result", "tool_result", "text"]
    assert blocks(request["messages"][1])[0] == {"type": "text", "text": "Calling two tools."}


def test_ag2_tool_responses_messages_are_expanded():
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": "", "tool_calls": [call("a"), call("b")]},
            {
                "role": "tool",
                "content": "1\n\n2",
                "tool_responses": [
                    {"tool_call_id": "a", "role": "tool", "content": "1"},
                    {"tool_call_id": "b", "role": "tool", "content": "2"},
                ],
            },
        ]
    )
    assert tool_pairs(request) == [(["a", "b"], ["a", "b"])]


def test_a_tool_result_without_its_call_becomes_text():
    request = request_for(
        [{"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "ghost", "content": "42"}]
    )
    assert tool_pairs(request) == []
    texts = [b["text"] for b in blocks(request["messages"][0])]
    assert texts[0] == "hi" and "ghost" in texts[1] and "42" in texts[1]


def test_a_tool_call_without_a_result_becomes_text_not_a_dangling_tool_use():
    request = request_for(
        [
            {"role": "user", "content": "add"},
            {"role": "assistant", "content": None, "tool_calls": [call("lonely")]},
            {"role": "user", "content": "never mind"},
        ]
    )
    assert tool_pairs(request) == []
    assert "lonely" in blocks(request["messages"][1])[0]["text"]


def test_one_of_two_parallel_calls_unanswered_keeps_the_answered_pair():
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "tool_calls": [call("yes"), call("no")], "content": None},
            {"role": "tool", "tool_call_id": "yes", "content": "done"},
        ]
    )
    assert tool_pairs(request) == [(["yes"], ["yes"])]


def test_a_history_ending_with_an_unrun_tool_call_is_still_valid():
    request = request_for(
        [{"role": "user", "content": "go"}, {"role": "assistant", "content": None, "tool_calls": [call("x")]}]
    )
    assert roles(request) == ["user", "assistant", "user"]


def test_without_tools_in_the_request_tool_blocks_are_written_as_text():
    # e.g. group-chat speaker selection over a transcript that holds tool calls
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("t1")]},
            {"role": "tool", "tool_call_id": "t1", "content": "3"},
        ],
        tools=None,
    )
    assert "tools" not in request
    assert all(b["type"] == "text" for m in request["messages"] for b in blocks(m))
    assert "add" in json.dumps(request["messages"])


def test_ids_with_characters_anthropic_refuses_are_rewritten_consistently():
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("call:1.a")]},
            {"role": "tool", "tool_call_id": "call:1.a", "content": "ok"},
        ]
    )
    assert tool_pairs(request) == [(["call_1_a"], ["call_1_a"])]


def test_repeated_tool_call_ids_keep_only_the_first_pair():
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("dup")]},
            {"role": "tool", "tool_call_id": "dup", "content": "1"},
            {"role": "assistant", "content": None, "tool_calls": [call("dup")]},
            {"role": "tool", "tool_call_id": "dup", "content": "2"},
        ]
    )
    assert tool_pairs(request) == [(["dup"], ["dup"])]


def test_malformed_tool_arguments_are_kept_as_raw_text():
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("m", args='{"a": 1,')]},
            {"role": "tool", "tool_call_id": "m", "content": "bad arguments"},
        ]
    )
    assert blocks(request["messages"][1])[0]["input"] == {"raw_arguments": '{"a": 1,'}


def test_empty_tool_output_is_a_tool_result_without_content():
    request = request_for(
        [
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": None, "tool_calls": [call("e")]},
            {"role": "tool", "tool_call_id": "e", "content": ""},
        ]
    )
    assert blocks(request["messages"][2]) == [{"type": "tool_result", "tool_use_id": "e"}]


def test_images_become_image_blocks():
    system, messages = to_anthropic_messages(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                    {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
                ],
            }
        ]
    )
    assert system is None
    assert messages[0]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
    ]


def test_the_input_history_is_not_changed():
    history = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "u", "name": "with space"},
        {"role": "assistant", "content": None, "tool_calls": [call("k")]},
        {"role": "tool", "tool_call_id": "k", "content": "r"},
    ]
    before = json.dumps(history)
    request_for(history)
    assert json.dumps(history) == before


def test_tools_tool_choice_and_sampling_settings():
    request, _ = build_messages_request(
        {
            "model": "claude-3-5-haiku-20241022",
            "messages": [{"role": "user", "content": "hi"}],
            "tools": TOOLS,
            "tool_choice": {"type": "function", "function": {"name": "add"}},
            "parallel_tool_calls": False,
            "temperature": 0.2,
            "top_p": 0.9,
            "stop": "END",
            "max_tokens": 100,
        }
    )
    assert request["tools"] == [
        {"name": "add", "description": "Add two numbers.", "input_schema": TOOLS[0]["function"]["parameters"]}
    ]
    assert request["tool_choice"] == {"type": "tool", "name": "add", "disable_parallel_tool_use": True}
    assert (request["temperature"], request["top_p"], request["stop_sequences"], request["max_tokens"]) == (
        0.2, 0.9, ["END"], 100,
    )  # fmt: skip
    assert check_request(request) is None


def test_defaults_max_tokens_4096_and_sends_no_unset_sampling_fields():
    request, _ = build_messages_request({"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "x"}]})
    assert request == {"model": "claude-sonnet-4-5", "max_tokens": 4096, "messages": [{"role": "user", "content": "x"}]}


@pytest.mark.parametrize(
    ("given", "expected"),
    [("auto", {"type": "auto"}), ("required", {"type": "any"}), ("none", {"type": "none"}),
     ({"type": "any"}, {"type": "any"})],
)  # fmt: skip
def test_tool_choice_forms(given, expected):
    assert convert_tool_choice(given) == expected


def test_strict_tools_get_a_closed_schema():
    tool = convert_tools([], [{"name": "f", "strict": True, "parameters": {"type": "object", "properties": {
        "n": {"type": "integer", "minimum": 0}}}}])[0]  # fmt: skip
    assert tool["strict"] is True
    assert tool["input_schema"]["additionalProperties"] is False
    assert "minimum" not in tool["input_schema"]["properties"]["n"]


def test_response_with_text_and_tool_use_becomes_an_openai_shaped_completion():
    data = response_to_completion_dict(
        {
            "id": "msg_1",
            "content": [
                {"type": "thinking", "thinking": "hmm"},
                {"type": "text", "text": "Let me add."},
                {"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 1}},
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 4},
        },
        "claude-sonnet-4-5",
    )
    choice = data["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "[Thinking]\nhmm\n\nLet me add."
    assert choice["message"]["tool_calls"] == [
        {"id": "toolu_1", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}
    ]
    assert data["usage"]["prompt_tokens"] == 14 and data["usage"]["total_tokens"] == 19


def test_max_tokens_stop_reason_is_reported_as_length():
    data = response_to_completion_dict(
        {"id": "m", "content": [{"type": "text", "text": "cut"}], "stop_reason": "max_tokens", "usage": {}}, "m"
    )
    assert data["choices"][0]["finish_reason"] == "length"
