"""Mistral's chat-completions wire format for the fake LLM (``POST /v1/chat/completions``): request checks,
whole and streamed replies, errors.

Mistral's request and response look like OpenAI's, but the API refuses histories OpenAI accepts. The
checks here are the rules of Mistral's API (written from its documentation and its error messages,
independently of the client's converter, so tests of one check the other):

- tool call ids are exactly 9 characters ``a-z A-Z 0-9``; function names are ``a-z A-Z 0-9 _ -``, at most 64;
- a ``tool`` message follows an assistant turn with ``tool_calls`` (or another tool message), and that turn's
  calls are each answered once before anything else; a ``user`` message never directly follows a ``tool``
  one, nor a ``system`` message an assistant or tool one, nor an assistant message another one
  (``Unexpected role 'user' after role 'tool'``);
- an assistant message has content or tool calls;
- the last message is ``user`` or ``tool`` (or ``assistant`` with ``prefix: true``);
- messages carry only the fields of their role (no ``name`` on user messages);
- ``tools`` / ``tool_choice`` / ``response_format`` are well formed.

A broken request gets a 400 in Mistral's error shape and uses no scripted reply. Usage follows the
OpenAI dialect's estimate (:func:`autogen.testing.completion.estimate_usage`). Tool call ids of a
scripted reply are kept when they are valid Mistral ids, else replaced by fresh ones, as the API makes them.
"""

from __future__ import annotations

import json
import random
import re
import string
import time
import uuid
from typing import Any

from .completion import _pieces, estimate_usage
from .replies import FakeReply

__all__ = ["check_request", "completion_body", "error_body", "stream_events"]

_ID = re.compile(r"^[a-zA-Z0-9]{9}$")
_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_FIELDS = {
    "system": {"role", "content"},
    "user": {"role", "content"},
    "assistant": {"role", "content", "tool_calls", "prefix"},
    "tool": {"role", "content", "tool_call_id", "name"},
}
_ERROR_TYPES = {
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}
_FINISH = {"function_call": "tool_calls", "content_filter": "stop"}


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """Mistral's error body: ``{"object": "error", "message", "type", "param", "code"}``."""
    kind = _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    if message.startswith("Unexpected role"):
        kind, code = "invalid_request_message_order", code or "3230"
    return json.dumps({"object": "error", "message": message, "type": kind, "param": param, "code": code}).encode()


def new_tool_call_id() -> str:
    """A fresh tool call id as Mistral makes them (9 letters and digits)."""
    return "".join(random.choices(string.ascii_letters + string.digits, k=9))


def _content_ok(content: Any) -> bool:
    if isinstance(content, str):
        return True
    if not isinstance(content, list):
        return False
    for chunk in content:
        if not isinstance(chunk, dict) or chunk.get("type") not in ("text", "image_url"):
            return False
        if chunk["type"] == "text" and not isinstance(chunk.get("text"), str):
            return False
        if chunk["type"] == "image_url" and not isinstance(chunk.get("image_url"), (str, dict)):
            return False
    return True


def _check_call(call: Any, where: str) -> str | None:
    if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
        return f"{where}: a tool call needs a 'function'"
    if not _ID.match(str(call.get("id", ""))):
        return f"Tool call id was {call.get('id')} but must be a-z, A-Z, 0-9, with a length of 9."
    name = str(call["function"].get("name", ""))
    if not _NAME.match(name):
        return (
            f"Function name was {name} but must be a-z, A-Z, 0-9, or contain underscores and dashes, "
            "with a maximum length of 64."
        )
    arguments = call["function"].get("arguments")
    if isinstance(arguments, str):
        try:
            json.loads(arguments)
        except ValueError:
            return f"{where}.function.arguments: Invalid JSON"
    elif not isinstance(arguments, dict):
        return f"{where}.function.arguments: Input should be a valid string or dictionary"
    return None


