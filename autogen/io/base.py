"""Input/output stream protocols and the per-context default stream.

Everything an agent shows to a human goes through ``IOStream.get_default().send(event)`` and every
question goes through ``IOStream.get_default().input(prompt)``. Which stream that is depends on the
context: ``run()`` installs a queue-backed stream in its worker thread, a websocket server installs
one per connection, and everything else falls back to the process-wide default (the console).

This module is imported by ``import autogen``, so it must stay stdlib-only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..events.base_event import BaseEvent

__all__ = [
    "AsyncIOStreamProtocol",
    "AsyncInputStream",
    "IOStream",
    "IOStreamProtocol",
    "InputStream",
    "OutputStream",
]


@runtime_checkable
class OutputStream(Protocol):
    """Something events and plain text can be shown on."""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Show ``objects`` like the built-in ``print`` would."""
        ...  # pragma: no cover

    def send(self, event: BaseEvent) -> None:
        """Deliver one event (see ``autogen.events``) to whoever watches this stream."""
        ...  # pragma: no cover


@runtime_checkable
class InputStream(Protocol):
    """Something a line of human input can be read from."""

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        """Ask for one line of input; ``password=True`` asks for it without echo."""
        ...  # pragma: no cover


@runtime_checkable
class AsyncInputStream(Protocol):
    """Like ``InputStream`` but ``input`` returns an awaitable."""

    def input(self, prompt: str = "", *, password: bool = False) -> Awaitable[str]:
        """Ask for one line of input; await the result."""
        ...  # pragma: no cover


@runtime_checkable
class IOStreamProtocol(InputStream, OutputStream, Protocol):
    """A stream that can both show output and read input."""


@runtime_checkable
class AsyncIOStreamProtocol(AsyncInputStream, OutputStream, Protocol):
    """A stream whose ``input`` is awaitable."""


# One slot per thread / asyncio task: new threads start empty, tasks copy their creator's value.
_context_stream: ContextVar[Any | None] = ContextVar("autogen_default_iostream", default=None)


@runtime_checkable
class IOStream(InputStream, OutputStream, Protocol):
    """The input/output stream protocol plus static helpers choosing the stream in use.

    Concrete streams (``IOConsole``, ``IOWebsockets``) subclass it; any object with ``print``,
    ``send`` and ``input`` methods can be installed as a stream.
    """

    _global_default: ClassVar[Any | None] = None

    @staticmethod
    def set_global_default(stream: Any) -> None:
        """Make ``stream`` the process-wide fallback used where no context stream is set."""
        IOStream._global_default = stream

    @staticmethod
    def get_global_default() -> Any:
        """Return the process-wide stream; ``RuntimeError`` if none was set."""
        stream = IOStream._global_default
        if stream is None:
            raise RuntimeError(
                "No global default IOStream has been set. Call IOStream.set_global_default(IOConsole()) "
                "or use `with IOStream.set_default(stream):`."
            )
        return stream

    @staticmethod
    def get_default() -> Any:
        """Return the stream of the current thread / asyncio task, else the global default.

        The global default is looked up on every call rather than copied into the context, so a
        later ``set_global_default`` takes effect everywhere no context stream is installed.
        """
        stream = _context_stream.get()
        if stream is None:
            stream = IOStream.get_global_default()
        return stream

    @staticmethod
    @contextmanager
    def set_default(stream: Any) -> Iterator[Any]:
        """Use ``stream`` as the default in this thread / asyncio task for the ``with`` block.

        Only works as a context manager: ``with IOStream.set_default(my_stream): ...``.
        Passing ``None`` falls back to the global default inside the block.
        """
        token = _context_stream.set(stream)
        try:
            yield stream
        finally:
            _context_stream.reset(token)
