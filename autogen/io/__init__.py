"""Input/output streams: where agents show events and ask humans for input.

``import autogen`` loads this package, so only the stdlib-only modules are imported eagerly; the
rest (websockets, run responses, processors) load on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import AsyncInputStream, AsyncIOStreamProtocol, InputStream, IOStream, IOStreamProtocol, OutputStream
from .console import IOConsole

_LAZY = {
    "IOWebsockets": "autogen.io.websockets",
    "ThreadIOStream": "autogen.io.thread_io_stream",
    "AsyncThreadIOStream": "autogen.io.thread_io_stream",
    "RunResponse": "autogen.io.run_response",
    "AsyncRunResponse": "autogen.io.run_response",
    "RunIterResponse": "autogen.io.run_response",
    "AsyncRunIterResponse": "autogen.io.run_response",
    "Cost": "autogen.io.run_response",
    "ConsoleEventProcessor": "autogen.io.processors",
    "AsyncConsoleEventProcessor": "autogen.io.processors",
}

__all__ = [
    "AsyncConsoleEventProcessor",
    "AsyncIOStreamProtocol",
    "AsyncInputStream",
    "AsyncRunIterResponse",
    "AsyncRunResponse",
    "AsyncThreadIOStream",
    "ConsoleEventProcessor",
    "Cost",
    "IOConsole",
    "IOStream",
    "IOStreamProtocol",
    "IOWebsockets",
    "InputStream",
    "OutputStream",
    "RunIterResponse",
    "RunResponse",
    "ThreadIOStream",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autogen.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from .processors import AsyncConsoleEventProcessor, ConsoleEventProcessor
    from .run_response import AsyncRunIterResponse, AsyncRunResponse, Cost, RunIterResponse, RunResponse
    from .thread_io_stream import AsyncThreadIOStream, ThreadIOStream
    from .websockets import IOWebsockets
