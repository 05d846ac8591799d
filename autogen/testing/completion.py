"""Build chat-completion payloads (whole or streamed) for a scripted reply, with deterministic usage.

Token counts are an estimate, not a tokenizer, so that they are the same on every machine:

- a text of ``c`` characters counts ``ceil(c / 4)`` tokens;
- prompt_tokens = 3 + sum over request messages of (3 + tokens of the message text), where the message
  text is its content (text parts joined; other parts as JSON), its name, and its tool/function calls'
  names and arguments; plus the tokens of the JSON of ``tools``/``functions`` when the request has them;
- completion_tokens = n * max(1, tokens of the reply content + tokens of each call's name and arguments);
- total_tokens = prompt_tokens + completion_tokens.

A reply's ``usage`` overrides any of the three numbers (a missing total is the sum of the other two).
"""

from __future__ import annotations

import json
import math
import re
import time
import uuid
from typing import Any

from .replies import FakeReply

__all__ = ["build_completion", "estimate_usage", "stream_chunks", "text_tokens"]


def text_tokens(text: str) -> int:
    """Estimated token count of a text: one token per 4 characters, rounded up."""
    return math.ceil(len(text) / 4)


def _message_text(message: Any) -> str:
    if not isinstance(message, dict):
        return str(message)
    parts: list[str] = []
    content = message.get("content")
    if isinstance(content, str):
        parts.append(content)
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                parts.append(json.dumps(part, default=str))
    elif content is not None:
        parts.append(json.dumps(content, default=str))
    if isinstance(message.get("name"), str):
        parts.append(message["name"])
    calls = [tc.get("function") for tc in message.get("tool_calls") or [] if isinstance(tc, dict)]
    calls.append(message.get("function_call"))
    for fn in calls:
        if isinstance(fn, dict):
            parts.append(str(fn.get("name", "")))
            parts.append(str(fn.get("arguments", "")))
    return "".join(parts)


def estimate_usage(request_body: dict[str, Any], reply: FakeReply, n: int = 1) -> dict[str, int]:
    """Usage for answering ``request_body`` with ``reply`` (see the module docstring for the formula)."""
    messages = request_body.get("messages")
    prompt = 3 + sum(3 + text_tokens(_message_text(m)) for m in (messages if isinstance(messages, list) else []))
    for key in ("tools", "functions"):
        if request_body.get(key):
            prompt += text_tokens(json.dumps(request_body[key], default=str))
    completion = text_tokens(reply.content or "") + text_tokens(reply.reasoning or "")
    for tc in reply.tool_calls or []:
        completion += text_tokens(tc["function"]["name"] + tc["function"]["arguments"])
    if reply.function_call:
        completion += text_tokens(reply.function_call["name"] + reply.function_call["arguments"])
    completion = max(1, completion) * n
    usage = {"prompt_tokens": prompt, "completion_tokens": completion}
    if reply.usage:
        usage.update({k: int(v) for k, v in reply.usage.items() if k != "total_tokens"})
    usage["total_tokens"] = (
        int(reply.usage["total_tokens"])
        if reply.usage and "total_tokens" in reply.usage
        else (usage["prompt_tokens"] + usage["completion_tokens"])
    )
    return usage


def _choice_count(request_body: dict[str, Any]) -> int:
    n = request_body.get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1


def build_completion(request_body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    """A ``chat.completion`` JSON object answering ``request_body`` with ``reply`` (``n`` copies of it)."""
    n = _choice_count(request_body)
    message = reply.message()
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request_body.get("model") or model,
        "choices": [
            {"index": i, "message": message, "finish_reason": reply.resolved_finish_reason, "logprobs": None}
            for i in range(n)
        ],
        "usage": estimate_usage(request_body, reply, n),
        "system_fingerprint": None,
    }


# Split text at word boundaries, keeping the spaces, so streamed pieces look like real tokens.
_WORDS = re.compile(r"\s*\S+\s*|\s+")
_MAX_PIECES = 64


def _pieces(text: str) -> list[str]:
    words = _WORDS.findall(text) or ([text] if text else [])
    if len(words) <= _MAX_PIECES:
        return words
    per = math.ceil(len(words) / _MAX_PIECES)
    return ["".join(words[i : i + per]) for i in range(0, len(words), per)]


def _arg_pieces(arguments: str) -> list[str]:
    if not arguments:
        return []
    size = max(4, math.ceil(len(arguments) / 8))
    return [arguments[i : i + size] for i in range(0, len(arguments), size)]


def stream_chunks(completion: dict[str, Any], include_usage: bool = False) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects a streaming API sends for ``completion``, in order."""
    base = {
        "id": completion["id"],
        "object": "chat.completion.chunk",
        "created": completion["created"],
        "model": completion["model"],
        "system_fingerprint": None,
    }
    chunks: list[dict[str, Any]] = []

    def add(index: int, delta: dict[str, Any], finish_reason: str | None = None) -> None:
        chunk = dict(base, choices=[{"index": index, "delta": delta, "finish_reason": finish_reason, "logprobs": None}])
        if include_usage:
            chunk["usage"] = None
        chunks.append(chunk)

    for choice in completion["choices"]:
        i, msg = choice["index"], choice["message"]
        add(i, {"role": "assistant", "content": "" if msg.get("content") is not None else None, "refusal": None})
        for piece in _pieces(msg.get("reasoning_content") or ""):
            add(i, {"reasoning_content": piece})
        for piece in _pieces(msg.get("content") or ""):
            add(i, {"content": piece})
        for k, tc in enumerate(msg.get("tool_calls") or []):
            head = {"name": tc["function"]["name"], "arguments": ""}
            add(i, {"tool_calls": [{"index": k, "id": tc["id"], "type": tc["type"], "function": head}]})
            for piece in _arg_pieces(tc["function"]["arguments"]):
                add(i, {"tool_calls": [{"index": k, "function": {"arguments": piece}}]})
        if msg.get("function_call"):
            fc = msg["function_call"]
            add(i, {"function_call": {"name": fc["name"], "arguments": ""}})
            for piece in _arg_pieces(fc["arguments"]):
                add(i, {"function_call": {"arguments": piece}})
        add(i, {}, choice["finish_reason"])
    if include_usage:
        chunks.append(dict(base, choices=[], usage=completion["usage"]))
    return chunks
