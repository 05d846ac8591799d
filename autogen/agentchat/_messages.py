"""Message normalisation and the API form of a history.

Stored messages are plain dicts (the public shape users read from ``chat_messages``). They are
treated as read-only once stored: code that needs a changed message copies it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "normalize_message",
    "to_api_messages",
    "message_to_dict",
    "sanitize_name",
    "validate_function_name",
    "repair_json_arguments",
]

_KEPT = frozenset({"content", "function_call", "tool_responses", "tool_call_id", "name", "context"})
_NAME_ILLEGAL = re.compile(r"[^a-zA-Z0-9_-]")
_FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_API_NAME_ILLEGAL = re.compile(r"[\s<|\\/>]")


def message_to_dict(message: dict[str, Any] | str | Mapping[str, Any]) -> dict[str, Any]:
    """A str becomes ``{"content": str}``; other mappings become dicts."""
    if isinstance(message, str):
        return {"content": message}
    if isinstance(message, dict):
        return message
    return dict(message)


def normalize_message(message: dict[str, Any] | str, role: str, sender_name: str) -> dict[str, Any] | None:
    """The copy of ``message`` an agent stores, or None when it is invalid (no content and no call)."""
    m = message_to_dict(message)
    out = {k: v for k, v in m.items() if k in _KEPT and v is not None}
    tool_calls = m.get("tool_calls")
    if tool_calls:
        out["tool_calls"] = tool_calls
    if "content" not in out:
        if "function_call" in out or tool_calls:
            out["content"] = None
        else:
            return None
    in_role = m.get("role")
    if in_role in ("function", "tool"):
        out["role"] = in_role
        responses = out.get("tool_responses")
        if responses:
            out["tool_responses"] = [_stringify_tool_response(r) for r in responses]
    elif "override_role" in m:
        out["role"] = m["override_role"]
    else:
        out["role"] = role
    if out.get("function_call") or tool_calls:
        out["role"] = "assistant"  # a call message carries no added name
    elif "name" not in out:
        out["name"] = sender_name
    return out


_STORED_FORM = _KEPT | {"tool_calls", "role"}


def restamped(message: dict[str, Any], *roles: str) -> tuple[dict[str, Any], ...] | None:
    """``normalize_message(message, role, <any name>)`` for each of ``roles``, for a message already
    in stored form, without copying: ``message`` itself where normalising would give an equal dict, a
    copy with the new role where only the role differs. None when ``message`` is not plainly in stored
    form (then normalise it). Only for read-only transcript entries: a result may be ``message``."""
    if not message.keys() <= _STORED_FORM:
        return None
    calls = message.get("function_call") or message.get("tool_calls")
    for key, value in message.items():
        if value is None and not (key == "content" and calls):
            return None
    if "tool_calls" in message and not message["tool_calls"]:
        return None
    if "content" not in message or (not calls and "name" not in message):
        return None
    current = message.get("role")
    if current in ("function", "tool"):
        responses = message.get("tool_responses")
        if responses and not all(isinstance(r.get("content"), str) for r in responses):
            return None  # normalising would stringify them
    if calls or current in ("function", "tool"):  # the role does not depend on the reader
        fixed = "assistant" if calls else current
        same = message if current == fixed else {**message, "role": fixed}
        return (same,) * len(roles)
    return tuple(message if current == role else {**message, "role": role} for role in roles)


def _stringify_tool_response(response: dict[str, Any]) -> dict[str, Any]:
    content = response.get("content")
    if isinstance(content, str):
        return response
    from ..code_utils import content_str

    fixed = dict(response)
    fixed["content"] = content_str(content) if content is None or isinstance(content, list) else str(content)
    return fixed


class GrowingHistory(list):  # type: ignore[type-arg]
    """A message list that, between requests, only grows by appending (e.g. a filtered view of a
    history kept up to date by a hook). Its request form is cached and extended like a stored
    history's, instead of being rebuilt for every request."""

    __slots__ = ()


