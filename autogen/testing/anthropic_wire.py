"""The Anthropic Messages wire format for the fake LLM: request checks, whole and streamed replies, errors.

The checks are the rules the real API enforces and a converted chat history can break (written from
the API's documentation, independently of the client's converter, so tests of one check the other):
alternating user/assistant turns starting with user, non-empty text, every ``tool_use`` answered by a
``tool_result`` in the very next user turn (results first), no result without its call, unique tool ids
of the allowed characters, tools defined whenever tool blocks are present, well-formed tools and
``tool_choice``, ``max_tokens`` given, ``temperature`` within [0, 1]. A broken request gets the API's
400 ``invalid_request_error`` and uses no scripted reply.

Usage is estimated like the OpenAI dialect's (:mod:`autogen.testing.completion`): 4 characters a token;
input = 3 + system + sum over messages of (3 + text of its blocks) + the JSON of ``tools``.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from .completion import _arg_pieces, _pieces, text_tokens
from .replies import FakeReply

__all__ = ["check_request", "error_body", "message_body", "stream_event_dicts", "stream_events"]

_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
_SIGNATURE = "ZmFrZS10aGlua2luZy1zaWduYXR1cmU="  # what the API sends to verify a thinking block
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
_STOP = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use", "length": "max_tokens"}
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
                500: "api_error", 529: "overloaded_error"}  # fmt: skip


def error_body(status: int, message: str, *, code: str | None = None, param: str | None = None) -> bytes:
    """An Anthropic error body: ``{"type": "error", "error": {"type", "message"}}``."""
    kind = code or _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()


def _blocks(content: Any) -> list[Any]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return content if isinstance(content, list) else []


def check_request(body: dict[str, Any]) -> str | None:
    """What is wrong with a Messages request, as the API would say it; None when it is valid."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        return "max_tokens: Field required (an integer >= 1)"
    temperature = body.get("temperature")
    if temperature is not None and not (isinstance(temperature, (int, float)) and 0 <= temperature <= 1):
        return "temperature: Input should be less than or equal to 1"
    system = body.get("system")
    if system is not None and not isinstance(system, (str, list)):
        return "system: Input should be a valid string or a list of text blocks"
    problem = _check_tools(body)
    if problem:
        return problem
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    has_tools = bool(body.get("tools"))
    seen_ids: set[str] = set()
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        role = message["role"]
        if i == 0 and role != "user":
            return 'messages: first message must use the "user" role'
        if i > 0 and messages[i - 1].get("role") == role:
            return f'messages: roles must alternate between "user" and "assistant" (messages.{i} repeats {role!r})'
        if set(message) - {"role", "content"}:
            extra = min(set(message) - {"role", "content"})
            return f"messages.{i}.{extra}: Extra inputs are not permitted"
        blocks = _blocks(message.get("content"))
        if not blocks:
            return f"messages.{i}: all messages must have non-empty content"
        results_done = False
        for k, block in enumerate(blocks):
            kind = block.get("type") if isinstance(block, dict) else None
            where = f"messages.{i}.content.{k}"
            if kind == "text":
                if not isinstance(block.get("text"), str) or not block["text"].strip():
                    return f"{where}: text content blocks must contain non-whitespace text"
                results_done = True
            elif kind == "image":
                if not isinstance(block.get("source"), dict):
                    return f"{where}.source: Field required"
                results_done = True
            elif kind == "tool_use":
                if role != "assistant":
                    return f"{where}: tool_use blocks may only appear in assistant messages"
                if not _ID.match(str(block.get("id", ""))):
                    return f"{where}.id: String should match pattern '^[a-zA-Z0-9_-]+$'"
                if block["id"] in seen_ids:
                    return f"{where}: tool_use ids must be unique (repeated {block['id']!r})"
                seen_ids.add(block["id"])
                if not isinstance(block.get("input"), dict):
                    return f"{where}.input: Input should be a valid dictionary"
                if not has_tools:
                    return "Requests which include `tool_use` or `tool_result` blocks must define tools."
            elif kind == "tool_result":
                if role != "user":
                    return f"{where}: tool_result blocks may only appear in user messages"
                if results_done:
                    return f"{where}: tool_result blocks must come first in the content of a user message"
                if not has_tools:
                    return "Requests which include `tool_use` or `tool_result` blocks must define tools."
            else:
                return f"{where}.type: Input tag {kind!r} does not match any of the expected tags"
        if role == "assistant":
            calls = [b["id"] for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use"]
            if calls:
                after = _blocks(messages[i + 1].get("content")) if i + 1 < len(messages) else []
                answered = {
                    b.get("tool_use_id") for b in after if isinstance(b, dict) and b.get("type") == "tool_result"
                }
                missing = [c for c in calls if c not in answered]
                if missing:
                    return (
                        f"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks immediately "
                        f"after: {', '.join(missing)}. Each `tool_use` block must have a corresponding "
                        "`tool_result` block in the next message."
                    )
        else:
            previous = _blocks(messages[i - 1].get("content")) if i > 0 else []
            called = {b.get("id") for b in previous if isinstance(b, dict) and b.get("type") == "tool_use"}
            answered_here: set[str] = set()
            for k, block in enumerate(blocks):
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    tid = block.get("tool_use_id")
                    if tid not in called or tid in answered_here:
                        return (
                            f"messages.{i}.content.{k}: unexpected `tool_use_id` found in `tool_result` blocks: "
                            f"{tid}. Each `tool_result` block must have a corresponding `tool_use` block in the "
                            "previous message."
                        )
                    answered_here.add(tid)
    return None


def _check_tools(body: dict[str, Any]) -> str | None:
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "tools: Input should be a valid list"
        for j, tool in enumerate(tools):
            if not isinstance(tool, dict) or not _TOOL_NAME.match(str(tool.get("name", ""))):
                return f"tools.{j}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'"
            schema = tool.get("input_schema")
            if not isinstance(schema, dict) or schema.get("type") != "object":
                return f"tools.{j}.input_schema: Input should be a JSON schema of type 'object'"
            if "parameters" in tool:
                return f"tools.{j}.parameters: Extra inputs are not permitted"
    choice = body.get("tool_choice")
    if choice is not None:
        if not isinstance(choice, dict) or choice.get("type") not in ("auto", "any", "tool", "none"):
            return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'"
        if choice["type"] == "tool" and not choice.get("name"):
            return "tool_choice.tool.name: Field required"
    return None


def _block_text(block: Any) -> str:
    if not isinstance(block, dict):
        return str(block)
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if kind == "tool_use":
        return str(block.get("name", "")) + json.dumps(block.get("input", {}))
    if kind == "tool_result":
        content = block.get("content", "")
        return content if isinstance(content, str) else "".join(_block_text(b) for b in content or [])
    return json.dumps(block, default=str)


def _input_tokens(body: dict[str, Any]) -> int:
    system = body.get("system")
    total = 3 + text_tokens(system if isinstance(system, str) else "".join(_block_text(b) for b in system or []))
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else message
        total += 3 + text_tokens("".join(_block_text(b) for b in _blocks(content)))
    if body.get("tools"):
        total += text_tokens(json.dumps(body["tools"], default=str))
    return total


def message_body(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """A Messages API ``message`` answering ``body`` with ``reply``."""
    content: list[dict[str, Any]] = []
    if reply.reasoning:
        content.append({"type": "thinking", "thinking": reply.reasoning, "signature": _SIGNATURE})
    if reply.content:
        text: dict[str, Any] = {"type": "text", "text": reply.content}
        if reply.citations:
            text["citations"] = [
                {"type": "web_search_result_location", "encrypted_index": "fake", **c} for c in reply.citations
            ]
        content.append(text)
    calls = list(reply.tool_calls or [])
    if reply.function_call:
        calls.append({"id": f"toolu_{uuid.uuid4().hex[:24]}", "function": reply.function_call})
    output = text_tokens(reply.content or "") + text_tokens(reply.reasoning or "")
    for call in calls:
        try:
            arguments = json.loads(call["function"]["arguments"] or "{}")
        except ValueError:
            arguments = {"raw_arguments": call["function"]["arguments"]}
        if not isinstance(arguments, dict):
            arguments = {"value": arguments}
        content.append({"type": "tool_use", "id": call["id"], "name": call["function"]["name"], "input": arguments})
        output += text_tokens(call["function"]["name"] + call["function"]["arguments"])
    usage = {"input_tokens": _input_tokens(body), "output_tokens": max(1, output)}
    if reply.usage:
        usage["input_tokens"] = int(reply.usage.get("prompt_tokens", usage["input_tokens"]))
        usage["output_tokens"] = int(reply.usage.get("completion_tokens", usage["output_tokens"]))
    return {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": body.get("model") or model,
        "content": content,
        "stop_reason": _STOP.get(reply.resolved_finish_reason, reply.resolved_finish_reason),
        "stop_sequence": None,
        "usage": usage,
    }


def _event(kind: str, data: dict[str, Any]) -> bytes:
    return b"event: " + kind.encode() + b"\ndata: " + json.dumps(data, separators=(",", ":")).encode() + b"\n\n"


def stream_event_dicts(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The streaming events of a Messages request answered with ``message``, in order, as JSON objects."""
    start = dict(message, content=[], stop_reason=None, usage={"input_tokens": message["usage"]["input_tokens"],
                                                               "output_tokens": 1})  # fmt: skip
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}, {"type": "ping"}]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            head = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": piece} for piece in _pieces(block["text"])]
            deltas += [{"type": "citations_delta", "citation": c} for c in block.get("citations") or ()]
        elif block["type"] == "thinking":
            head = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": piece} for piece in _pieces(block["thinking"])]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        else:
            head = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in _arg_pieces(json.dumps(block["input"]))]
        events.append({"type": "content_block_start", "index": index, "content_block": head})
        events.extend({"type": "content_block_delta", "index": index, "delta": delta} for delta in deltas)
        events.append({"type": "content_block_stop", "index": index})
    delta = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    events.append(
        {"type": "message_delta", "delta": delta, "usage": {"output_tokens": message["usage"]["output_tokens"]}}
    )
    events.append({"type": "message_stop"})
    return events


def stream_events(message: dict[str, Any]) -> list[bytes]:
    """The server-sent events a streaming Messages request receives for ``message``, in order."""
    return [_event(event["type"], event) for event in stream_event_dicts(message)]
