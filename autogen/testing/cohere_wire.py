"""Cohere's v2 chat wire format for the fake LLM (``POST /v2/chat``): request checks, whole and streamed
replies, errors.

The checks are the rules of Cohere's v2 chat API (written from its documentation, independently of the
client's converter, so tests of one check the other):

- messages have role ``system`` / ``user`` / ``assistant`` / ``tool`` and only that role's fields (no
  ``name``); user and system messages have non-empty content (text, or ``text`` / ``image_url`` /
  ``document`` blocks) -- "message must be at least 1 token long";
- an assistant message has content or tool calls; each tool call has an id, names a function the request
  offers, and carries its arguments as a JSON string;
- a ``tool`` message answers a call of the latest assistant turn, once, with non-empty content, and every
  call is answered before the next non-tool message;
- ``response_format`` is ``text`` or ``json_object`` and is not combined with ``tools``; ``tool_choice``
  is ``REQUIRED`` / ``NONE`` and needs tools; ``p`` in [0.01, 0.99], ``k`` in [0, 500], penalties in [0, 1].

A broken request gets a 400 ``{"id", "message": "invalid request: ..."}`` and uses no scripted reply.
Replies carry ``message.content[]`` (or ``tool_plan`` + ``tool_calls``) and usage as ``billed_units`` and
``tokens`` (input tokens are the OpenAI dialect's estimate; ``tokens`` adds Cohere's prompt template).
Streams are Cohere's typed events: ``message-start``, ``content-start`` / ``-delta`` / ``-end``,
``tool-plan-delta``, ``tool-call-start`` / ``-delta`` / ``-end``, ``message-end``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .completion import _arg_pieces, _pieces, estimate_usage
from .replies import FakeReply

__all__ = ["TEMPLATE_TOKENS", "chat_body", "check_request", "error_body", "stream_events"]

TEMPLATE_TOKENS = 50
"""Tokens of Cohere's prompt template: counted in ``usage.tokens.input_tokens``, not billed."""

_FIELDS = {
    "system": {"role", "content"},
    "user": {"role", "content"},
    "assistant": {"role", "content", "tool_calls", "tool_plan", "citations"},
    "tool": {"role", "content", "tool_call_id"},
}
_FINISH = {"stop": "COMPLETE", "tool_calls": "TOOL_CALL", "function_call": "TOOL_CALL", "length": "MAX_TOKENS"}


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """Cohere's error body: ``{"id", "message"}``."""
    return json.dumps({"id": str(uuid.uuid4()), "message": message}).encode()


def _has_content(content: Any, blocks: tuple[str, ...]) -> bool:
    if isinstance(content, str):
        return bool(content.strip())
    if not isinstance(content, list) or not content:
        return False
    for block in content:
        if not isinstance(block, dict) or block.get("type") not in blocks:
            return False
    return any(b["type"] != "text" or str(b.get("text") or "").strip() for b in content)


def check_request(body: Any) -> str | None:
    """What is wrong with a v2 chat request, as Cohere says it; None when it is valid."""
    if not isinstance(body, dict):
        return "invalid request: the body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "invalid request: model must be specified"
    problem = _check_settings(body)
    if problem:
        return problem
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "invalid request: messages must contain at least one message"
    offered = {(t.get("function") or {}).get("name") for t in body.get("tools") or []}
    pending: list[str] = []
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in _FIELDS:
            return f"invalid request: messages[{i}].role must be one of system, user, assistant, tool"
        extra = set(message) - _FIELDS[role]
        if extra:
            return f"invalid request: messages[{i}]: unknown field {min(extra)!r} for a {role} message"
        if pending and role != "tool":
            return f"invalid request: tool call(s) {', '.join(pending)} must be followed by their tool results"
        if role in ("system", "user"):
            if not _has_content(message.get("content"), ("text", "image_url", "document")):
                return f"invalid request: messages[{i}]: message must be at least 1 token long"
        elif role == "assistant":
            calls = message.get("tool_calls") or []
            content = message.get("content")
            if not calls and not _has_content(content, ("text",)):
                return f"invalid request: messages[{i}]: assistant message must have content or tool calls"
            for call in calls:
                fn = call.get("function") if isinstance(call, dict) else None
                if not isinstance(fn, dict) or not call.get("id"):
                    return f"invalid request: messages[{i}]: a tool call needs an id and a function"
                if fn.get("name") not in offered:
                    return f"invalid request: messages[{i}]: tool call to {fn.get('name')!r}, which is not in tools"
                try:
                    json.loads(fn.get("arguments") or "")
                except (TypeError, ValueError):
                    return f"invalid request: messages[{i}]: tool call arguments must be a JSON string"
            pending = [str(c["id"]) for c in calls]
        else:
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                return f"invalid request: messages[{i}]: tool_call_id {call_id!r} does not match a pending tool call"
            pending.remove(call_id)
            if not _has_content(message.get("content"), ("text", "document")):
                return f"invalid request: messages[{i}]: tool message content must not be empty"
    if pending:
        return f"invalid request: tool call(s) {', '.join(pending)} must be followed by their tool results"
    return None


