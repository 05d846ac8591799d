"""What a fake LLM can be told to answer: plain text, messages with tool calls, or a scripted fault."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from .recorded import RecordedRequest

__all__ = ["FakeReply", "Fault", "Reply", "to_fake_reply", "tool_call"]

# Keys a dict reply may carry; anything else is most likely a typo and is refused early.
_DICT_REPLY_KEYS = frozenset(
    {
        "role",
        "content",
        "tool_calls",
        "function_call",
        "finish_reason",
        "usage",
        "delay",
        "reasoning",
        "citations",
        "output_items",
    }
)
_USAGE_KEYS = frozenset({"prompt_tokens", "completion_tokens", "total_tokens"})


def tool_call(name: str, arguments: dict[str, Any] | str | None = None, id: str | None = None) -> dict[str, Any]:
    """Build one OpenAI tool-call entry for a scripted reply.

    A dict of arguments is JSON-encoded; a str is sent verbatim, so malformed JSON can be scripted on purpose.
    Without ``id`` a random ``call_...`` id is made.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"tool_call() needs the function name as a non-empty str, got {name!r}.")
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return {
        "id": id or f"call_{uuid.uuid4().hex[:24]}",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


@dataclass
class FakeReply:
    """One assistant answer of the fake LLM, with every field a real completion can carry."""

    content: str | None = None
    """The assistant text (None is legal, e.g. next to tool calls)."""
    tool_calls: list[dict[str, Any]] | None = None
    """OpenAI tool-call entries; see :func:`tool_call`. Missing ``id``/``type`` are filled in."""
    function_call: dict[str, Any] | None = None
    """Legacy ``{"name", "arguments"}`` function call."""
    finish_reason: str | None = None
    """Defaults to "tool_calls", "function_call" or "stop" from the fields above."""
    usage: dict[str, int] | None = None
    """Token counts to report instead of the estimate (missing keys are still estimated)."""
    delay: float = 0.0
    """Seconds to wait before answering (on top of the server-wide delay)."""
    reasoning: str | None = None
    """The model's reasoning: ``reasoning_content`` next to the content for OpenAI-compatible servers
    (as DeepSeek or vLLM send it), a thinking block before the text for Anthropic."""
    citations: list[dict[str, str]] | None = None
    """Web sources the text cites, each ``{"url", "title", "cited_text"}``: ``url_citation`` annotations
    (OpenAI) or ``web_search_result_location`` citations of the text block (Anthropic)."""
    output_items: list[dict[str, Any]] | None = None
    """Provider-specific output items a dialect adds as they are (the Responses dialect's hosted tool
    calls, e.g. ``{"type": "image_generation_call", ...}``); other dialects ignore them."""

    def __post_init__(self) -> None:
        if self.content is not None and not isinstance(self.content, str):
            raise TypeError(f"FakeReply.content must be a str or None, got {type(self.content).__name__}.")
        if self.tool_calls is not None:
            if not isinstance(self.tool_calls, (list, tuple)):
                raise TypeError("FakeReply.tool_calls must be a list of tool-call dicts; build them with tool_call().")
            self.tool_calls = [_normalize_tool_call(tc) for tc in self.tool_calls]
            if not self.tool_calls:
                self.tool_calls = None
        if self.function_call is not None:
            self.function_call = _normalize_function(self.function_call, "function_call")
        if self.usage is not None:
            unknown = set(self.usage) - _USAGE_KEYS
            if unknown:
                raise ValueError(f"FakeReply.usage has unknown keys {sorted(unknown)}; allowed: {sorted(_USAGE_KEYS)}.")
        if self.delay < 0:
            raise ValueError(f"FakeReply.delay must be >= 0 seconds, got {self.delay}.")
        if self.reasoning is not None and not isinstance(self.reasoning, str):
            raise TypeError(f"FakeReply.reasoning must be a str or None, got {type(self.reasoning).__name__}.")
        if self.citations is not None:
            if not isinstance(self.citations, (list, tuple)) or not all(
                isinstance(c, Mapping) and isinstance(c.get("url"), str) for c in self.citations
            ):
                raise TypeError('FakeReply.citations must be a list of {"url", "title", "cited_text"} dicts.')
            self.citations = [
                {"url": c["url"], "title": str(c.get("title") or ""), "cited_text": str(c.get("cited_text") or "")}
                for c in self.citations
            ]

    @property
    def resolved_finish_reason(self) -> str:
        """The finish_reason a real API would report for this reply."""
        if self.finish_reason:
            return self.finish_reason
        if self.tool_calls:
            return "tool_calls"
        if self.function_call:
            return "function_call"
        return "stop"

    def message(self) -> dict[str, Any]:
        """The assistant message as the chat-completions API returns it."""
        msg: dict[str, Any] = {"role": "assistant", "content": self.content, "refusal": None}
        if self.tool_calls:
            msg["tool_calls"] = [json.loads(json.dumps(tc)) for tc in self.tool_calls]
        if self.function_call:
            msg["function_call"] = dict(self.function_call)
        if self.reasoning:
            msg["reasoning_content"] = self.reasoning
        if self.citations:
            msg["annotations"] = [_url_citation(c, self.content or "") for c in self.citations]
        return msg


def _url_citation(citation: dict[str, str], text: str) -> dict[str, Any]:
    start = text.find(citation["cited_text"]) if citation["cited_text"] else -1
    start, end = (start, start + len(citation["cited_text"])) if start >= 0 else (0, len(text))
    cited = {"url": citation["url"], "title": citation["title"], "start_index": start, "end_index": end}
    return {"type": "url_citation", "url_citation": cited}


@dataclass
class Fault:
    """A scripted failure; it takes the place of one reply. Build it with the class methods."""

    kind: str
    """One of rate_limit, server_error, slow, drop_connection, malformed_json, error."""
    status: int = 0
    """HTTP status answered (rate_limit, server_error, error)."""
    message: str = ""
    """Error message placed in the OpenAI-shaped error body."""
    retry_after: float = 0.0
    """Seconds sent in the ``retry-after`` header (rate_limit)."""
    seconds: float = 0.0
    """How long to stall before answering (slow)."""
    then: Any = field(default=None, repr=False)
    """The reply sent after stalling (slow)."""

    @classmethod
    def rate_limit(cls, retry_after: float = 0.0) -> Fault:
        """HTTP 429 with a ``retry-after`` header (fractional seconds allowed, e.g. 0.01)."""
        if retry_after < 0:
            raise ValueError(f"retry_after must be >= 0 seconds, got {retry_after}.")
        return cls(
            "rate_limit", status=429, message="Rate limit reached (scripted by FakeLLMServer).", retry_after=retry_after
        )

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx answer, as when the provider has an internal problem."""
        if not 500 <= status <= 599:
            raise ValueError(f"server_error status must be 5xx, got {status}; use Fault.error() for other codes.")
        return cls(
            "server_error",
            status=status,
            message="The server had an error while processing your request (scripted by FakeLLMServer).",
        )

    @classmethod
    def slow(cls, seconds: float, then: Reply = "") -> Fault:
        """Stall ``seconds`` before answering ``then``; use it to test client timeouts."""
        if seconds < 0:
            raise ValueError(f"slow() needs seconds >= 0, got {seconds}.")
        if isinstance(then, Fault) and then.kind == "slow":
            raise ValueError("slow(then=...) cannot itself be a slow fault; add the seconds together instead.")
        if not callable(then):
            to_fake_reply(then)  # validate now, not when the request arrives
        return cls("slow", seconds=seconds, then=then)

    @classmethod
    def drop_connection(cls) -> Fault:
        """Close the connection without answering (the client sees a connection error)."""
        return cls("drop_connection")

    @classmethod
    def malformed_json(cls) -> Fault:
        """Answer 200 with a body that is not valid JSON."""
        return cls("malformed_json", status=200)

    @classmethod
    def error(cls, status: int, message: str = "Scripted error from FakeLLMServer.") -> Fault:
        """Answer any HTTP error status with an OpenAI-shaped error body carrying ``message``."""
        if not 400 <= status <= 599:
            raise ValueError(f"error() needs an HTTP error status (400-599), got {status}.")
        return cls("error", status=status, message=message)

    def __post_init__(self) -> None:
        if self.kind not in {"rate_limit", "server_error", "slow", "drop_connection", "malformed_json", "error"}:
            raise ValueError(
                f"Unknown fault kind {self.kind!r}; build faults with Fault.rate_limit(), Fault.slow() ..."
            )


# What may be scripted: text, a message dict, a FakeReply, a Fault, or a callable computing one of those.
Reply = Union[str, Mapping[str, Any], FakeReply, Fault, Callable[[RecordedRequest], Any]]  # noqa: UP007


def to_fake_reply(reply: Any) -> FakeReply | Fault:
    """Turn a str / dict / FakeReply / Fault into a FakeReply or Fault; callables must be called first."""
    if isinstance(reply, (FakeReply, Fault)):
        return reply
    if isinstance(reply, str):
        return FakeReply(content=reply)
    if isinstance(reply, Mapping):
        unknown = set(reply) - _DICT_REPLY_KEYS
        if unknown:
            raise ValueError(
                f"A dict reply may only have the keys {sorted(_DICT_REPLY_KEYS)}; got unknown {sorted(unknown)}."
            )
        if reply.get("role", "assistant") != "assistant":
            raise ValueError(f"A scripted reply is always from the assistant, got role={reply.get('role')!r}.")
        return FakeReply(
            content=reply.get("content"),
            tool_calls=reply.get("tool_calls"),
            function_call=reply.get("function_call"),
            finish_reason=reply.get("finish_reason"),
            usage=reply.get("usage"),
            delay=reply.get("delay", 0.0),
            reasoning=reply.get("reasoning"),
            citations=reply.get("citations"),
            output_items=reply.get("output_items"),
        )
    raise TypeError(
        f"Cannot use {type(reply).__name__} as a fake LLM reply; use a str, a message dict, FakeReply, "
        "Fault, or a callable taking the RecordedRequest and returning one of these."
    )


def _normalize_function(fn: Any, where: str) -> dict[str, str]:
    if not isinstance(fn, Mapping) or not isinstance(fn.get("name"), str):
        raise TypeError(f"{where} must be a dict with a 'name' str and 'arguments', got {fn!r}.")
    args = fn.get("arguments", "{}")
    if not isinstance(args, str):
        args = json.dumps(args)
    return {"name": fn["name"], "arguments": args}


def _normalize_tool_call(tc: Any) -> dict[str, Any]:
    if not isinstance(tc, Mapping) or "function" not in tc:
        raise TypeError(f"Each tool call must be a dict with a 'function' entry (use tool_call()), got {tc!r}.")
    return {
        "id": tc.get("id") or f"call_{uuid.uuid4().hex[:24]}",
        "type": tc.get("type", "function"),
        "function": _normalize_function(tc["function"], "tool_call['function']"),
    }