def to_api_messages(system: list[dict[str, Any]], messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request form of ``system + messages``: tool responses unrolled, non-API keys dropped, and
    the tool-call pairing repaired so the API never rejects the sequence.

    Every assistant ``tool_calls`` message is followed by exactly one ``tool`` message per call id
    (a missing answer is filled with a note); a ``tool`` message whose call is not pending is sent as
    a plain user message instead of being dropped, so nothing said is lost.
    """
    return ApiView().build(system, messages)


class ApiView:
    """The API form of one growing history, extended as messages are appended.

    Building a request is then a list concatenation, not a pass over the whole history: the
    per-turn cost stays flat as a chat grows. If the history was changed other than by appending
    (cleared, trimmed, its first or last-seen element replaced), the view is rebuilt from scratch.
    """

    __slots__ = ("source", "done", "first", "last", "out", "pending")

    def __init__(self) -> None:
        self.source: list[dict[str, Any]] | None = None
        self._reset()

    def _reset(self) -> None:
        self.done = 0
        self.first: Any = None
        self.last: Any = None
        self.out: list[dict[str, Any]] = []
        self.pending: dict[str, None] = {}  # tool_call ids still to be answered

    def build(self, system: list[dict[str, Any]], messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        n = len(messages)
        if (
            messages is not self.source
            or n < self.done
            or (self.done and (messages[0] is not self.first or messages[self.done - 1] is not self.last))
        ):
            self.source = messages
            self._reset()
        for i in range(self.done, n):
            self._add(messages[i])
        if n:
            self.first, self.last = messages[0], messages[n - 1]
        self.done = n
        request = [*system, *self.out]
        if self.pending:
            request.extend(_unanswered(self.pending))
        return request

    def _close_pending(self) -> None:
        if self.pending:
            self.out.extend(_unanswered(self.pending))
            self.pending = {}

    def _add(self, m: dict[str, Any]) -> None:
        responses = m.get("tool_responses")
        if responses:
            for r in responses:
                self._add_tool(r)
            if m.get("role") != "tool":
                self._close_pending()
                self.out.append(_api_copy(m))
            return
        role = m.get("role")
        if role == "tool":
            self._add_tool(m)
            return
        self._close_pending()
        self.out.append(_api_copy(m))
        if role == "assistant" and m.get("tool_calls"):
            for call in m["tool_calls"]:
                call_id = call.get("id")
                if call_id:
                    self.pending[call_id] = None

    def _add_tool(self, m: dict[str, Any]) -> None:
        call_id = m.get("tool_call_id")
        if call_id is not None and call_id in self.pending:
            del self.pending[call_id]
            self.out.append({"role": "tool", "tool_call_id": call_id, "content": _text(m.get("content"))})
            return
        self._close_pending()
        # An orphan tool result (its call was trimmed away or never made): keep it as user text.
        self.out.append({"role": "user", "content": f"Tool result ({call_id or 'unknown call'}): {_text(m.get('content'))}"})


def _unanswered(pending: dict[str, None]) -> list[dict[str, Any]]:
    return [{"role": "tool", "tool_call_id": c, "content": "No result: the tool call was not executed."} for c in pending]


def _text(content: Any) -> Any:
    if content is None or isinstance(content, (str, list)):
        return "" if content is None else content
    return str(content)


def _api_copy(m: dict[str, Any]) -> dict[str, Any]:
    name = m.get("name")
    content = m.get("content")
    needs_copy = "context" in m or "tool_responses" in m or "tool_call_id" in m and m.get("role") != "tool"
    # A function result stored as a raw value (e.g. an int) must be sent as text.
    bad_content = content is not None and not isinstance(content, (str, list))
    needs_copy = needs_copy or bad_content
    if name is not None and not _api_name_ok(name):
        needs_copy = True
    if not needs_copy:
        return m
    c = {k: v for k, v in m.items() if k not in ("context", "tool_responses")}
    if m.get("role") != "tool":
        c.pop("tool_call_id", None)
    if name is not None:
        c["name"] = sanitize_name(name)
    if bad_content:
        c["content"] = str(content)
    return c


@functools.lru_cache(maxsize=1024)
def _api_name_ok(name: str) -> bool:
    return _API_NAME_ILLEGAL.search(name) is None


def sanitize_name(name: str) -> str:
    """A name the OpenAI API accepts (no whitespace or <|\\/>), at most 64 characters."""
    return _API_NAME_ILLEGAL.sub("_", name)[:64]


@functools.lru_cache(maxsize=1024)
def normalize_function_name(name: str) -> str:
    """Characters outside [A-Za-z0-9_-] become "_", truncated to 64 (as tool names must be)."""
    return _NAME_ILLEGAL.sub("_", name)[:64]


def validate_function_name(name: str) -> None:
    """Raise ValueError when ``name`` is not a valid OpenAI function name."""
    if not isinstance(name, str) or not _FUNCTION_NAME.match(name):
        raise ValueError(
            f"Invalid function name {name!r}: use only letters, digits, '_' and '-', at most 64 characters."
        )


def repair_json_arguments(text: str) -> str:
    """Make model-written JSON arguments parseable: drop raw newlines between tokens and escape
    raw newlines/tabs inside string literals (models often emit them)."""
    if not isinstance(text, str):
        return json.dumps(text)
    if "\n" not in text and "\r" not in text and "\t" not in text:
        return text  # nothing to repair (the usual case): no character-by-character pass
    out: list[str] = []
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
                out.append(ch)
            elif ch == "\\":
                escaped = True
                out.append(ch)
            elif ch == '"':
                in_string = False
                out.append(ch)
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ch == "\r":
                out.append("\\r")
            else:
                out.append(ch)
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch in "\n\r":
            continue
        else:
            out.append(ch)
    return "".join(out)