def _check_settings(body: dict[str, Any]) -> str | None:
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "invalid request: tools must be a list"
        for tool in tools:
            fn = tool.get("function") if isinstance(tool, dict) else None
            if not isinstance(fn, dict) or not fn.get("name") or not isinstance(fn.get("parameters"), dict):
                return "invalid request: each tool needs a function with a name and parameters"
    response_format = body.get("response_format")
    if response_format is not None:
        if not isinstance(response_format, dict) or response_format.get("type") not in ("text", "json_object"):
            return "invalid request: response_format.type must be 'text' or 'json_object'"
        if tools:
            return "invalid request: response_format is not supported with tools or documents"
    choice = body.get("tool_choice")
    if choice is not None:
        if choice not in ("REQUIRED", "NONE"):
            return "invalid request: tool_choice must be one of REQUIRED, NONE"
        if not tools:
            return "invalid request: tool_choice requires tools"
    for key, low, high in (
        ("p", 0.01, 0.99),
        ("k", 0, 500),
        ("frequency_penalty", 0, 1),
        ("presence_penalty", 0, 1),
        ("temperature", 0, None),
    ):
        value = body.get(key)
        if value is not None and not (
            isinstance(value, (int, float)) and low <= value and (high is None or value <= high)
        ):
            return f"invalid request: {key} must be between {low} and {high}"
    return None


def chat_body(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """A v2 chat response answering ``body`` with ``reply``."""
    calls = [dict(c, type="function") for c in reply.tool_calls or []]
    if reply.function_call:
        calls.append({"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function", "function": dict(reply.function_call)})
    if calls:
        message: dict[str, Any] = {
            "role": "assistant",
            "tool_plan": reply.content or "I will use the tools.",
            "tool_calls": calls,
        }
    else:
        message = {"role": "assistant", "content": [{"type": "text", "text": reply.content or ""}]}
    usage = estimate_usage(body, reply)
    billed = {"input_tokens": usage["prompt_tokens"], "output_tokens": usage["completion_tokens"]}
    finish = reply.resolved_finish_reason
    return {
        "id": str(uuid.uuid4()),
        "finish_reason": _FINISH.get(finish, finish.upper()),
        "message": message,
        "usage": {
            "billed_units": billed,
            "tokens": {**billed, "input_tokens": billed["input_tokens"] + TEMPLATE_TOKENS},
        },
    }


def _event(data: dict[str, Any]) -> bytes:
    return b"event: " + data["type"].encode() + b"\ndata: " + json.dumps(data, separators=(",", ":")).encode() + b"\n\n"


def stream_events(response: dict[str, Any]) -> list[bytes]:
    """The server-sent events a streaming v2 chat request receives for ``response``, in order."""
    message = response["message"]
    start = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}
    events = [_event({"type": "message-start", "id": response["id"], "delta": {"message": start}})]
    if message.get("tool_calls"):
        for piece in _pieces(message.get("tool_plan") or ""):
            events.append(_event({"type": "tool-plan-delta", "delta": {"message": {"tool_plan": piece}}}))
        for index, call in enumerate(message["tool_calls"]):
            head = {
                "id": call["id"],
                "type": "function",
                "function": {"name": call["function"]["name"], "arguments": ""},
            }
            events.append(
                _event({"type": "tool-call-start", "index": index, "delta": {"message": {"tool_calls": head}}})
            )
            for piece in _arg_pieces(call["function"]["arguments"]):
                delta = {"message": {"tool_calls": {"function": {"arguments": piece}}}}
                events.append(_event({"type": "tool-call-delta", "index": index, "delta": delta}))
            events.append(_event({"type": "tool-call-end", "index": index}))
    else:
        text = message["content"][0]["text"]
        content_start = {"message": {"content": {"type": "text", "text": ""}}}
        events.append(_event({"type": "content-start", "index": 0, "delta": content_start}))
        for piece in _pieces(text):
            delta = {"message": {"content": {"text": piece}}}
            events.append(_event({"type": "content-delta", "index": 0, "delta": delta}))
        events.append(_event({"type": "content-end", "index": 0}))
    end = {"finish_reason": response["finish_reason"], "usage": response["usage"]}
    events.append(_event({"type": "message-end", "delta": end}))
    return events
