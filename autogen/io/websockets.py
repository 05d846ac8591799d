"""A websocket IO stream: events go to a browser/client as JSON, human input comes back as text.

Needs the optional ``websockets`` package (``pip install "ag2[websockets]"``); it is imported only
when a server is started.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from ..import_utils import optional_import
from .base import IOStream

if TYPE_CHECKING:
    import ssl

    from ..events.base_event import BaseEvent

__all__ = ["IOWebsockets"]

logger = logging.getLogger(__name__)

Data = str | bytes


class ServerConnection(Protocol):
    """The part of a websocket connection ``IOWebsockets`` uses."""

    def send(self, message: Data | Iterable[Data]) -> None:
        """Send one message to the client."""
        ...  # pragma: no cover

    def recv(self, timeout: float | None = None) -> Data:
        """Receive one message from the client."""
        ...  # pragma: no cover


class IOWebsockets(IOStream):
    """An IO stream over one websocket connection.

    ``send(event)`` sends ``event.model_dump_json()``; ``print`` sends a ``PrintEvent``; ``input``
    sends the prompt text (when not empty) and returns the next message received.
    """

    def __init__(self, websocket: ServerConnection) -> None:
        self._websocket = websocket

    @property
    def websocket(self) -> ServerConnection:
        """The underlying connection."""
        return self._websocket

    @staticmethod
    def _handler(websocket: ServerConnection, on_connect: Callable[[IOWebsockets], None]) -> None:
        stream = IOWebsockets(websocket)
        with IOStream.set_default(stream):
            try:
                on_connect(stream)
            except Exception:
                # One failing connection must not take the server down; say what happened.
                logger.exception("IOWebsockets: on_connect raised an error")

    @staticmethod
    @contextmanager
    def run_server_in_thread(
        *,
        host: str = "127.0.0.1",
        port: int = 8765,
        on_connect: Callable[[IOWebsockets], None],
        ssl_context: ssl.SSLContext | None = None,
        **kwargs: Any,
    ) -> Iterator[str]:
        """Serve websockets in a background thread; yields the server URI (``ws://host:port``).

        Every connection calls ``on_connect(stream)`` in its own thread with that ``IOWebsockets``
        installed as the default IO stream. ``port=0`` picks a free port (the URI shows which).
        The server is shut down when the ``with`` block exits.
        """
        server_module = optional_import("websockets.sync.server", "websockets", feature="IOWebsockets")

        def handler(websocket: Any) -> None:
            IOWebsockets._handler(websocket, on_connect)

        if ssl_context is not None:
            # websockets >= 14 calls it `ssl`; 12-13 call it `ssl_context`.
            params = inspect.signature(server_module.serve).parameters
            kwargs["ssl" if "ssl" in params else "ssl_context"] = ssl_context
        server = server_module.serve(handler, host=host, port=port, **kwargs)
        bound_port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.serve_forever, name="ag2-iowebsockets", daemon=True)
        thread.start()
        scheme = "wss" if ssl_context is not None else "ws"
        try:
            yield f"{scheme}://{host}:{bound_port}"
        finally:
            server.shutdown()
            thread.join()

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Send the objects as a ``PrintEvent``."""
        from ..events.print_event import PrintEvent

        self.send(PrintEvent(*objects, sep=sep, end=end, flush=flush))

    def send(self, event: BaseEvent) -> None:
        """Send ``event`` as JSON (``{"type": ..., "content": {...}}``)."""
        self._websocket.send(event.model_dump_json())

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        """Send ``prompt`` (if any) and wait for the client's answer."""
        if prompt != "":
            self._websocket.send(prompt)
        message = self._websocket.recv()
        return message.decode("utf-8") if isinstance(message, bytes) else message
