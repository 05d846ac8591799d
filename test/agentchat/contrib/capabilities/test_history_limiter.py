"""MessageHistoryLimiter: keeps the newest messages without ever splitting a tool call from its result."""

from __future__ import annotations

import pytest
from transform_samples import assert_no_split_tool_pairs, snapshot, tool_exchange_ag2, tool_exchange_openai

from autogen.agentchat.contrib.capabilities.transforms import MessageHistoryLimiter


def _chat(n: int) -> list[dict]:
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": f"message {i}"} for i in range(n)]


def test_keeps_the_newest_messages_in_order() -> None:
    messages = _chat(6)
    result = MessageHistoryLimiter(max_messages=3).apply_transform(messages)
    assert [m["content"] for m in result] == ["message 3", "message 4", "message 5"]
    assert result[0] is messages[3]  # unchanged messages are shared, not copied


def test_no_limit_or_short_history_is_returned_whole() -> None:
    messages = _chat(3)
    assert MessageHistoryLimiter().apply_transform(messages) == messages
    assert MessageHistoryLimiter(max_messages=5).apply_transform(messages) == messages


@pytest.mark.parametrize("bad", [0, -1])
def test_max_messages_below_one_is_rejected(bad: int) -> None:
    with pytest.raises(ValueError, match="max_messages"):
        MessageHistoryLimiter(max_messages=bad)


def test_keep_first_message_counts_toward_the_limit() -> None:
    messages = _chat(6)
    result = MessageHistoryLimiter(max_messages=3, keep_first_message=True).apply_transform(messages)
    assert [m["content"] for m in result] == ["message 0", "message 4", "message 5"]


def test_cut_never_starts_with_an_orphan_tool_result() -> None:
    # task, call, result, answer: keeping the last 3 would start at the result without its call
    messages = [{"role": "user", "content": "task"}, *tool_exchange_ag2(), {"role": "assistant", "content": "done"}]
    before = snapshot(messages)
    result = MessageHistoryLimiter(max_messages=2).apply_transform(messages)
    assert [m.get("content") for m in result] == ["done"]
    result = MessageHistoryLimiter(max_messages=3).apply_transform(messages)
    assert [m.get("role") for m in result] == ["assistant", "tool", "assistant"]
    assert result[0]["tool_calls"][0]["id"] == "call_1"
    assert_no_split_tool_pairs(result)
    assert messages == before


def test_a_result_whose_call_was_already_gone_is_dropped_at_the_cut() -> None:
    # e.g. a history an earlier transform or a resume had already cut inside a tool exchange
    messages = [
        {"role": "user", "content": "old"},
        {"role": "tool", "tool_call_id": "c0", "content": "orphan result"},
        {"role": "user", "content": "question"},
        {"role": "assistant", "content": "answer"},
    ]
    result = MessageHistoryLimiter(max_messages=3).apply_transform(messages)
    assert [m["content"] for m in result] == ["question", "answer"]
    # a history of nothing but such results is left as it is rather than emptied
    only_results = [{"role": "tool", "tool_call_id": f"c{i}", "content": str(i)} for i in range(3)]
    assert MessageHistoryLimiter(max_messages=2).apply_transform(only_results) == only_results


def test_parallel_tool_results_stay_with_their_call() -> None:
    messages = [{"role": "user", "content": "task"}, *tool_exchange_openai(3), {"role": "user", "content": "next"}]
    for limit in range(1, len(messages) + 1):
        result = MessageHistoryLimiter(max_messages=limit).apply_transform(messages)
        assert_no_split_tool_pairs(result)
        assert len(result) <= limit
        assert result[-1]["content"] == "next"


def test_newest_tool_exchange_is_kept_whole_even_over_the_limit() -> None:
    # The agent is about to answer the tool result: cutting the call off would make the request invalid.
    messages = [{"role": "user", "content": "task"}, *tool_exchange_ag2()]
    result = MessageHistoryLimiter(max_messages=1).apply_transform(messages)
    assert [m["role"] for m in result] == ["assistant", "tool"]
    assert_no_split_tool_pairs(result)


def test_pending_tool_call_at_the_end_is_kept() -> None:
    messages = [*_chat(4), tool_exchange_ag2()[0]]
    result = MessageHistoryLimiter(max_messages=2).apply_transform(messages)
    assert result[-1].get("tool_calls") and result[-1]["content"] is None
    assert len(result) == 2


def test_exclude_names_drops_whole_exchanges() -> None:
    call, response = tool_exchange_ag2()
    response = {**response, "name": "executor"}
    messages = [
        {"role": "user", "content": "hi", "name": "user"},
        {"role": "user", "content": "noise", "name": "bot"},
        call,
        response,
        {"role": "assistant", "content": "answer", "name": "assistant"},
    ]
    result = MessageHistoryLimiter(exclude_names=["executor", "bot"]).apply_transform(messages)
    assert [m["content"] for m in result] == ["hi", "answer"]
    assert_no_split_tool_pairs(result)


def test_logs_report_removed_messages() -> None:
    limiter = MessageHistoryLimiter(max_messages=2)
    messages = _chat(5)
    result = limiter.apply_transform(messages)
    text, changed = limiter.get_logs(messages, result)
    assert changed and "Removed 3 messages" in text and "from 5 to 2" in text
    assert limiter.get_logs(result, result) == ("No messages were removed.", False)
