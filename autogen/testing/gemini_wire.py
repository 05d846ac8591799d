"""The Gemini API wire format for the fake LLM (``generateContent`` / ``streamGenerateContent``):
request checks, whole and streamed replies, errors.

The checks are rules the real API enforces and a converted chat history can break (written from the
API's documentation, independently of the client's converter): ``contents`` present and non-empty,
roles ``user``/``model``, every turn with parts, each part one kind of data, no empty text, function
calls only in model turns and right after a user turn, function responses only in user turns right
after a function-call turn and one per call, function declarations well named. A broken request gets
the API's 400 ``INVALID_ARGUMENT`` and uses no scripted reply.

Usage is estimated like the OpenAI dialect's: 4 characters a token over the JSON of the request.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any

from .completion import _pieces, text_tokens
from .replies import FakeReply

__all__ = ["check_request", "error_body", "response_body", "stream_events"]

_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$")
_DATA = ("text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult")
_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}  # fmt: skip
_FINISH = {"stop": "STOP", "tool_calls": "STOP", "function_call": "STOP", "length": "MAX_TOKENS",
           "content_filter": "SAFETY"}  # fmt: skip


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """A Google API error body: ``{"error": {"code", "message", "status"}}``."""
    kind = _STATUS.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")
    return json.dumps({"error": {"code": status, "message": message, "status": kind}}).encode()


def check_request(body: Any) -> str | None:
    """What is wrong with a ``generateContent`` request, as the API would say it; None when valid."""
    if not isinstance(body, dict):
        return "Invalid JSON payload received."
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        return "* GenerateContentRequest.contents: contents is not specified"
    for j, tool in enumerate(body.get("tools") or []):
        for k, decl in enumerate(tool.get("functionDeclarations") or []):
            if not _NAME.match(str(decl.get("name", ""))):
                return f"* GenerateContentRequest.tools[{j}].function_declarations[{k}].name: Invalid function name."
    system = body.get("systemInstruction")
    if system is not None:
        for part in system.get("parts") or []:
            if set(part) != {"text"}:
                return "* GenerateContentRequest.system_instruction: only text parts are allowed"
    for i, turn in enumerate(contents):
        where = f"* GenerateContentRequest.contents[{i}]"
        role = turn.get("role") if isinstance(turn, dict) else None
        if role not in ("user", "model"):
            return f"Please use a valid role: user, model. ({where[2:]}.role={role!r})"
        parts = turn.get("parts")
        if not isinstance(parts, list) or not parts:
            return f"{where}.parts: contents.parts must not be empty."
        for k, part in enumerate(parts):
            kinds = [key for key in _DATA if key in part] if isinstance(part, dict) else []
            if len(kinds) != 1:
                return f"{where}.parts[{k}].data: required oneof field 'data' must have one initialized field"
            if kinds[0] == "text" and not str(part["text"]).strip():
                return "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again."
            if kinds[0] == "functionCall" and role != "model":
                return f"{where}.parts[{k}]: function calls may only appear in model turns"
            if kinds[0] == "functionResponse" and role != "user":
                return f"{where}.parts[{k}]: function responses may only appear in user turns"
        calls = [p["functionCall"] for p in parts if "functionCall" in p]
        responses = [p["functionResponse"] for p in parts if "functionResponse" in p]
        previous = contents[i - 1] if i > 0 else None
        if calls and (previous is None or previous.get("role") != "user"):
            return (
                "Please ensure that function call turn comes immediately after a user turn or after a function "
                "response turn."
            )
        if responses:
            before = [p["functionCall"] for p in (previous or {}).get("parts") or [] if "functionCall" in p]
            if not before or (previous or {}).get("role") != "model":
                return "Please ensure that function response turn comes immediately after a function call turn."
            if len(before) != len(responses):
                return (
                    "Please ensure that the number of function response parts is equal to the number of function "
                    "call parts of the function call turn."
                )
            if sorted(c.get("name", "") for c in before) != sorted(r.get("name", "") for r in responses):
                return "Please ensure that each function response is named after a function call of the previous turn."
    return None


def response_body(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """A ``GenerateContentResponse`` answering ``body`` with ``reply``."""
    parts: list[dict[str, Any]] = []
    if reply.content:
        parts.append({"text": reply.content})
    calls = list(reply.tool_calls or [])
    if reply.function_call:
        calls.append({"function": reply.function_call})
    output = text_tokens(reply.content or "")
    for call in calls:
        try:
            args = json.loads(call["function"]["arguments"] or "{}")
        except ValueError:
            args = {"raw_arguments": call["function"]["arguments"]}
        if not isinstance(args, dict):
            args = {"value": args}
        part: dict[str, Any] = {"functionCall": {"name": call["function"]["name"], "args": args}}
        if model.startswith("gemini-3") and not any("thoughtSignature" in p for p in parts):
            # Gemini 3 signs the first function call of a step; the client must send it back with the call
            part["thoughtSignature"] = base64.b64encode(f"sig:{uuid.uuid4().hex[:8]}".encode()).decode()
        parts.append(part)
        output += text_tokens(call["function"]["name"] + call["function"]["arguments"])
    prompt = 3 + text_tokens(json.dumps({k: body.get(k) for k in ("contents", "systemInstruction", "tools")}))
    output = max(1, output)
    if reply.usage:
        prompt = int(reply.usage.get("prompt_tokens", prompt))
        output = int(reply.usage.get("completion_tokens", output))
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": parts},
                "finishReason": _FINISH.get(reply.resolved_finish_reason, "STOP"),
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": prompt,
            "candidatesTokenCount": output,
            "totalTokenCount": prompt + output,
        },
        "modelVersion": model,
        "responseId": uuid.uuid4().hex[:22],
    }


def _event(data: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(data, separators=(",", ":")).encode() + b"\r\n\r\n"


def stream_events(response: dict[str, Any]) -> list[bytes]:
    """The server-sent events of ``:streamGenerateContent?alt=sse`` for ``response``: text in pieces,
    function calls whole, the finish reason and usage on the last event."""
    candidate = response["candidates"][0]
    parts = candidate["content"]["parts"]
    common = {"modelVersion": response["modelVersion"], "responseId": response["responseId"]}
    chunks: list[list[dict[str, Any]]] = []
    for part in parts:
        if "text" in part:
            chunks.extend([{"text": piece}] for piece in _pieces(part["text"]))
        else:
            chunks.append([part])
    if not chunks:
        chunks.append([])
    events = []
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        cand: dict[str, Any] = {"content": {"role": "model", "parts": chunk}, "index": 0}
        data: dict[str, Any] = {"candidates": [cand], **common}
        if last:
            cand["finishReason"] = candidate["finishReason"]
            data["usageMetadata"] = response["usageMetadata"]
        events.append(_event(data))
    return events
