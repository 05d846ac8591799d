"""MessageTokenLimiter: per-message and total token budgets, newest text kept, tool pairs intact."""

from __future__ import annotations

import pytest
from transform_samples import assert_no_split_tool_pairs, snapshot, tool_exchange_ag2

from autogen.agentchat.contrib.capabilities.transforms import MessageTokenLimiter
from autogen.agentchat.contrib.capabilities.transforms_util import count_text_tokens, message_text_tokens
from autogen.token_count_utils import count_token

SENTENCE = "The quick brown fox jumps over the lazy dog. "
LONG = SENTENCE * 20  # about 200 tokens


def _total(messages: list[dict]) -> int:
    return sum(message_text_tokens(m) for m in messages)


def test_each_message_is_cut_to_the_per_message_limit() -> None:
    messages = [{"role": "user", "content": LONG}, {"role": "assistant", "content": "short"}]
    before = snapshot(messages)
    result = MessageTokenLimiter(max_tokens_per_message=10).apply_transform(messages)
    assert count_token(result[0]["content"]) <= 10
    assert LONG.startswith(result[0]["content"]) and len(result[0]["content"]) > 20
    assert result[1] is messages[1]  # fits already: the same dict
    assert messages == before  # the stored history is untouched


def test_total_budget_keeps_all_small_messages() -> None:
    # With only a total budget, messages that fit are all kept (the original kept only the last one).
    messages = [{"role": "user", "content": f"note {i}"} for i in range(5)]
    result = MessageTokenLimiter(max_tokens=1000).apply_transform(messages)
    assert result == messages


def test_total_budget_keeps_the_newest_text() -> None:
    messages = [{"role": "user", "content": f"{i}: {SENTENCE * 2}"} for i in range(6)]
    per_message = count_text_tokens(messages[0]["content"])
    limiter = MessageTokenLimiter(max_tokens=per_message * 2 + 5)
    result = limiter.apply_transform(messages)
    assert [m["content"][0] for m in result] == ["3", "4", "5"]
    assert result[1] is messages[4] and result[2] is messages[5]
    assert count_text_tokens(result[0]["content"]) <= 5
    assert _total(result) <= per_message * 2 + 5
    text, changed = limiter.get_logs(messages, result)
    assert changed and text.startswith("Truncated")


def test_none_content_passes_through() -> None:
    messages = [{"role": "user", "content": LONG}, *tool_exchange_ag2(), {"role": "assistant", "content": None}]
    result = MessageTokenLimiter(max_tokens_per_message=5).apply_transform(messages)
    assert result[1]["content"] is None and result[1]["tool_calls"]
    assert result[3]["content"] is None
    assert count_text_tokens(result[0]["content"]) <= 5


def test_multimodal_content_is_counted_and_truncated_by_text_part() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    content = [{"type": "text", "text": LONG}, image, {"type": "text", "text": LONG}]
    messages = [{"role": "user", "content": content}]
    before = snapshot(messages)
    assert count_text_tokens(content) == 2 * count_text_tokens(LONG)
    result = MessageTokenLimiter(max_tokens_per_message=30).apply_transform(messages)
    parts = result[0]["content"]
    assert parts[1] is image  # non-text parts are kept as they are
    assert [p["type"] for p in parts] == ["text", "image_url", "text"]
    assert count_text_tokens(parts) <= 30
    assert LONG.startswith(parts[0]["text"]) and parts[0]["text"]
    assert messages == before


def test_tool_results_are_truncated_where_they_are_sent() -> None:
    # Agents send the nested tool_responses (not the top-level content) to the model.
    messages = tool_exchange_ag2(result=LONG)
    result = MessageTokenLimiter(max_tokens_per_message=8).apply_transform(messages)
    response = result[1]["tool_responses"][0]
    assert count_token(response["content"]) <= 8
    assert response["tool_call_id"] == "call_1"
    assert count_token(result[1]["content"]) <= 8
    assert messages[1]["tool_responses"][0]["content"] == LONG


def test_total_budget_never_drops_a_call_and_keeps_its_result() -> None:
    messages = [{"role": "user", "content": LONG}, *tool_exchange_ag2(result=LONG), {"role": "user", "content": "ok"}]
    for budget in (1, 5, 50, 150, 250, 500):
        result = MessageTokenLimiter(max_tokens=budget).apply_transform(messages)
        assert_no_split_tool_pairs(result)
        assert result[-1]["content"] == "ok"
        if any(m.get("role") == "tool" for m in result):
            assert any(m.get("tool_calls") for m in result)
        assert _total(result) <= max(budget, 1)


def test_min_tokens_threshold_leaves_small_histories_alone() -> None:
    messages = [{"role": "user", "content": LONG}]
    limiter = MessageTokenLimiter(max_tokens_per_message=5, min_tokens=10_000)
    assert limiter.apply_transform(messages) == messages
    limiter = MessageTokenLimiter(max_tokens_per_message=5, min_tokens=10)
    assert count_token(limiter.apply_transform(messages)[0]["content"]) <= 5


def test_filter_dict_excludes_or_selects_messages() -> None:
    messages = [{"role": "system", "content": LONG}, {"role": "user", "content": LONG}]
    excluded = MessageTokenLimiter(max_tokens_per_message=5, filter_dict={"role": ["system"]})
    result = excluded.apply_transform(messages)
    assert result[0] is messages[0] and count_token(result[1]["content"]) <= 5
    only = MessageTokenLimiter(max_tokens_per_message=5, filter_dict={"role": ["system"]}, exclude_filter=False)
    result = only.apply_transform(messages)
    assert count_token(result[0]["content"]) <= 5 and result[1] is messages[1]


def test_invalid_limits_are_rejected() -> None:
    with pytest.raises(ValueError, match="max_tokens must be"):
        MessageTokenLimiter(max_tokens=-1)
    with pytest.raises(ValueError, match="max_tokens_per_message"):
        MessageTokenLimiter(max_tokens_per_message=-5)
    with pytest.raises(ValueError, match="min_tokens"):
        MessageTokenLimiter(min_tokens=-1)
    with pytest.raises(ValueError, match="must not be more than max_tokens"):
        MessageTokenLimiter(max_tokens=10, min_tokens=20)


def test_limit_above_the_model_context_is_capped_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="accepts at most 4096"):
        limiter = MessageTokenLimiter(max_tokens=1_000_000, model="gpt-3.5-turbo-0613")
    messages = [{"role": "user", "content": SENTENCE * 1000}]
    assert _total(limiter.apply_transform(messages)) <= 4096
