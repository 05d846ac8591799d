"""The OpenAI Responses API wire format for the fake LLM (``POST /v1/responses``): request checks,
whole and streamed replies, and the server-side state that ``previous_response_id`` refers to.

The checks are rules the real API enforces that a converted chat history can break (written from the
API reference, independently of the client's converter): input messages with a known role and only
``role`` / ``content`` (/ ``type``, ``id``, ``status``), string texts, user-side parts (``input_text``,
``input_image``, ``input_file``) apart from assistant parts (``output_text``, ``refusal``),
``function_call`` items with ``call_id`` / ``name`` / string ``arguments``, every
``function_call_output`` answering a call made earlier in the input or in the previous response, every
call answered, a known ``previous_response_id``, flat function tools (``{"type": "function", "name"}``),
``tool_choice`` and ``text.format`` in their Responses form, and no chat-completions-only parameter.

Usage is estimated like the chat dialect's (:mod:`autogen.testing.completion`): 4 characters a token;
input = 3 + instructions + sum over items of (3 + their text) + the JSON of ``tools`` + the whole
context (input and output) of the response continued.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any

from .completion import _arg_pieces, _pieces, text_tokens
from .replies import FakeReply

__all__ = ["ResponseStore", "check_request", "response_body", "stream_events"]

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_ROLES = ("assistant", "system", "developer", "user")
_USER_PARTS = frozenset({"input_text", "input_image", "input_file", "input_audio"})
_ASSISTANT_PARTS = frozenset({"output_text", "refusal"})
_MESSAGE_KEYS = frozenset({"type", "role", "content", "id", "status", "phase"})
_PASSTHROUGH_ITEMS = frozenset({
    "reasoning", "web_search_call", "file_search_call", "image_generation_call", "code_interpreter_call",
    "computer_call", "computer_call_output", "mcp_call", "mcp_list_tools", "mcp_approval_request",
    "mcp_approval_response", "item_reference", "local_shell_call", "local_shell_call_output",
    "shell_call", "shell_call_output", "apply_patch_call", "apply_patch_call_output",
    "custom_tool_call", "custom_tool_call_output",
})  # fmt: skip
_HOSTED_TOOLS = frozenset({
    "web_search", "web_search_preview", "file_search", "image_generation", "code_interpreter",
    "computer_use_preview", "mcp", "local_shell", "shell", "apply_patch", "custom",
})  # fmt: skip
# Chat-completions parameters the Responses API does not take (it answers "Unknown parameter").
_CHAT_ONLY = ("messages", "max_tokens", "max_completion_tokens", "n", "stop", "seed", "functions",
              "function_call", "reasoning_effort", "frequency_penalty", "presence_penalty", "logit_bias",
              "logprobs", "modalities", "audio", "prediction", "web_search_options")  # fmt: skip
_MOVED = {"response_format": "text.format"}

Problem = tuple[str, "str | None", int, "str | None"]


class ResponseStore:
    """What a server remembers of the responses it gave (bounded): their function calls still owed an
    output and the size of their context, by response id."""

    def __init__(self, limit: int = 1024) -> None:
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, response_id: Any) -> dict[str, Any] | None:
        """The stored state of ``response_id``, None when unknown."""
        with self._lock:
            return self._items.get(response_id) if isinstance(response_id, str) else None

    def put(self, response_id: str, state: dict[str, Any]) -> None:
        """Remember ``state`` for ``response_id``."""
        with self._lock:
            self._items[response_id] = state
            while len(self._items) > self._limit:
                self._items.popitem(last=False)


def _bad(message: str, param: str | None, code: str = "invalid_value", status: int = 400) -> Problem:
    return (message, param, status, code)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", list: "array", dict: "object"}.get(type(value), "string")


def _expect_str(value: Any, where: str) -> Problem | None:
    if isinstance(value, str):
        return None
    return _bad(
        f"Invalid type for '{where}': expected a string, but got {_type_name(value)} instead.", where, "invalid_type"
    )


def _check_message(item: dict[str, Any], where: str) -> Problem | None:
    role = item.get("role")
    if role not in _ROLES:
        return _bad(
            f"Invalid value: '{role}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
            f"{where}.role",
        )
    for key in item:
        if key not in _MESSAGE_KEYS:
            return _bad(f"Unknown parameter: '{where}.{key}'.", f"{where}.{key}", "unknown_parameter")
    content = item.get("content")
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return _bad(
            f"Invalid type for '{where}.content': expected one of a string or array of input items, but got "
            f"{_type_name(content)} instead.",
            f"{where}.content",
            "invalid_type",
        )
    allowed = _ASSISTANT_PARTS if role == "assistant" else _USER_PARTS
    for k, part in enumerate(content):
        at = f"{where}.content[{k}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in allowed:
            names = " and ".join(f"'{a}'" for a in sorted(allowed))
            return _bad(f"Invalid value: '{kind}'. Supported values are: {names}.", f"{at}.type")
        if kind in ("input_text", "output_text"):
            problem = _expect_str(part.get("text"), f"{at}.text")
            if problem:
                return problem
        elif kind == "refusal":
            problem = _expect_str(part.get("refusal"), f"{at}.refusal")
            if problem:
                return problem
        elif kind == "input_image" and not (isinstance(part.get("image_url"), str) or part.get("file_id")):
            return _bad(
                f"Missing required parameter: '{at}.image_url'.", f"{at}.image_url", "missing_required_parameter"
            )
    return None


def _check_input(body: dict[str, Any], store: ResponseStore) -> Problem | None:
    previous = body.get("previous_response_id")
    owed: list[str] = []  # calls that still need an output, in order
    calls: set[str] = set()
    if previous is not None:
        state = store.get(previous)
        if state is None:
            return _bad(
                f"Previous response with id '{previous}' not found.",
                "previous_response_id",
                "previous_response_not_found",
                404,
            )
        owed = list(state["calls"])
        calls = set(owed)
    items = body.get("input")
    if items is None:
        if previous is None and body.get("prompt") is None:
            return _bad("Missing required parameter: 'input'.", "input", "missing_required_parameter")
        items = []
    if isinstance(items, str):
        items = []
    if not isinstance(items, list):
        return _bad(
            "Invalid type for 'input': expected one of a string or array of input items.", "input", "invalid_type"
        )
    answered: set[str] = set()
    for i, item in enumerate(items):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            return _bad(f"Invalid type for '{where}': expected an object.", where, "invalid_type")
        kind = item.get("type", "message")
        if kind == "message":
            problem = _check_message(item, where)
        elif kind == "function_call":
            problem = None
            for key in ("call_id", "name", "arguments"):
                problem = problem or _expect_str(item.get(key), f"{where}.{key}")
            if problem is None:
                if item["call_id"] in calls:
                    problem = _bad(
                        f"Duplicate value for 'call_id' of {item['call_id']} in {where}.", f"{where}.call_id"
                    )
                else:
                    calls.add(item["call_id"])
                    owed.append(item["call_id"])
        elif kind == "function_call_output":
            call_id = item.get("call_id")
            problem = _expect_str(call_id, f"{where}.call_id") or _expect_str(item.get("output"), f"{where}.output")
            if problem is None and (call_id not in calls or call_id in answered):
                problem = _bad(f"No tool call found for function call output with call_id {call_id}.", "input")
            answered.add(call_id)
        elif kind in _PASSTHROUGH_ITEMS:
            problem = None
            if kind.endswith("_output") and item.get("call_id"):
                answered.add(item["call_id"])
        else:
            problem = _bad(f"Invalid value: '{kind}'.", f"{where}.type")
        if problem:
            return problem
    for call_id in owed:
        if call_id not in answered:
            return _bad(f"No tool output found for function call {call_id}.", "input")
    return None


def _check_tools(body: dict[str, Any]) -> Problem | None:
    tools = body.get("tools")
    if tools is not None and not isinstance(tools, list):
        return _bad("Invalid type for 'tools': expected an array of objects.", "tools", "invalid_type")
    for j, tool in enumerate(tools or []):
        where = f"tools[{j}]"
        kind = tool.get("type") if isinstance(tool, dict) else None
        if kind == "function":
            if "name" not in tool:
                return _bad(
                    f"Missing required parameter: '{where}.name'.", f"{where}.name", "missing_required_parameter"
                )
            if not isinstance(tool["name"], str) or not _NAME.match(tool["name"]):
                return _bad(
                    f"Invalid '{where}.name': string does not match pattern. Expected a string that matches the "
                    "pattern '^[a-zA-Z0-9_-]+$'.",
                    f"{where}.name",
                    "invalid_value",
                )
            if "function" in tool:
                return _bad(f"Unknown parameter: '{where}.function'.", f"{where}.function", "unknown_parameter")
            parameters = tool.get("parameters")
            if parameters is not None and (not isinstance(parameters, dict) or parameters.get("type") != "object"):
                return _bad(
                    f"Invalid schema for function '{tool['name']}': schema must be a JSON Schema of 'type: \"object\"'.",
                    f"{where}.parameters",
                )
        elif kind not in _HOSTED_TOOLS:
            return _bad(f"Invalid value: '{kind}'.", f"{where}.type")
    choice = body.get("tool_choice")
    if choice is not None:
        if isinstance(choice, str):
            if choice not in ("auto", "none", "required"):
                return _bad(
                    f"Invalid value: '{choice}'. Supported values are: 'none', 'auto', and 'required'.", "tool_choice"
                )
        elif not isinstance(choice, dict):
            return _bad("Invalid type for 'tool_choice'.", "tool_choice", "invalid_type")
        elif choice.get("type") == "function" and not isinstance(choice.get("name"), str):
            return _bad(
                "Missing required parameter: 'tool_choice.name'.", "tool_choice.name", "missing_required_parameter"
            )
    return None


def _check_text(body: dict[str, Any]) -> Problem | None:
    text = body.get("text")
    if text is None:
        return None
    if not isinstance(text, dict):
        return _bad("Invalid type for 'text': expected an object.", "text", "invalid_type")
    fmt = text.get("format")
    if fmt is None:
        return None
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind not in ("text", "json_object", "json_schema"):
        return _bad(
            f"Invalid value: '{kind}'. Supported values are: 'text', 'json_object' and 'json_schema'.",
            "text.format.type",
        )
    if kind == "json_schema":
        for key in ("name", "schema"):
            if key not in fmt:
                return _bad(
                    f"Missing required parameter: 'text.format.{key}'.",
                    f"text.format.{key}",
                    "missing_required_parameter",
                )
        if "json_schema" in fmt:
            return _bad("Unknown parameter: 'text.format.json_schema'.", "text.format.json_schema", "unknown_parameter")
    return None


def check_request(body: Any, store: ResponseStore) -> Problem | None:
    """(message, param, status, code) of a request the API would refuse, else None."""
    if not isinstance(body, dict):
        return _bad("The request body must be a JSON object.", None, "invalid_request_error")
    if not isinstance(body.get("model"), str) or not body["model"]:
        return _bad("Missing required parameter: 'model'.", "model", "missing_required_parameter")
    for key in _CHAT_ONLY:
        if key in body:
            return _bad(f"Unknown parameter: '{key}'.", key, "unknown_parameter")
    for key, moved in _MOVED.items():
        if key in body:
            return _bad(
                f"Unsupported parameter: '{key}'. In the Responses API, this parameter has moved to '{moved}'. "
                "Try again with the new parameter.",
                key,
                "unsupported_parameter",
            )
    temperature = body.get("temperature")
    if temperature is not None and not (isinstance(temperature, (int, float)) and 0 <= temperature <= 2):
        return _bad(
            f"Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got {temperature} instead.",
            "temperature",
            "decimal_above_max_value",
        )
    return _check_tools(body) or _check_text(body) or _check_input(body, store)


# ---- replies ------------------------------------------------------------------------------------


def _item_text(item: Any) -> str:
    if isinstance(item, str):
        return item
    if not isinstance(item, dict):
        return json.dumps(item, default=str)
    kind = item.get("type", "message")
    if kind == "message":
        content = item.get("content")
        if isinstance(content, str):
            return content
        return "".join(
            str(p.get("text") or p.get("refusal") or "") if isinstance(p, dict) else str(p) for p in content or []
        )
    if kind == "function_call":
        return str(item.get("name", "")) + str(item.get("arguments", ""))
    if kind == "function_call_output":
        return str(item.get("output", ""))
    return json.dumps(item, default=str)


def _input_tokens(body: dict[str, Any], store: ResponseStore) -> int:
    items = body.get("input")
    items = [items] if isinstance(items, str) else items if isinstance(items, list) else []
    total = 3 + text_tokens(str(body.get("instructions") or ""))
    total += sum(3 + text_tokens(_item_text(item)) for item in items)
    if body.get("tools"):
        total += text_tokens(json.dumps(body["tools"], default=str))
    previous = store.get(body.get("previous_response_id"))
    if previous is not None:
        total += previous["context_tokens"]
    return total


def _annotation(citation: dict[str, str], text: str) -> dict[str, Any]:
    """A ``url_citation`` annotation of ``text`` (the span of the cited text, else all of it)."""
    start = text.find(citation["cited_text"]) if citation["cited_text"] else -1
    start, end = (start, start + len(citation["cited_text"])) if start >= 0 else (0, len(text))
    return {"type": "url_citation", "url": citation["url"], "title": citation["title"], "start_index": start,
            "end_index": end}  # fmt: skip


def response_body(body: dict[str, Any], reply: FakeReply, model: str, store: ResponseStore) -> dict[str, Any]:
    """A Responses API ``response`` answering ``body`` with ``reply`` (remembered for continuations)."""
    output: list[dict[str, Any]] = []
    if reply.reasoning:  # a reasoning model's summary comes first
        summary = [{"type": "summary_text", "text": reply.reasoning}]
        output.append({"type": "reasoning", "id": f"rs_{uuid.uuid4().hex}", "summary": summary})
    if reply.content is not None:
        notes = [_annotation(c, reply.content) for c in reply.citations or []]
        part = {"type": "output_text", "text": reply.content, "annotations": notes, "logprobs": []}
        output.append(
            {
                "type": "message",
                "id": f"msg_{uuid.uuid4().hex}",
                "status": "completed",
                "role": "assistant",
                "content": [part],
            }
        )
    calls = [tc["function"] | {"id": tc["id"]} for tc in reply.tool_calls or []]
    if reply.function_call:
        calls.append(reply.function_call | {"id": f"call_{uuid.uuid4().hex[:24]}"})
    for call in calls:
        output.append(
            {
                "type": "function_call",
                "id": f"fc_{uuid.uuid4().hex}",
                "call_id": call["id"],
                "name": call["name"],
                "arguments": call["arguments"],
                "status": "completed",
            }
        )
    output.extend(json.loads(json.dumps(item)) for item in reply.output_items or [])

    input_tokens = _input_tokens(body, store)
    output_tokens = text_tokens(reply.content or "") + sum(text_tokens(c["name"] + c["arguments"]) for c in calls)
    output_tokens += text_tokens(reply.reasoning or "")
    output_tokens = max(1, output_tokens)
    if reply.usage:
        input_tokens = int(reply.usage.get("prompt_tokens", input_tokens))
        output_tokens = int(reply.usage.get("completion_tokens", output_tokens))
    total = (
        int(reply.usage["total_tokens"])
        if reply.usage and "total_tokens" in reply.usage
        else input_tokens + output_tokens
    )
    incomplete = reply.resolved_finish_reason == "length"
    response_id = f"resp_{uuid.uuid4().hex}"
    # calls the client runs itself (functions, apply_patch, shell) are owed an output by the next turn
    owed = [c["id"] for c in calls] + [
        item["call_id"]
        for item in output
        if item.get("type") in ("apply_patch_call", "shell_call") and item.get("call_id")
    ]
    store.put(response_id, {"calls": owed, "context_tokens": input_tokens + output_tokens})
    return {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "status": "incomplete" if incomplete else "completed",
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": body.get("model") or model,
        "output": output,
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": body.get("reasoning") or {"effort": None, "summary": None},
        "store": body.get("store", True),
        "temperature": body.get("temperature", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation", "disabled"),
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": text_tokens(reply.reasoning or "")},
            "total_tokens": total,
        },
        "user": body.get("user"),
        "metadata": body.get("metadata") or {},
    }


def _event(kind: str, data: dict[str, Any], seq: list[int]) -> bytes:
    data = {"type": kind, "sequence_number": seq[0], **data}
    seq[0] += 1
    return b"event: " + kind.encode() + b"\ndata: " + json.dumps(data, separators=(",", ":")).encode() + b"\n\n"


def stream_events(response: dict[str, Any]) -> list[bytes]:
    """The server-sent events a streaming request receives for ``response``, in order."""
    seq = [0]
    start = dict(response, status="in_progress", output=[], usage=None)
    events = [
        _event("response.created", {"response": start}, seq),
        _event("response.in_progress", {"response": start}, seq),
    ]
    for index, item in enumerate(response["output"]):
        at = {"output_index": index}
        if item["type"] == "message":
            events.append(
                _event("response.output_item.added", {**at, "item": dict(item, status="in_progress", content=[])}, seq)
            )
            for k, part in enumerate(item["content"]):
                ref = {**at, "item_id": item["id"], "content_index": k}
                events.append(_event("response.content_part.added", {**ref, "part": dict(part, text="")}, seq))
                for piece in _pieces(part["text"]):
                    events.append(_event("response.output_text.delta", {**ref, "delta": piece, "logprobs": []}, seq))
                events.append(_event("response.output_text.done", {**ref, "text": part["text"], "logprobs": []}, seq))
                events.append(_event("response.content_part.done", {**ref, "part": part}, seq))
        elif item["type"] == "function_call":
            events.append(
                _event(
                    "response.output_item.added", {**at, "item": dict(item, status="in_progress", arguments="")}, seq
                )
            )
            ref = {**at, "item_id": item["id"]}
            for piece in _arg_pieces(item["arguments"]):
                events.append(_event("response.function_call_arguments.delta", {**ref, "delta": piece}, seq))
            done = {**ref, "name": item["name"], "arguments": item["arguments"]}
            events.append(_event("response.function_call_arguments.done", done, seq))
        else:
            events.append(_event("response.output_item.added", {**at, "item": item}, seq))
        events.append(_event("response.output_item.done", {**at, "item": item}, seq))
    final = "response.incomplete" if response["status"] == "incomplete" else "response.completed"
    events.append(_event(final, {"response": response}, seq))
    return events
