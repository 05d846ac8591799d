"""FakeModelClient: an in-process ModelClient answering from a script, for tests that need no HTTP.

Its responses are small dataclasses shaped like the openai ``ChatCompletion`` (attribute access,
``model_dump()``), built from the same payload the fake server sends, so both fakes agree on content,
finish_reason and usage.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .completion import build_completion
from .recorded import RecordedRequest
from .replies import FakeReply, Fault
from .script import ReplyScript, resolve_sync

__all__ = [
    "FakeChatCompletion",
    "FakeChoice",
    "FakeFunction",
    "FakeLLMError",
    "FakeMessage",
    "FakeModelClient",
    "FakeToolCall",
    "FakeUsage",
]


class FakeLLMError(RuntimeError):
    """A scripted error Fault raised by FakeModelClient (the HTTP status is in ``status``)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class _Dumpable:
    def model_dump(self, *, exclude_none: bool = False, **_: Any) -> dict[str, Any]:
        """A plain dict of the fields, like pydantic's ``model_dump``."""
        data = dataclasses.asdict(self)  # type: ignore[call-overload]
        return _drop_none(data) if exclude_none else data

    def model_dump_json(self, *, exclude_none: bool = False, **_: Any) -> str:
        """The fields as a JSON string."""
        return json.dumps(self.model_dump(exclude_none=exclude_none))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


@dataclass
class FakeFunction(_Dumpable):
    """The function part of a tool call (or a legacy function call)."""

    name: str
    arguments: str


@dataclass
class FakeToolCall(_Dumpable):
    """One tool call requested by the assistant."""

    id: str
    function: FakeFunction
    type: str = "function"


@dataclass
class FakeMessage(_Dumpable):
    """The assistant message of one choice."""

    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    function_call: FakeFunction | None = None
    tool_calls: list[FakeToolCall] | None = None


@dataclass
class FakeChoice(_Dumpable):
    """One completion choice."""

    index: int
    message: FakeMessage
    finish_reason: str = "stop"
    logprobs: Any = None


@dataclass
class FakeUsage(_Dumpable):
    """Token usage of one response."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


@dataclass
class FakeChatCompletion(_Dumpable):
    """A response shaped like openai's ``ChatCompletion``, plus the ``cost`` the wrapper reads."""

    id: str
    model: str
    choices: list[FakeChoice]
    usage: FakeUsage
    created: int = field(default_factory=lambda: int(time.time()))
    object: str = "chat.completion"
    system_fingerprint: str | None = None
    cost: float = 0.0

    @classmethod
    def from_payload(cls, payload: dict[str, Any], cost: float = 0.0) -> FakeChatCompletion:
        """Build it from a ``chat.completion`` JSON dict."""
        choices = []
        for ch in payload["choices"]:
            msg = ch["message"]
            fc = msg.get("function_call")
            tool_calls = [
                FakeToolCall(id=tc["id"], type=tc.get("type", "function"), function=FakeFunction(**tc["function"]))
                for tc in msg.get("tool_calls") or []
            ]
            message = FakeMessage(
                role=msg.get("role", "assistant"),
                content=msg.get("content"),
                refusal=msg.get("refusal"),
                function_call=FakeFunction(**fc) if fc else None,
                tool_calls=tool_calls or None,
            )
            choices.append(FakeChoice(index=ch["index"], message=message, finish_reason=ch["finish_reason"]))
        return cls(
            id=payload["id"],
            model=payload["model"],
            choices=choices,
            usage=FakeUsage(**payload["usage"]),
            created=payload["created"],
            cost=cost,
        )


_NETWORK_ONLY = ("drop_connection", "malformed_json")