def check_request(body: Any) -> str | None:
    """What is wrong with a chat request, as Mistral's API says it; None when it is valid."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object."
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Field required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: List should have at least 1 item after validation"
    problem = _check_tools(body)
    if problem:
        return problem
    pending: list[str] = []  # calls of the last assistant turn not answered yet
    previous: dict[str, Any] | None = None
    for i, message in enumerate(messages):
        where = f"messages.{i}"
        role = message.get("role") if isinstance(message, dict) else None
        if role not in _FIELDS:
            return f"{where}.role: Input tag {role!r} does not match any of the expected tags"
        extra = set(message) - _FIELDS[role]
        if extra:
            return f"{where}.{role}.{min(extra)}: Extra inputs are not permitted"
        last_role = previous["role"] if previous else None
        if pending and role != "tool":
            return "Not the same number of function calls and responses"
        if (
            (role == "user" and last_role == "tool")
            or (role == "system" and last_role in ("assistant", "tool"))
            or (role == "assistant" and last_role == "assistant")
            or (role == "tool" and last_role not in ("assistant", "tool"))
        ):
            return f"Unexpected role '{role}' after role '{last_role}'"
        if role == "assistant":
            calls = message.get("tool_calls") or []
            content = message.get("content")
            if not calls and (content is None or content == "" or content == []):
                return "Assistant message must have either content or tool_calls, but not none."
            if content is not None and not _content_ok(content):
                return f"{where}.assistant.content: Input should be a valid string or list of chunks"
            for k, call in enumerate(calls):
                problem = _check_call(call, f"{where}.tool_calls.{k}")
                if problem:
                    return problem
            ids = [c["id"] for c in calls]
            if len(set(ids)) != len(ids):
                return f"{where}: tool call ids must be unique"
            pending = ids
        elif role == "tool":
            if not pending:
                return "Not the same number of function calls and responses"
            if message.get("tool_call_id") not in pending:
                return f"Tool call id {message.get('tool_call_id')} was not found among the assistant's tool calls."
            pending.remove(message["tool_call_id"])
            if not isinstance(message.get("content"), (str, list)):
                return f"{where}.tool.content: Input should be a valid string or list of chunks"
        elif not _content_ok(message.get("content")):
            return f"{where}.{role}.content: Input should be a valid string or list of chunks"
        previous = message
    if pending:
        return "Not the same number of function calls and responses"
    assert previous is not None
    if previous["role"] not in ("user", "tool") and not (previous["role"] == "assistant" and previous.get("prefix")):
        return f"Expected last role User or Tool (or Assistant with prefix True) for serving but got {previous['role']}"
    return None


def _check_tools(body: dict[str, Any]) -> str | None:
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "tools: Input should be a valid list"
        for j, tool in enumerate(tools):
            fn = tool.get("function") if isinstance(tool, dict) else None
            if not isinstance(fn, dict) or not _NAME.match(str(fn.get("name", ""))):
                return (
                    f"Function name was {fn.get('name') if isinstance(fn, dict) else None} but must be a-z, A-Z, "
                    "0-9, or contain underscores and dashes, with a maximum length of 64."
                )
            if not isinstance(fn.get("parameters"), dict):
                return f"tools.{j}.function.parameters: Field required"
    choice = body.get("tool_choice")
    if choice is not None:
        if isinstance(choice, dict):
            if choice.get("type") != "function" or not (choice.get("function") or {}).get("name"):
                return "tool_choice: Input should be 'auto', 'none', 'any', 'required' or a function"
        elif choice not in ("auto", "none", "any", "required"):
            return "tool_choice: Input should be 'auto', 'none', 'any', 'required' or a function"
        if choice in ("any", "required") and not tools:
            return "tool_choice: tools are required when tool_choice is 'any'"
    response_format = body.get("response_format")
    if response_format is not None:
        kind = response_format.get("type") if isinstance(response_format, dict) else None
        if kind not in ("text", "json_object", "json_schema"):
            return "response_format.type: Input should be 'text', 'json_object' or 'json_schema'"
        if kind == "json_schema" and not isinstance((response_format.get("json_schema") or {}).get("schema"), dict):
            return "response_format.json_schema.schema: Field required"
    temperature = body.get("temperature")
    if temperature is not None and not (isinstance(temperature, (int, float)) and temperature >= 0):
        return "temperature: Input should be greater than or equal to 0"
    return None


def completion_body(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """A Mistral chat completion answering ``body`` with ``reply``."""
    calls = []
    for k, call in enumerate(reply.tool_calls or []):
        call_id = call["id"] if _ID.match(call["id"]) else new_tool_call_id()
        calls.append({"id": call_id, "type": "function", "function": dict(call["function"]), "index": k})
    if reply.function_call:
        calls.append(
            {"id": new_tool_call_id(), "type": "function", "function": dict(reply.function_call), "index": len(calls)}
        )
    message: dict[str, Any] = {
        "role": "assistant",
        "content": reply.content or "",
        "tool_calls": calls or None,
        "prefix": False,
    }
    finish = reply.resolved_finish_reason
    return {
        "id": uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model") or model,
        "choices": [{"index": 0, "message": message, "finish_reason": _FINISH.get(finish, finish)}],
        "usage": estimate_usage(body, reply),
    }


def _event(chunk: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"


def stream_events(completion: dict[str, Any]) -> list[bytes]:
    """The server-sent events of a streamed completion: text in pieces, each tool call whole, usage last."""
    base = {
        "id": completion["id"],
        "object": "chat.completion.chunk",
        "created": completion["created"],
        "model": completion["model"],
    }
    choice = completion["choices"][0]
    message = choice["message"]

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        return _event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": piece}) for piece in _pieces(message.get("content") or "")]
    if message.get("tool_calls"):
        events.append(chunk({"tool_calls": message["tool_calls"]}))
    events.append(chunk({"content": ""}, choice["finish_reason"], usage=completion["usage"]))
    events.append(b"data: [DONE]\n\n")
    return events
