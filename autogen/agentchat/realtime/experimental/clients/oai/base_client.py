"""The OpenAI Realtime API over a WebSocket (``wss://api.openai.com/v1/realtime?model=...``)."""

import json
import os
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from logging import Logger, getLogger
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from ......import_utils import optional_import
from ...realtime_events import RealtimeEvent
from ..realtime_client import RealtimeClientBase, Role, config_entry, register_realtime_client, secret
from .utils import parse_oai_message

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from ..realtime_client import RealtimeClientProtocol

__all__ = ["OpenAIRealtimeClient"]

global_logger = getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def realtime_url(config: Any, model: str) -> str:
    """The websocket address of the realtime endpoint for ``config`` (``websocket_base_url`` or ``base_url``)."""
    base = config.get("websocket_base_url") or config.get("base_url") or DEFAULT_BASE_URL
    parts = urlsplit(str(base))
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    query = [("model", model), *dict(config.get("default_query") or {}).items()]
    if parts.query:
        query = [tuple(p.split("=", 1)) for p in parts.query.split("&") if "=" in p] + query  # type: ignore[misc]
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + "/realtime", urlencode(query), ""))


class OpenAIRealtimeClient(RealtimeClientBase):
    """(Experimental) Client for the OpenAI Realtime API over a WebSocket.

    The first ``config_list`` entry gives ``model``, ``api_key`` (else ``OPENAI_API_KEY``), ``voice``
    (default "alloy"), and optionally ``base_url`` / ``websocket_base_url``, ``organization``, ``project``,
    ``default_headers`` and ``default_query``; ``llm_config["temperature"]`` defaults to 0.8.
    """

    def __init__(self, *, llm_config: Any, logger: Logger | None = None) -> None:
        """Keep the configuration; nothing connects before ``connect()``."""
        super().__init__()
        self._llm_config = llm_config
        self._logger = logger
        self._connection: ClientConnection | None = None

        self.config = config_entry(llm_config)
        self._model: str = self.config["model"]
        self._voice: str = self.config.get("voice", "alloy") or "alloy"
        self._temperature: float = llm_config.get("temperature", 0.8)

    @property
    def logger(self) -> Logger:
        """The logger for this client."""
        return self._logger or global_logger

    @property
    def connection(self) -> "ClientConnection":
        """The open websocket (a RuntimeError outside ``connect()``)."""
        if self._connection is None:
            raise RuntimeError("OpenAI WebSocket is not initialized")
        return self._connection

    async def _send(self, event: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(event))

    async def send_function_result(self, call_id: str, result: str) -> None:
        """Add a ``function_call_output`` item and ask the model to respond."""
        await self._send(
            {
                "type": "conversation.item.create",
                "item": {"type": "function_call_output", "call_id": call_id, "output": result},
            }
        )
        await self._send({"type": "response.create"})

    async def send_text(self, *, role: Role, text: str) -> None:
        """Stop any response in progress, add a text message from ``role`` and ask for a response."""
        await self._send({"type": "response.cancel"})
        await self._send(
            {
                "type": "conversation.item.create",
                "item": {"type": "message", "role": role, "content": [{"type": "input_text", "text": text}]},
            }
        )
        await self._send({"type": "response.create"})

    async def send_audio(self, audio: str) -> None:
        """Append a base64 audio chunk to the input buffer (and report it to observers)."""
        await self.queue_input_audio_buffer_delta(audio)
        await self._send({"type": "input_audio_buffer.append", "audio": audio})

    async def truncate_audio(self, audio_end_ms: int, content_index: int, item_id: str) -> None:
        """Cut the assistant's audio item at ``audio_end_ms``."""
        await self._send(
            {
                "type": "conversation.item.truncate",
                "audio_end_ms": audio_end_ms,
                "content_index": content_index,
                "item_id": item_id,
            }
        )

    async def _initialize_session(self) -> None:
        """The first session update: server-side voice detection, the voice, modalities and temperature."""
        await self.session_update(
            session_options={
                "turn_detection": {"type": "server_vad"},
                "voice": self._voice,
                "modalities": ["audio", "text"],
                "temperature": self._temperature,
            }
        )

    async def session_update(self, session_options: dict[str, Any]) -> None:
        """Send a ``session.update`` event."""
        self.logger.info(f"Sending session update: {session_options}")
        await self._send({"type": "session.update", "session": session_options})
        self.logger.info("Sending session update finished")

    def _headers(self) -> dict[str, str]:
        config = self.config
        api_key = secret(config.get("api_key")) or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        for name, key in (("OpenAI-Organization", "organization"), ("OpenAI-Project", "project")):
            if config.get(key):
                headers[name] = str(config.get(key))
        headers.update(dict(config.get("default_headers") or {}))
        return headers

    @asynccontextmanager
    async def connect(self) -> AsyncGenerator[None, None]:
        """Open the websocket and send the initial session update."""
        ws_client = optional_import("websockets.asyncio.client", "openai-realtime", feature="OpenAIRealtimeClient")
        url = realtime_url(self.config, self._model)
        try:
            async with ws_client.connect(
                url, additional_headers=self._headers(), max_size=None, open_timeout=self.config.get("timeout") or 10
            ) as self._connection:
                await self._initialize_session()
                yield
        finally:
            self._connection = None

    async def read_events(self) -> AsyncGenerator[RealtimeEvent, None]:
        """The session's events (server events and the user's audio chunks) until the connection closes."""
        if self._connection is None:
            raise RuntimeError("Client is not connected, call connect() first.")
        try:
            async for event in self._read_events():
                yield event
        finally:
            self._connection = None

    async def _read_from_connection(self) -> AsyncGenerator[RealtimeEvent, None]:
        exceptions = optional_import("websockets.exceptions", "openai-realtime")
        try:
            async for message in self.connection:
                for event in self._parse_message(json.loads(message)):
                    yield event
        except exceptions.ConnectionClosedError as e:
            self.logger.warning(f"OpenAI Realtime connection closed: {e}")

    def _parse_message(self, message: dict[str, Any]) -> list[RealtimeEvent]:
        """The event for one server message."""
        return [parse_oai_message(message)]

    @classmethod
    def get_factory(
        cls, llm_config: Any, logger: Logger, **kwargs: Any
    ) -> Callable[[], "RealtimeClientProtocol"] | None:
        """A constructor when the entry's ``api_type`` is "openai" (the default) and no extra arguments are given."""
        if config_entry(llm_config).get("api_type", "openai") == "openai" and not kwargs:
            return lambda: OpenAIRealtimeClient(llm_config=llm_config, logger=logger)
        return None


register_realtime_client()(OpenAIRealtimeClient)
