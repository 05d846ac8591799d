"""Sample histories and checks shared by the message-transform tests."""

from __future__ import annotations

import copy
from typing import Any


def tool_exchange_ag2(call_id: str = "call_1", result: str = "42") -> list[dict[str, Any]]:
    """A tool call and its result the way agents store them (results nested in tool_responses)."""
    return [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": call_id, "type": "function", "function": {"name": "calc", "arguments": "{}"}}],
        },
        {
            "role": "tool",
            "content": result,
            "tool_responses": [{"tool_call_id": call_id, "role": "tool", "content": result}],
        },
    ]


def tool_exchange_openai(n_calls: int = 2) -> list[dict[str, Any]]:
    """One assistant message with several tool calls, then one role=tool message per call."""
    calls = [
        {"id": f"call_{i}", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
        for i in range(n_calls)
    ]
    results = [{"role": "tool", "tool_call_id": f"call_{i}", "content": f"result {i}"} for i in range(n_calls)]
    return [{"role": "assistant", "content": None, "tool_calls": calls}, *results]


def snapshot(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(messages)


def assert_no_split_tool_pairs(messages: list[dict[str, Any]]) -> None:
    """Every tool result follows its call, and every answered call is followed by its results."""
    open_ids: set[str] = set()
    for index, message in enumerate(messages):
        if message.get("tool_calls"):
            open_ids = {c["id"] for c in message["tool_calls"]}
            continue
        ids = [r["tool_call_id"] for r in message.get("tool_responses", [])]
        if message.get("role") == "tool" and "tool_call_id" in message:
            ids.append(message["tool_call_id"])
        for call_id in ids:
            assert call_id in open_ids, f"message {index} answers {call_id} whose call is not before it"
        if message.get("role") != "tool":
            open_ids = set()
