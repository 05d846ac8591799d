"""Wire details of the OpenAI-compatible provider APIs the fake server speaks: Groq, Cerebras, Together.AI.

They take OpenAI's chat-completions body and answer its JSON and server-sent events; what differs is
checked here: the request fields and message properties each API refuses, where a stream reports its
usage (Groq: the last chunk's ``x_groq``; Cerebras and Together: the last chunk's ``usage``), and
Cerebras' flat error body. Every one of them refuses a tool message that answers no call of the
assistant message before it, and an assistant's tool calls left without their tool messages (the
chat-completions rule).
"""

from __future__ import annotations

import json
from typing import Any

from .completion import stream_chunks
from .http11 import error_body as openai_error_body

__all__ = ["cerebras_error_body", "check_cerebras", "check_groq", "check_together", "stream_events"]

# Message properties each role may carry on Groq (anything else: "property '...' is unsupported").
_GROQ_PROPERTIES = {
    "system": {"role", "content", "name"},
    "developer": {"role", "content", "name"},
    "user": {"role", "content", "name"},
    "assistant": {"role", "content", "name", "tool_calls", "function_call", "reasoning"},
    "tool": {"role", "content", "tool_call_id"},
    "function": {"role", "content", "name"},
}
# Request fields Cerebras answers with 400 (its OpenAI-compatibility notes).
_CEREBRAS_UNSUPPORTED = ("frequency_penalty", "presence_penalty", "logit_bias", "parallel_tool_calls", "service_tier")
_TOGETHER_ROLES = ("system", "user", "assistant", "tool")

Problem = tuple[str, str | None] | None


def _common(body: Any) -> Problem:
    if not isinstance(body, dict):
        return "The request body must be a JSON object.", None
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "'model' : property 'model' is missing", "model"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' : minimum number of items is 1", "messages"
    if not all(isinstance(m, dict) for m in messages):
        return "'messages' : each message must be an object", "messages"
    return _tool_pairing(messages)


def _tool_pairing(messages: list[dict[str, Any]]) -> Problem:
    """The chat-completions rule: tool messages answer the calls of the assistant message right before them."""
    open_calls: set[str] = set()
    for i, message in enumerate(messages):
        role = message.get("role")
        if role == "tool":
            if message.get("tool_call_id") not in open_calls:
                message_text = (
                    f"'messages.{i}' : messages with role 'tool' must be a response to a preceding message with "
                    f"'tool_calls' (no call has id {message.get('tool_call_id')!r})"
                )
                return message_text, f"messages.[{i}].tool_call_id"
            open_calls.discard(message["tool_call_id"])
            continue
        if open_calls:
            return _unanswered(open_calls), f"messages.[{i}].role"
        calls = message.get("tool_calls") if role == "assistant" else None
        open_calls = {c.get("id") for c in calls if isinstance(c, dict)} if calls else set()
    if open_calls:
        return _unanswered(open_calls), "messages"
    return None


def _unanswered(ids: set[str]) -> str:
    return (
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
        f"'tool_call_id'. The following tool_call_ids did not have response messages: {sorted(ids)}"
    )


def _groq_rule(i: int, role: str, rule: str) -> str:
    return f"'messages.{i}' : for 'role:{role}' the following must be satisfied[{rule}]"


def check_groq(body: Any) -> Problem:
    """What Groq's API refuses (its validator's wording), else None."""
    problem = _common(body)
    if problem:
        return problem
    if isinstance(body.get("n"), int) and body["n"] > 1:
        return "'n' : number must be at most 1", "n"
    for i, message in enumerate(body["messages"]):
        role = message.get("role")
        allowed = _GROQ_PROPERTIES.get(role)
        if allowed is None:
            return f"'messages.{i}.role' : value is not one of the allowed values {sorted(_GROQ_PROPERTIES)}", None
        extra = sorted(set(message) - allowed)
        if extra:
            return _groq_rule(i, role, f"('messages.{i}' : property '{extra[0]}' is unsupported)"), f"messages.{i}"
        content = message.get("content")
        if role == "assistant" and not isinstance(content, (str, list)) and not message.get("tool_calls"):
            rule = (
                f"('messages.{i}.content' : value must be a string) OR "
                f"('messages.{i}.tool_calls' : value must be an array)"
            )
            return _groq_rule(i, role, rule), f"messages.{i}"
        if role in ("system", "developer", "user", "tool") and not isinstance(content, (str, list)):
            return _groq_rule(i, role, f"('messages.{i}.content' : value must be a string)"), f"messages.{i}"
    return None


def check_cerebras(body: Any) -> Problem:
    """What Cerebras' API refuses, else None."""
    problem = _common(body)
    if problem:
        return problem
    for field in _CEREBRAS_UNSUPPORTED:
        if field in body:
            return f"Unsupported parameter: '{field}' is not supported by this API.", field
    for i, message in enumerate(body["messages"]):
        if message.get("role") not in ("system", "user", "assistant", "tool"):
            return f"messages.{i}.role: Input should be 'system', 'user', 'assistant' or 'tool'", f"messages.{i}.role"
        if message.get("role") != "assistant" and not isinstance(message.get("content"), (str, list)):
            return f"messages.{i}.content: Field required", f"messages.{i}.content"
    return None


def check_together(body: Any) -> Problem:
    """What Together.AI's API refuses, else None."""
    problem = _common(body)
    if problem:
        return problem
    for i, message in enumerate(body["messages"]):
        role = message.get("role")
        if role not in _TOGETHER_ROLES:
            return f"messages.{i}.role: value is not a valid enumeration member; permitted: {_TOGETHER_ROLES}", None
        content = message.get("content")
        if role in ("system", "tool") and not isinstance(content, str):
            return f"messages.{i}.content: {role} message content must be a string", f"messages.{i}.content"
        if role == "user" and not isinstance(content, (str, list)):
            return f"messages.{i}.content: field required", f"messages.{i}.content"
    return None


def cerebras_error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """Cerebras' error JSON: the OpenAI error fields at the top level (no ``error`` wrapper)."""
    return json.dumps(json.loads(openai_error_body(status, message, code=code, param=param))["error"]).encode()


def stream_events(body: dict[str, Any], completion: dict[str, Any], *, usage_field: str) -> list[bytes]:
    """The SSE events of ``completion``: OpenAI's chunks, the usage on the last chunk (``usage_field`` is
    "usage", or "x_groq" for Groq's ``x_groq.usage``), an OpenAI usage chunk too when asked for."""
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
    chunks = stream_chunks(completion, include_usage)
    for chunk in chunks:
        chunk["system_fingerprint"] = "fp_fake"
    last = [c for c in chunks if c["choices"]][-1]
    if usage_field == "x_groq":
        last["x_groq"] = {"id": "req_" + completion["id"].rsplit("-", 1)[-1], "usage": completion["usage"]}
    else:
        last["usage"] = completion["usage"]
    events = [b"data: " + json.dumps(c, separators=(",", ":")).encode() + b"\n\n" for c in chunks]
    return [*events, b"data: [DONE]\n\n"]
