"""The OpenAI Realtime API over WebRTC, where a browser holds the media connection.

The agent never talks to OpenAI's realtime socket itself: it creates an ephemeral session over HTTP, hands its
details to the browser over ``websocket`` (an ``ag2.init`` message), sends its client events to the browser to
forward, and reads the server events the browser relays back.
"""

import json
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from logging import Logger, getLogger
from typing import TYPE_CHECKING, Any

from ......import_utils import optional_import
from ...realtime_events import RealtimeEvent
from ..realtime_client import RealtimeClientBase, Role, config_entry, register_realtime_client, secret
from .utils import parse_oai_message

if TYPE_CHECKING:
    from ...websockets import WebSocketProtocol as WebSocket
    from ..realtime_client import RealtimeClientProtocol

__all__ = ["OpenAIRealtimeWebRTCClient"]

global_logger = getLogger(__name__)


class OpenAIRealtimeWebRTCClient(RealtimeClientBase):
    """(Experimental) Client for the OpenAI Realtime API whose audio flows over the browser's WebRTC link."""

    def __init__(self, *, llm_config: Any, websocket: "WebSocket", logger: Logger | None = None) -> None:
        """Keep the configuration and the websocket to the browser.

        ``base_url`` of the first entry is the session-creation endpoint
        (default ``https://api.openai.com/v1/realtime/sessions``).
        """
        super().__init__()
        self._llm_config = llm_config
        self._logger = logger
        self._websocket = websocket

        config = config_entry(llm_config)
        self._config = config
        self._model: str = config["model"]
        self._voice: str = config.get("voice", "alloy") or "alloy"
        self._temperature: float = llm_config.get("temperature", 0.8)
        self._base_url: str = config.get("base_url") or "https://api.openai.com/v1/realtime/sessions"

    @property
    def logger(self) -> Logger:
        """The logger for this client."""
        return self._logger or global_logger

    async def send_function_result(self, call_id: str, result: str) -> None:
        """Have the browser add a ``function_call_output`` item and ask for a response."""
        await self._websocket.send_json(
            {
                "type": "conversation.item.create",
                "item": {"type": "function_call_output", "call_id": call_id, "output": result},
            }
        )
        await self._websocket.send_json({"type": "response.create"})

    async def send_text(self, *, role: Role, text: str) -> None:
        """Have the browser cancel the current response, add a text message and ask for a response."""
        await self._websocket.send_json({"type": "response.cancel"})
        await self._websocket.send_json(
            {
                "type": "conversation.item.create",
                "item": {"type": "message", "role": role, "content": [{"type": "input_text", "text": text}]},
            }
        )
        await self._websocket.send_json({"type": "response.create"})

    async def send_audio(self, audio: str) -> None:
        """The browser already streams the audio; only report the chunk to observers."""
        await self.queue_input_audio_buffer_delta(audio)

    async def truncate_audio(self, audio_end_ms: int, content_index: int, item_id: str) -> None:
        """Have the browser cut the assistant's audio item."""
        await self._websocket.send_json(
            {
                "type": "conversation.item.truncate",
                "content_index": content_index,
                "item_id": item_id,
                "audio_end_ms": audio_end_ms,
            }
        )

    async def session_update(self, session_options: dict[str, Any]) -> None:
        """Have the browser send a ``session.update`` event."""
        self.logger.info(f"Sending session update: {session_options}")
        await self._websocket.send_json({"type": "session.update", "session": session_options})
        self.logger.info("Sending session update finished")

    def session_init_data(self) -> list[dict[str, Any]]:
        """The events the browser sends once its connection is up."""
        session = {
            "turn_detection": {"type": "server_vad"},
            "voice": self._voice,
            "modalities": ["audio", "text"],
            "temperature": self._temperature,
        }
        return [{"type": "session.update", "session": session}]

    async def _initialize_session(self) -> None:
        """Nothing to do: the browser sends ``session_init_data()``."""

    @asynccontextmanager
    async def connect(self) -> AsyncGenerator[None, None]:
        """Create an ephemeral session and send its details to the browser (``{"type": "ag2.init", ...}``)."""
        httpx = optional_import("httpx", "openai-realtime", feature="OpenAIRealtimeWebRTCClient")
        headers = {
            "Authorization": f"Bearer {secret(self._config.get('api_key'))}",
            "Content-Type": "application/json",
        }
        async with httpx.AsyncClient() as client:
            response = await client.post(
                self._base_url, headers=headers, json={"model": self._model, "voice": self._voice}
            )
            response.raise_for_status()
            session = response.json()
        session["model"] = self._model
        await self._websocket.send_json({"type": "ag2.init", "config": session, "init": self.session_init_data()})
        yield

    async def read_events(self) -> AsyncGenerator[RealtimeEvent, None]:
        """The server events the browser relays, and the user's audio chunks."""
        async for event in self._read_events():
            yield event

    async def _read_from_connection(self) -> AsyncGenerator[RealtimeEvent, None]:
        """Read relayed events until the websocket fails or closes."""
        while True:
            try:
                message = json.loads(await self._websocket.receive_text())
            except Exception as e:  # noqa: BLE001 - each server stack reports a disconnect differently
                self.logger.info(f"Stopped reading from the browser websocket: {e!r}")
                return
            for event in self._parse_message(message):
                yield event

    def _parse_message(self, message: dict[str, Any]) -> list[RealtimeEvent]:
        """The event for one relayed server message."""
        return [parse_oai_message(message)]

    @classmethod
    def get_factory(
        cls, llm_config: Any, logger: Logger, **kwargs: Any
    ) -> Callable[[], "RealtimeClientProtocol"] | None:
        """A constructor when ``api_type`` is "openai" and exactly ``websocket=`` is passed."""
        if config_entry(llm_config).get("api_type", "openai") == "openai" and list(kwargs) == ["websocket"]:
            return lambda: OpenAIRealtimeWebRTCClient(llm_config=llm_config, logger=logger, **kwargs)
        return None


register_realtime_client()(OpenAIRealtimeWebRTCClient)
