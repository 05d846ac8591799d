"""Message histories that real chats produce and that providers' APIs are picky about.

A model client has to turn any of these into a request its API accepts: a ``FakeLLMServer`` dialect
refuses with 400 every request the real API would refuse, so replaying them through a client pointed at
the server checks its message conversion end to end::

    from autogen import OpenAIWrapper
    from autogen.testing import FakeLLMServer
    from autogen.testing.histories import TRICKY_HISTORIES, TOOLS

    with FakeLLMServer(default_reply="ok", dialect="anthropic") as server:
        client = OpenAIWrapper(config_list=server.config_list, cache_seed=None)
        for name, messages in TRICKY_HISTORIES.items():
            client.create(messages=messages, tools=TOOLS)  # raises if the API would refuse it

The histories are shared: treat them as read only, or take deep copies with :func:`tricky_histories`.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["TOOLS", "TRICKY_HISTORIES", "tricky_histories"]

# 1x1 transparent PNG, small enough to inline.
_PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "add",
            "description": "Add two integers.",
            "parameters": {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                "required": ["a"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "sub",
            "description": "Subtract two integers.",
            "parameters": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
        },
    },
]
"""Tool schemas that the tool calls in :data:`TRICKY_HISTORIES` refer to."""


def _call(id_: str, name: str = "add", arguments: str = '{"a": 1, "b": 2}') -> dict[str, Any]:
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": arguments}}


def _ask(text: str = "hi") -> dict[str, Any]:
    return {"role": "user", "content": text}


TRICKY_HISTORIES: dict[str, list[dict[str, Any]]] = {
    "system only": [{"role": "system", "content": "Be brief."}],
    "empty contents everywhere": [
        {"role": "system", "content": ""},
        {"role": "user", "content": ""},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "  "},
    ],
    "none content": [_ask(), {"role": "assistant", "content": None}, _ask("again")],
    "starts with assistant": [{"role": "assistant", "content": "Hello."}, _ask()],
    "ends with assistant": [_ask(), {"role": "assistant", "content": "Hello."}],
    "consecutive same role with names": [
        {"role": "user", "content": "a", "name": "user proxy"},  # a name with a space
        {"role": "user", "content": "b", "name": "critic-2"},
        {"role": "assistant", "content": "c", "name": "writer"},
        {"role": "assistant", "content": "d", "name": "editor"},
        _ask("e"),
    ],
    "messages without role": [{"content": "no role here"}, {"role": "assistant", "content": "ok"}, {"content": "x"}],
    "mid-history system": [
        _ask(),
        {"role": "system", "content": "Pick the next speaker."},
        {"role": "assistant", "content": "ok"},
    ],
    "tool result without call": [_ask(), {"role": "tool", "tool_call_id": "nope", "content": "3"}],
    "tool call never answered": [
        _ask(),
        {"role": "assistant", "content": None, "tool_calls": [_call("call_1")]},
        _ask("never mind"),
    ],
    "history ends with an unrun tool call": [
        _ask(),
        {"role": "assistant", "content": "Let me add.", "tool_calls": [_call("call_1")]},
    ],
    "half-answered parallel calls": [
        _ask(),
        {"role": "assistant", "content": None, "tool_calls": [_call("call_1"), _call("call_2", "sub")]},
        {"role": "tool", "tool_call_id": "call_1", "content": "3"},
    ],
    "parallel calls answered out of order": [
        _ask(),
        {"role": "assistant", "content": None, "tool_calls": [_call("call_1"), _call("call_2", "sub")]},
        {"role": "tool", "tool_call_id": "call_2", "content": "-1"},
        {"role": "tool", "tool_call_id": "call_1", "content": "3"},
        {"role": "assistant", "content": "3 and -1."},
        _ask("thanks"),
    ],
    "ag2 tool_responses message": [
        _ask(),
        {"role": "assistant", "content": None, "tool_calls": [_call("call_1"), _call("call_2", "sub")]},
        {
            "role": "tool",
            "content": "3\n\n-1",
            "tool_responses": [
                {"role": "tool", "tool_call_id": "call_1", "content": "3"},
                {"role": "tool", "tool_call_id": "call_2", "content": "-1"},
            ],
        },
    ],
    "call after call": [
        _ask(),
        {"role": "assistant", "content": "Thinking.", "tool_calls": [_call("call_1")]},
        {"role": "tool", "tool_call_id": "call_1", "content": "3"},
        {"role": "assistant", "content": None, "tool_calls": [_call("call_2", "sub")]},
        {"role": "tool", "tool_call_id": "call_2", "content": '{"x": 2}'},
        _ask("and?"),
    ],
    "ids providers refuse": [
        _ask(),
        {"role": "assistant", "content": None, "tool_calls": [_call("call id/with spaces:1"), _call("x" * 80, "sub")]},
        {"role": "tool", "tool_call_id": "call id/with spaces:1", "content": "3"},
        {"role": "tool", "tool_call_id": "x" * 80, "content": "-1"},
    ],
    "repeated tool call id": [
        _ask(),
        {"role": "assistant", "content": None, "tool_calls": [_call("dup")]},
        {"role": "tool", "tool_call_id": "dup", "content": "3"},
        {"role": "assistant", "content": None, "tool_calls": [_call("dup", "sub")]},
        {"role": "tool", "tool_call_id": "dup", "content": "-1"},
    ],
    "malformed and empty tool arguments": [
        _ask(),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [_call("call_1", arguments="{not json"), _call("call_2", arguments="")],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "Error: bad arguments"},
        {"role": "tool", "tool_call_id": "call_2", "content": ""},
    ],
    "legacy function call": [
        _ask(),
        {"role": "assistant", "content": None, "function_call": {"name": "add", "arguments": "{}"}},
        {"role": "function", "name": "add", "content": "5"},
    ],
    "image and text parts": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": _PNG}},
            ],
        },
        {"role": "assistant", "content": "A transparent pixel."},
        {"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "Sure?"}]},
    ],
}
"""Named histories (OpenAI chat format, as agents hold them). Read only: see :func:`tricky_histories`."""


def tricky_histories() -> dict[str, list[dict[str, Any]]]:
    """A deep copy of :data:`TRICKY_HISTORIES`, safe to change."""
    return copy.deepcopy(TRICKY_HISTORIES)
