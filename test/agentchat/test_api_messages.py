"""The request form of a history: unrolled tool responses, repaired pairing, built incrementally."""

from __future__ import annotations

from typing import Any

import pytest

from autogen.agentchat._messages import ApiView, to_api_messages

SYSTEM = [{"role": "system", "content": "sys"}]
CALL = {"content": None, "role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}
ANSWER = {"content": "r", "role": "tool", "name": "u", "tool_responses": [{"tool_call_id": "c1", "role": "tool", "content": "r"}]}


def test_tool_responses_are_unrolled():
    out = to_api_messages(SYSTEM, [{"content": "q", "role": "user", "name": "u"}, CALL, ANSWER])
    assert out == [SYSTEM[0], {"content": "q", "role": "user", "name": "u"}, CALL, {"role": "tool", "tool_call_id": "c1", "content": "r"}]


def test_unanswered_call_is_filled_and_orphan_result_kept_as_text():
    out = to_api_messages([], [CALL, {"content": "next", "role": "user", "name": "u"}])
    assert out[1] == {"role": "tool", "tool_call_id": "c1", "content": "No result: the tool call was not executed."}
    orphan = {"role": "tool", "content": "42", "tool_responses": [{"tool_call_id": "zz", "role": "tool", "content": "42"}]}
    out = to_api_messages([], [{"content": "q", "role": "user"}, orphan])
    assert out[-1] == {"role": "user", "content": "Tool result (zz): 42"}


def test_view_extends_and_matches_a_full_rebuild():
    history = [{"content": "q", "role": "user", "name": "u"}, CALL]
    view = ApiView()
    first = view.build(SYSTEM, history)
    assert first[-1]["tool_call_id"] == "c1"  # pending call filled in the request only
    history.append(ANSWER)
    history.append({"content": "done", "role": "assistant", "name": "a"})
    assert view.build(SYSTEM, history) == to_api_messages(SYSTEM, history)
    assert view.done == 4


def test_view_rebuilds_after_clear_or_trim():
    history = [{"content": str(i), "role": "user", "name": "u"} for i in range(5)]
    view = ApiView()
    view.build([], history)
    del history[:3]
    history.append({"content": "new", "role": "user", "name": "u"})
    assert view.build([], history) == to_api_messages([], history)
    history.clear()
    assert view.build([], history) == []


def test_names_sanitised_and_raw_contents_stringified():
    out = to_api_messages([], [{"content": 7, "role": "function", "name": "my fn"}, {"content": "x", "role": "user", "name": "A B", "context": {"k": 1}}])
    assert out == [{"content": "7", "role": "function", "name": "my_fn"}, {"content": "x", "role": "user", "name": "A_B"}]


def test_restamped_agrees_with_normalize_message_whenever_it_answers() -> None:
    """The group broadcast shares transcript entries through `restamped`; it must never give other
    content than normalising would, over every combination of the stored-form keys."""
    import itertools

    from autogen.agentchat._messages import normalize_message, restamped

    call = [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    choices = {
        "content": [None, "text", "", ["part"], 7],
        "role": [None, "user", "assistant", "tool", "function", "system"],
        "name": [None, "alice"],
        "tool_calls": [None, [], call],
        "function_call": [None, {"name": "f", "arguments": "{}"}],
        "tool_responses": [None, [{"tool_call_id": "c1", "role": "tool", "content": "ok"}], [{"tool_call_id": "c1", "content": 3}]],
        "tool_call_id": [None, "c1"],
        "extra": [None, "x"],
    }
    answered = 0
    for values in itertools.product(*choices.values()):
        for drop_none in (True, False):
            message = {k: v for k, v in zip(choices, values) if not (drop_none and v is None)}
            for role in ("user", "assistant"):
                forms = restamped(message, role, "user" if role == "assistant" else "assistant")
                if forms is None:
                    continue
                fast = forms[0]
                other = "user" if role == "assistant" else "assistant"
                assert forms[1] == normalize_message(message, other, "manager"), (message, other)
                answered += 1
                assert fast == normalize_message(message, role, "manager"), (message, role)
                if fast is not message:  # only the role was changed
                    assert {k: v for k, v in fast.items() if k != "role"} == {k: v for k, v in message.items() if k != "role"}
    assert answered > 100  # the fast path does cover the common shapes


# ---- the LLM's reply message turned into a dict ---------------------------------------------------


def _openai_messages() -> list[Any]:
    from openai.types.chat import ChatCompletion

    def message(**fields: Any) -> Any:
        return ChatCompletion.model_validate(
            {
                "id": "x", "object": "chat.completion", "created": 0, "model": "m",
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", **fields}}],
            }
        ).choices[0].message  # fmt: skip

    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
    return [
        message(content="hi"),
        message(content=None, tool_calls=[call]),
        message(content="text too", tool_calls=[call, {**call, "id": "c2", "function": {"name": "g", "arguments": "{}"}}]),
        message(content=None, tool_calls=[]),
        message(content=None, refusal="no"),
        message(content="x", vendor_field={"k": 1}),  # an extra field
        message(content=None, tool_calls=[{**call, "extra_key": 1}]),
        message(content=None, tool_calls=[{**call, "function": {**call["function"], "more": 2}}]),
        message(content=None, tool_calls=[{"id": "c3", "type": "custom", "custom": {"name": "c", "input": "raw"}}]),
        message(content=None, function_call={"name": "f", "arguments": "{}"}),
        message(content="a", annotations=[{"type": "url_citation", "url_citation": {"end_index": 1, "start_index": 0, "title": "t", "url": "u"}}]),
        message(content=None, audio={"id": "a", "data": "", "expires_at": 0, "transcript": "t"}),
        message(content=None, tool_calls=[{**call, "function": {"name": "bad name!", "arguments": "{}"}}]),
    ]


@pytest.mark.parametrize("message", _openai_messages(), ids=lambda m: str(sorted(k for k, v in m.model_dump().items() if v))[:60])
def test_reply_message_dict_equals_model_dump(message: Any) -> None:
    from autogen.agentchat.conversable.llm_reply import message_object_to_dict as _message_object_to_dict
    from autogen.agentchat._messages import normalize_function_name

    expected = message.model_dump()
    for call in expected.get("tool_calls") or []:
        if call.get("function"):
            call["function"]["name"] = normalize_function_name(call["function"]["name"])
    if expected.get("function_call"):
        expected["function_call"]["name"] = normalize_function_name(expected["function_call"]["name"])
    got = _message_object_to_dict(message)
    assert got == expected
    assert list(got) == list(expected)
    for got_call, call in zip(got.get("tool_calls") or [], expected.get("tool_calls") or []):
        assert list(got_call) == list(call) and list(got_call.get("function", {})) == list(call.get("function", {}))
    # the dict is the caller's: changing it leaves the response untouched
    if got.get("tool_calls"):
        got["tool_calls"][0]["id"] = "changed"
        assert message.tool_calls[0].id != "changed"
