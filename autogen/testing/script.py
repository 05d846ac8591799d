"""The ordered reply script and the request log shared by the fake server and the fake model client."""

from __future__ import annotations

import inspect
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .recorded import RecordedRequest
from .replies import FakeReply, Fault, to_fake_reply

__all__ = ["RecordedRequest", "ReplyScript", "ScriptExhaustedError", "prepare_reply", "resolve_async", "resolve_sync"]


class ScriptExhaustedError(RuntimeError):
    """Every scripted reply was used and there is no default reply."""


class ReplyScript:
    """Replies consumed in order, one per completion request; thread-safe.

    ``replies`` is a list of replies or a single callable used for every request. When the list is used
    up, ``default_reply`` answers; without one, :meth:`next_reply` raises :class:`ScriptExhaustedError`.
    """

    def __init__(
        self,
        replies: Iterable[Any] | Callable[..., Any] | str | None = None,
        default_reply: Any = None,
        *,
        owner: str = "FakeLLMServer",
    ):
        self._owner = owner
        self._lock = threading.Lock()
        self._queue: deque[Any] = deque()
        self._every: Callable[..., Any] | None = None
        self._scripted = 0
        self.served = 0
        if callable(replies) and not isinstance(replies, (FakeReply, Fault)):
            self._every = replies
        elif isinstance(replies, (str, Mapping, FakeReply, Fault)):
            # A lone reply is a common slip for [reply]; accept it rather than iterate a str char by char.
            self.add(replies)
        elif replies is not None:
            self.add(*replies)
        self.default_reply = None if default_reply is None else prepare_reply(default_reply)

    def add(self, *replies: Any) -> None:
        """Append replies to the end of the script (validated now, so typos fail at the call site)."""
        prepared = [prepare_reply(r) for r in replies]
        with self._lock:
            self._queue.extend(prepared)
            self._scripted += len(prepared)

    @property
    def remaining(self) -> int:
        """How many scripted replies are still unused."""
        with self._lock:
            return len(self._queue)

    def next_reply(self) -> Any:
        """Take the reply for the next request (may still be a callable to evaluate)."""
        with self._lock:
            self.served += 1
            if self._every is not None:
                return self._every
            if self._queue:
                return self._queue.popleft()
            if self.default_reply is not None:
                return self.default_reply
            served, scripted = self.served, self._scripted
        raise ScriptExhaustedError(
            f"{self._owner} script is exhausted: all {scripted} scripted replies were used by the first "
            f"{served - 1} requests and no default_reply is set (this is request #{served}). "
            "Add replies with add_replies(...) or pass default_reply=... ."
        )


def prepare_reply(reply: Any) -> Any:
    """Validate a reply now: callables are kept as they are, everything else becomes a FakeReply or Fault."""
    if callable(reply) and not isinstance(reply, (FakeReply, Fault)):
        return reply
    return to_fake_reply(reply)


def resolve_sync(reply: Any, request: RecordedRequest) -> FakeReply | Fault:
    """Evaluate a callable reply (repeatedly, if it returns another callable) into a FakeReply or Fault."""
    for _ in range(8):
        if not callable(reply) or isinstance(reply, (FakeReply, Fault)):
            return to_fake_reply(reply)
        reply = reply(request)
        if inspect.isawaitable(reply):
            raise TypeError("An async reply callable needs FakeLLMServer; FakeModelClient.create is synchronous.")
    raise TypeError("A reply callable kept returning callables; return a str, dict, FakeReply or Fault.")


async def resolve_async(reply: Any, request: RecordedRequest) -> FakeReply | Fault:
    """Like :func:`resolve_sync`, but awaits what async reply callables return."""
    for _ in range(8):
        if not callable(reply) or isinstance(reply, (FakeReply, Fault)):
            return to_fake_reply(reply)
        reply = reply(request)
        if inspect.isawaitable(reply):
            reply = await reply
    raise TypeError("A reply callable kept returning callables; return a str, dict, FakeReply or Fault.")
