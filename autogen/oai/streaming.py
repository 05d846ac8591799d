"""Assemble streamed chat-completion chunks into one ChatCompletion.

Both the sync and the async client feed chunks to the same :class:`StreamAssembler`, so a streamed
call returns the same shape as a non-streamed one: text, tool calls (arguments concatenated per
call index), legacy function calls, finish reasons and usage when the server sends it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "StreamAssembler",
    "openai_finish_reason",
    "stream_sender",
    "update_dict_from_chunk",
    "update_function_call_from_chunk",
    "update_tool_call_from_chunk",
]

logger = logging.getLogger(__name__)

# The finish reasons a ChatCompletion can carry; OpenAI-compatible servers also send others (Together's
# "eos"), which mean the model stopped.
_FINISH_REASONS = frozenset({"stop", "length", "tool_calls", "content_filter", "function_call"})


def openai_finish_reason(reason: Any, has_tool_calls: bool = False) -> str:
    """``reason`` as one of the ChatCompletion finish reasons (unknown or missing ones: "stop", or
    "tool_calls" when the message calls tools)."""
    if reason in _FINISH_REASONS:
        return reason
    return "tool_calls" if has_tool_calls else "stop"


@dataclass
class _ChoiceState:
    content: list[str] = field(default_factory=list)
    refusal: list[str] = field(default_factory=list)
    role: str = "assistant"
    finish_reason: str | None = None
    tool_calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    function_name: str | None = None
    function_args: list[str] = field(default_factory=list)


class StreamAssembler:
    """Collect ``ChatCompletionChunk`` objects; :meth:`add` returns the text to show right away."""

    def __init__(self) -> None:
        self._choices: dict[int, _ChoiceState] = {}
        self._id: str | None = None
        self._model: str | None = None
        self._created: int | None = None
        self._system_fingerprint: str | None = None
        self._usage: Any = None

    def add(self, chunk: Any) -> str:
        """Record one chunk and return its new text (empty when it carries none).

        Anything that is not a chunk (no ``choices`` list) is skipped with a debug log."""
        if not hasattr(chunk, "choices") or not isinstance(chunk.choices, list | None):
            logger.debug("Skipping unexpected chunk type: %s", type(chunk))
            return ""
        self._id = self._id or getattr(chunk, "id", None)
        self._model = self._model or getattr(chunk, "model", None)
        self._created = self._created or getattr(chunk, "created", None)
        self._system_fingerprint = self._system_fingerprint or getattr(chunk, "system_fingerprint", None)
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self._usage = usage
        text: list[str] = []
        for choice in getattr(chunk, "choices", None) or []:
            state = self._choices.setdefault(choice.index, _ChoiceState())
            if choice.finish_reason:
                state.finish_reason = choice.finish_reason
            delta = choice.delta
            if delta is None:
                continue
            if getattr(delta, "role", None):
                state.role = delta.role
            if delta.content:
                state.content.append(delta.content)
                text.append(delta.content)
            if getattr(delta, "refusal", None):
                state.refusal.append(delta.refusal)
            function_call = getattr(delta, "function_call", None)
            if function_call is not None:
                if function_call.name:
                    state.function_name = function_call.name
                if function_call.arguments:
                    state.function_args.append(function_call.arguments)
            for call in getattr(delta, "tool_calls", None) or []:
                index = getattr(call, "index", None)
                if index is None:  # servers that send whole calls without an index: a new id is a new call
                    index = len(state.tool_calls) if call.id or not state.tool_calls else max(state.tool_calls)
                entry = state.tool_calls.setdefault(
                    index, {"id": None, "type": "function", "function": {"name": "", "arguments": ""}}
                )
                if call.id:
                    entry["id"] = call.id
                if getattr(call, "type", None):
                    entry["type"] = call.type
                if call.function is not None:
                    if call.function.name:
                        entry["function"]["name"] += call.function.name
                    if call.function.arguments:
                        entry["function"]["arguments"] += call.function.arguments
        return "".join(text)

    def result(self) -> Any:
        """The assembled ``openai.types.chat.ChatCompletion``."""
        from openai.types.chat import ChatCompletion

        choices = []
        for index in sorted(self._choices):
            state = self._choices[index]
            message: dict[str, Any] = {"role": state.role, "content": "".join(state.content) or None}
            if state.refusal:
                message["refusal"] = "".join(state.refusal)
            if state.tool_calls:
                message["tool_calls"] = [state.tool_calls[i] for i in sorted(state.tool_calls)]
            if state.function_name is not None:
                message["function_call"] = {"name": state.function_name, "arguments": "".join(state.function_args)}
            if message["content"] is None and not state.tool_calls and state.function_name is None:
                message["content"] = ""
            finish = openai_finish_reason(state.finish_reason, bool(state.tool_calls))
            choices.append({"index": index, "message": message, "finish_reason": finish, "logprobs": None})
        data: dict[str, Any] = {
            "id": self._id or "chatcmpl-stream",
            "object": "chat.completion",
            "created": self._created or int(time.time()),
            "model": self._model or "",
            "choices": choices,
        }
        if self._system_fingerprint:
            data["system_fingerprint"] = self._system_fingerprint
        if self._usage is not None:
            dump = getattr(self._usage, "model_dump", None)
            data["usage"] = dump() if callable(dump) else dict(self._usage)
        return ChatCompletion.model_validate(data)


def stream_sender() -> Callable[[str], None]:
    """A function that sends one piece of streamed text to the default IOStream as a ``StreamEvent``."""
    from ..events.client_events import StreamEvent
    from ..io.base import IOStream

    stream = IOStream.get_default()
    return lambda text: stream.send(StreamEvent(content=text))


# ag2's piecewise chunk mergers (OpenAIWrapper._update_*_from_chunk); StreamAssembler does this work for the
# clients here, these serve code that assembles chunks itself.


def update_dict_from_chunk(chunk: Any, d: dict[str, Any], field: str) -> int:
    """Merge ``chunk.<field>`` into ``d[field]``: text is appended, a number or bool replaces; returns 1 if
    the chunk had the field, else 0. A list or dict value raises ``NotImplementedError``."""
    value = getattr(chunk, field, None)
    if value is None:
        return 0
    if isinstance(value, list | dict):
        raise NotImplementedError(f"Field {field} is a list or dict; only text and numbers can be merged.")
    d[field] = d.get(field, "") + value if isinstance(value, str) else value
    return 1


def update_function_call_from_chunk(
    function_call_chunk: Any, full_function_call: dict[str, Any] | None, completion_tokens: int
) -> tuple[dict[str, Any], int]:
    """Merge a function-call delta (``name``, ``arguments``) into ``full_function_call``; returns it with the
    completion token count raised by the fields the chunk carried."""
    call = {} if full_function_call is None else full_function_call
    if function_call_chunk:
        for field in ("name", "arguments"):
            completion_tokens += update_dict_from_chunk(function_call_chunk, call, field)
    if not call:
        raise RuntimeError("The chunk holds no function call.")
    return call, completion_tokens


def update_tool_call_from_chunk(
    tool_calls_chunk: Any, full_tool_call: dict[str, Any] | None, completion_tokens: int
) -> tuple[dict[str, Any], int]:
    """Merge one tool-call delta into ``full_tool_call`` (``index``, ``id``, ``type`` kept, the function's
    name and arguments appended); returns it and the raised completion token count."""
    kind = getattr(tool_calls_chunk, "type", None)
    if kind and kind != "function":
        raise NotImplementedError(f"Tool call type {kind} is not supported; only function calls are.")
    call = {} if full_tool_call is None else full_tool_call
    if tool_calls_chunk:
        for field in ("index", "id"):
            completion_tokens += update_dict_from_chunk(tool_calls_chunk, call, field)
        if kind:  # a fixed identifier that some providers repeat in every chunk: set, never appended
            call["type"] = kind
        function = getattr(tool_calls_chunk, "function", None)
        if function:
            call["function"], completion_tokens = update_function_call_from_chunk(
                function, call.get("function"), completion_tokens
            )
    if not call:
        raise RuntimeError("The chunk holds no tool call.")
    return call, completion_tokens
