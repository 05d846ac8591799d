"""Ollama's chat API wire format for the fake LLM (``POST /api/chat``): request checks, whole and
streamed (NDJSON) replies, errors.

The checks are what Ollama's server refuses with 400 when it decodes a request (written from its API
types, independently of the client's converter): a model name; ``messages`` a list of objects whose
``content`` is a string, ``images`` base64 strings and ``tool_calls`` carry arguments as a JSON object
(never a string); well-formed ``tools``; typed ``options``; a ``format`` that is "", "json" or a JSON
schema. One check is stricter than Ollama, which lets a model's template drop unknown roles silently:
a role other than system / user / assistant / tool is refused, so a client bug cannot hide.

Replies carry Ollama's fields (``message``, ``done``, ``done_reason``, ``prompt_eval_count``,
``eval_count``, durations); tool calls have object arguments. Streaming is one JSON object per line
(``application/x-ndjson``): text in pieces, tool calls in one line, then a ``done`` line with the counts.
Errors are ``{"error": "..."}``. Token counts are estimated as elsewhere: 4 characters a token.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import datetime, timezone
from typing import Any

from .completion import _pieces, text_tokens
from .replies import FakeReply

__all__ = ["check_request", "error_body", "response_body", "stream_lines"]

_ROLES = ("system", "user", "assistant", "tool")
_INT_OPTIONS = frozenset({"num_ctx", "num_predict", "num_keep", "seed", "top_k", "repeat_last_n", "num_batch",
                          "num_gpu", "main_gpu", "num_thread"})  # fmt: skip
_FLOAT_OPTIONS = frozenset({"temperature", "top_p", "min_p", "typical_p", "repeat_penalty", "presence_penalty",
                            "frequency_penalty"})  # fmt: skip
_THINK_LEVELS = ("high", "medium", "low")


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """An Ollama error body: ``{"error": message}``."""
    return json.dumps({"error": message}).encode()


def _go_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _unmarshal_error(value: Any, field: str, go_type: str) -> str:
    return f"json: cannot unmarshal {_go_type(value)} into Go struct field {field} of type {go_type}"


def _check_message(i: int, message: Any) -> str | None:
    if not isinstance(message, dict):
        return _unmarshal_error(message, "ChatRequest.messages", "api.Message")
    role = message.get("role")
    if not isinstance(role, str):
        return _unmarshal_error(role, "Message.messages.role", "string")
    if role.lower() not in _ROLES:
        return f"messages[{i}]: invalid role {role!r} (expected one of {', '.join(_ROLES)})"
    for key in ("content", "thinking", "tool_name"):
        value = message.get(key)
        if value is not None and not isinstance(value, str):
            return _unmarshal_error(value, f"Message.messages.{key}", "string")
    images = message.get("images")
    if images is not None:
        if not isinstance(images, list):
            return _unmarshal_error(images, "Message.messages.images", "[]api.ImageData")
        for image in images:
            if not isinstance(image, str):
                return _unmarshal_error(image, "Message.messages.images", "api.ImageData")
            try:
                base64.b64decode(image, validate=True)
            except (binascii.Error, ValueError):
                return "illegal base64 data at input byte 0"
    calls = message.get("tool_calls")
    if calls is not None:
        if not isinstance(calls, list):
            return _unmarshal_error(calls, "Message.messages.tool_calls", "[]api.ToolCall")
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                return _unmarshal_error(call, "Message.messages.tool_calls", "api.ToolCall")
            arguments = function.get("arguments")
            if arguments is not None and not isinstance(arguments, dict):
                return _unmarshal_error(
                    arguments,
                    "ToolCallFunction.messages.tool_calls.function.arguments",
                    "api.ToolCallFunctionArguments",
                )
    return None


def _check_tools(tools: Any) -> str | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        return _unmarshal_error(tools, "ChatRequest.tools", "api.Tools")
    for tool in tools:
        if not isinstance(tool, dict) or not isinstance(tool.get("function"), dict):
            return _unmarshal_error(tool, "ChatRequest.tools", "api.Tool")
        if not isinstance(tool.get("type", ""), str):
            return _unmarshal_error(tool["type"], "Tool.tools.type", "string")
        function = tool["function"]
        if not isinstance(function.get("name", ""), str):
            return _unmarshal_error(function["name"], "ToolFunction.tools.function.name", "string")
        parameters = function.get("parameters")
        if parameters is None:
            continue
        if not isinstance(parameters, dict):
            return _unmarshal_error(parameters, "ToolFunction.tools.function.parameters", "api.ToolFunctionParameters")
        properties = parameters.get("properties") or {}
        if not isinstance(properties, dict):
            return _unmarshal_error(properties, "ToolFunctionParameters.properties", "api.ToolPropertiesMap")
        for prop in properties.values():
            kind = prop.get("type") if isinstance(prop, dict) else None
            if kind is not None and not (
                isinstance(kind, str) or (isinstance(kind, list) and all(isinstance(k, str) for k in kind))
            ):
                return _unmarshal_error(kind, "ToolProperty.type", "api.PropertyType")
    return None


def _check_options(options: Any) -> str | None:
    if options is None:
        return None
    if not isinstance(options, dict):
        return _unmarshal_error(options, "ChatRequest.options", "map[string]interface {}")
    for key, value in options.items():
        if value is None:
            continue
        if key in _INT_OPTIONS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return f'option "{key}" must be of type integer'
        if key in _FLOAT_OPTIONS and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return f'option "{key}" must be of type float32'
        if key == "stop" and not (isinstance(value, list) and all(isinstance(s, str) for s in value)):
            return (
                f'option "{key}" must be of type array'
                if not isinstance(value, list)
                else (f'option "{key}" must be of an array of strings')
            )
    return None


def check_request(body: Any) -> str | None:
    """What Ollama would refuse in a ``/api/chat`` request (its error text); None when it is valid."""
    if not isinstance(body, dict):
        return "missing request body"
    if not isinstance(body.get("model"), str) or not body["model"].strip():
        return "model is required"
    messages = body.get("messages")
    if messages is not None and not isinstance(messages, list):
        return _unmarshal_error(messages, "ChatRequest.messages", "[]api.Message")
    for i, message in enumerate(messages or []):
        problem = _check_message(i, message)
        if problem:
            return problem
    problem = _check_tools(body.get("tools")) or _check_options(body.get("options"))
    if problem:
        return problem
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        return _unmarshal_error(stream, "ChatRequest.stream", "bool")
    fmt = body.get("format")
    if fmt is not None and fmt not in ("", "json") and not isinstance(fmt, dict):
        return 'invalid format: expected "json" or a valid JSON schema'
    think = body.get("think")
    if think is not None and not isinstance(think, bool) and think not in _THINK_LEVELS:
        return f"invalid think value: {think!r} (must be true, false, high, medium or low)"
    return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {"raw_arguments": raw}
    return value if isinstance(value, dict) else {"value": value}


def response_body(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """Ollama's non-streamed ``/api/chat`` answer to ``body`` with ``reply``."""
    calls = list(reply.tool_calls or [])
    if reply.function_call:
        calls.append({"id": f"call_{uuid.uuid4().hex[:8]}", "function": reply.function_call})
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or ""}
    output = text_tokens(reply.content or "")
    if calls:
        message["tool_calls"] = [
            {
                "id": call.get("id") or f"call_{uuid.uuid4().hex[:8]}",
                "function": {"index": i, "name": call["function"]["name"], "arguments": _arguments(call["function"]["arguments"])},
            }
            for i, call in enumerate(calls)
        ]  # fmt: skip
        output += sum(text_tokens(c["function"]["name"] + c["function"]["arguments"]) for c in calls)
    prompt = 3 + text_tokens(json.dumps({k: body.get(k) for k in ("messages", "tools")}, default=str))
    output = max(1, output)
    if reply.usage:
        prompt = int(reply.usage.get("prompt_tokens", prompt))
        output = int(reply.usage.get("completion_tokens", output))
    return {
        "model": body.get("model") or model,
        "created_at": _now(),
        "message": message,
        "done": True,
        "done_reason": "length" if reply.resolved_finish_reason == "length" else "stop",
        "total_duration": 2_000_000 + 1_000_000 * (prompt + output) // 100,
        "load_duration": 1_000_000,
        "prompt_eval_count": prompt,
        "prompt_eval_duration": 500_000,
        "eval_count": output,
        "eval_duration": 500_000,
    }


def _line(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode() + b"\n"


def stream_lines(response: dict[str, Any]) -> list[bytes]:
    """The NDJSON lines of a streamed answer: text pieces, the tool calls, then the ``done`` line."""
    head = {"model": response["model"], "created_at": response["created_at"]}
    message = response["message"]
    lines = [
        _line({**head, "message": {"role": "assistant", "content": piece}, "done": False})
        for piece in _pieces(message["content"])
    ]
    if message.get("tool_calls"):
        calls = {"role": "assistant", "content": "", "tool_calls": message["tool_calls"]}
        lines.append(_line({**head, "message": calls, "done": False}))
    final = {k: v for k, v in response.items() if k != "message"}
    lines.append(_line({**final, "message": {"role": "assistant", "content": ""}}))
    return lines