class FakeModelClient:
    """A scripted ModelClient (``create``, ``message_retrieval``, ``cost``, ``get_usage``) with no network.

    Register it on an OpenAIWrapper with ``register_model_client(FakeModelClient, replies=[...])`` and a
    config entry ``{"model": "fake", "model_client_cls": "FakeModelClient"}``.

    Args:
        config: the config entry (``model``; optional ``price`` = [prompt, completion] USD per 1k tokens).
        replies: the same reply forms as FakeLLMServer (str, dict, FakeReply, callable, or one callable
            for every call). Faults: rate_limit / server_error / error raise :class:`FakeLLMError`,
            slow sleeps then answers; drop_connection and malformed_json need the HTTP server.
        default_reply: answers once the script is used up (otherwise ScriptExhaustedError).
        delay: seconds each call sleeps before answering.
    """

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]

    def __init__(
        self,
        config: dict[str, Any],
        replies: Iterable[Any] | Callable[..., Any] | None = None,
        *,
        default_reply: Any = None,
        delay: float = 0.0,
        **kwargs: Any,
    ) -> None:
        self.config = dict(config or {})
        self.model: str = self.config.get("model") or "fake-model"
        self.delay = delay
        self.extra_kwargs = kwargs
        """Anything else the wrapper passed; kept for inspection, otherwise unused."""
        self.calls: list[dict[str, Any]] = []
        """The params of every create() call, oldest first."""
        self._price = self._parse_price(self.config.get("price"))
        if not callable(replies) and not isinstance(replies, (str, dict, FakeReply, Fault)) and replies is not None:
            replies = list(replies)
            self._check_supported(replies)
        self._script = ReplyScript(replies, default_reply, owner="FakeModelClient")

    @staticmethod
    def _parse_price(price: Any) -> tuple[float, float]:
        if price is None:
            return (0.0, 0.0)
        if isinstance(price, (int, float)):
            return (float(price), float(price))
        if isinstance(price, (list, tuple)) and len(price) == 2:
            return (float(price[0]), float(price[1]))
        raise ValueError(f"price must be [prompt_price_per_1k, completion_price_per_1k], got {price!r}.")

    @staticmethod
    def _check_supported(replies: Iterable[Any]) -> None:
        for r in replies:
            if isinstance(r, Fault) and r.kind in _NETWORK_ONLY:
                raise ValueError(
                    f"Fault.{r.kind}() is a network fault; FakeModelClient has no connection. Use FakeLLMServer."
                )

    def add_replies(self, *replies: Any) -> None:
        """Append replies to the script."""
        self._check_supported(replies)
        self._script.add(*replies)

    def _request(self, params: dict[str, Any]) -> RecordedRequest:
        self.calls.append(dict(params))
        return RecordedRequest(path="/chat/completions", body=dict(params), method="POST")

    def _answer(self, reply: FakeReply | Fault, request: RecordedRequest) -> FakeChatCompletion:
        if isinstance(reply, Fault):
            if reply.kind in _NETWORK_ONLY:
                raise FakeLLMError(0, f"Fault.{reply.kind}() needs FakeLLMServer; FakeModelClient has no connection.")
            raise FakeLLMError(reply.status, reply.message)
        payload = build_completion(request.body, reply, self.model)
        usage = payload["usage"]
        cost = (usage["prompt_tokens"] * self._price[0] + usage["completion_tokens"] * self._price[1]) / 1000
        return FakeChatCompletion.from_payload(payload, cost=cost)

    def create(self, params: dict[str, Any]) -> FakeChatCompletion:
        """Answer one request with the next scripted reply."""
        request = self._request(params)
        reply = resolve_sync(self._script.next_reply(), request)
        wait = self.delay + (reply.delay if isinstance(reply, FakeReply) else 0.0)
        if isinstance(reply, Fault) and reply.kind == "slow":
            wait += reply.seconds
            reply = resolve_sync(reply.then, request)
        if wait > 0:
            time.sleep(wait)
        return self._answer(reply, request)

    async def a_create(self, params: dict[str, Any]) -> FakeChatCompletion:
        """Async twin of :meth:`create`; delays use ``asyncio.sleep``."""
        request = self._request(params)
        reply = resolve_sync(self._script.next_reply(), request)
        wait = self.delay + (reply.delay if isinstance(reply, FakeReply) else 0.0)
        if isinstance(reply, Fault) and reply.kind == "slow":
            wait += reply.seconds
            reply = resolve_sync(reply.then, request)
        if wait > 0:
            await asyncio.sleep(wait)
        return self._answer(reply, request)

    def message_retrieval(self, response: Any) -> list[Any]:
        """Per choice: the message object when it calls tools/functions, else its text."""
        return [
            ch.message if (ch.message.tool_calls or ch.message.function_call) else ch.message.content
            for ch in response.choices
        ]

    def cost(self, response: Any) -> float:
        """The response's cost in USD (0 unless the config has a ``price``)."""
        return float(getattr(response, "cost", 0.0) or 0.0)

    @staticmethod
    def get_usage(response: Any) -> dict[str, Any]:
        """Usage of a response as the wrapper's usage summary expects it."""
        usage = getattr(response, "usage", None)
        return {
            "prompt_tokens": getattr(usage, "prompt_tokens", 0),
            "completion_tokens": getattr(usage, "completion_tokens", 0),
            "total_tokens": getattr(usage, "total_tokens", 0),
            "cost": float(getattr(response, "cost", 0.0) or 0.0),
            "model": getattr(response, "model", None),
        }
