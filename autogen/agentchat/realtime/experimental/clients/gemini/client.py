"""The Gemini Live API (``BidiGenerateContent``) over a WebSocket."""

import json
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from logging import Logger, getLogger
from typing import TYPE_CHECKING, Any

from ......import_utils import optional_import
from ...realtime_events import AudioDelta, FunctionCall, RealtimeEvent, SessionCreated
from ..realtime_client import RealtimeClientBase, Role, config_entry, register_realtime_client, secret

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from ..realtime_client import RealtimeClientProtocol

__all__ = ["GeminiRealtimeClient"]

global_logger = getLogger(__name__)

HOST = "generativelanguage.googleapis.com"
API_VERSION = "v1alpha"


class GeminiRealtimeClient(RealtimeClientBase):
    """(Experimental) Client for the Gemini Live API.

    Gemini takes the whole session setup in its first message, so ``session_update`` calls made before
    ``read_events()`` are collected and sent together when reading starts; later ones are ignored.
    """

    def __init__(self, *, llm_config: Any, logger: Logger | None = None) -> None:
        """Keep the configuration (``model``, ``api_key``, ``voice`` default "charon", ``temperature``, ``base_url``)."""
        super().__init__()
        self._llm_config = llm_config
        self._logger = logger
        self._connection: ClientConnection | None = None

        config = config_entry(llm_config)
        self._model: str = config["model"]
        self._voice: str = config.get("voice", "charon") or "charon"
        self._temperature: float = config.get("temperature", 0.8) if config.get("temperature") is not None else 0.8
        self._response_modality = "AUDIO"
        self._api_key = secret(config.get("api_key"))
        self._base_url: str = config.get("base_url") or (
            f"wss://{HOST}/ws/google.ai.generativelanguage.{API_VERSION}.GenerativeService.BidiGenerateContent"
            f"?key={self._api_key}"
        )
        self._final_config: dict[str, Any] = {}
        self._pending_session_updates: dict[str, Any] = {}
        self._is_reading_events = False

    @property
    def logger(self) -> Logger:
        """The logger for this client."""
        return self._logger or global_logger

    @property
    def connection(self) -> "ClientConnection":
        """The open websocket (a RuntimeError outside ``connect()``)."""
        if self._connection is None:
            raise RuntimeError("Gemini WebSocket is not initialized")
        return self._connection

    async def _send_when_reading(self, message: dict[str, Any]) -> None:
        # Gemini accepts nothing before the setup message, which read_events() sends.
        if self._is_reading_events:
            await self.connection.send(json.dumps(message))

    async def send_function_result(self, call_id: str, result: str) -> None:
        """Answer a tool call with a ``tool_response``."""
        await self._send_when_reading(
            {
                "tool_response": {
                    "function_responses": [{"id": call_id, "response": {"result": {"string_value": result}}}]
                }
            }
        )

    async def send_text(self, *, role: Role, text: str, turn_complete: bool = True) -> None:
        """Add a text turn with ``client_content``."""
        await self._send_when_reading(
            {"client_content": {"turn_complete": turn_complete, "turns": [{"role": role, "parts": [{"text": text}]}]}}
        )

    async def send_audio(self, audio: str) -> None:
        """Stream a base64 PCM chunk with ``realtime_input`` (and report it to observers)."""
        await self.queue_input_audio_buffer_delta(audio)
        await self._send_when_reading({"realtime_input": {"media_chunks": [{"data": audio, "mime_type": "audio/pcm"}]}})

    async def truncate_audio(self, audio_end_ms: int, content_index: int, item_id: str) -> None:
        """Gemini cannot truncate audio; this only logs."""
        self.logger.info("This is not natively supported by Gemini Realtime API.")

    def _setup_message(self) -> dict[str, Any]:
        pending = self._pending_session_updates
        declarations = [
            {"name": tool["name"], "description": tool["description"], "parameters": tool["parameters"]}
            for tool in pending.get("tools", [])
        ]
        return {
            "setup": {
                "system_instruction": {"role": "system", "parts": [{"text": pending.get("instructions", "")}]},
                "model": f"models/{self._model}",
                "tools": [{"function_declarations": declarations}],
                "generation_config": {
                    "response_modalities": [self._response_modality],
                    "speech_config": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": self._voice}}},
                    "temperature": self._temperature,
                },
            }
        }

    async def _initialize_session(self) -> None:
        """Send the setup message built from the collected session updates."""
        setup = self._setup_message()
        self._final_config = setup
        self.logger.info(f"Sending session update: {setup}")
        await self.connection.send(json.dumps(setup))

    async def session_update(self, session_options: dict[str, Any]) -> None:
        """Collect session options for the setup message (ignored once reading has started)."""
        if self._is_reading_events:
            self.logger.warning("Is reading events. Session update will be ignored.")
        else:
            self._pending_session_updates.update(session_options)

    @asynccontextmanager
    async def connect(self) -> AsyncGenerator[None, None]:
        """Open the websocket."""
        ws_client = optional_import("websockets.asyncio.client", "gemini-realtime", feature="GeminiRealtimeClient")
        try:
            async with ws_client.connect(
                self._base_url, additional_headers={"Content-Type": "application/json"}, max_size=None
            ) as self._connection:
                yield
        finally:
            self._connection = None
            self._is_reading_events = False

    async def read_events(self) -> AsyncGenerator[RealtimeEvent, None]:
        """Send the setup message, then yield the session's events."""
        if self._connection is None:
            raise RuntimeError("Client is not connected, call connect() first.")
        await self._initialize_session()
        self._is_reading_events = True
        async for event in self._read_events():
            yield event

    async def _read_from_connection(self) -> AsyncGenerator[RealtimeEvent, None]:
        async for raw in self.connection:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            for event in self._parse_message(json.loads(text)):
                yield event

    def _parse_message(self, response: dict[str, Any]) -> list[RealtimeEvent]:
        """Audio parts become ``AudioDelta``, tool calls ``FunctionCall`` s, ``setupComplete`` ``SessionCreated``."""
        if "serverContent" in response and "modelTurn" in response["serverContent"]:
            try:
                data = response["serverContent"]["modelTurn"]["parts"][0]["inlineData"].pop("data")
            except (KeyError, IndexError):
                return []
            return [AudioDelta(delta=data, item_id=None, raw_message=response)]
        if "toolCall" in response:
            return [
                FunctionCall(raw_message=response, call_id=call["id"], name=call["name"], arguments=call["args"])
                for call in response["toolCall"]["functionCalls"]
            ]
        if "setupComplete" in response:
            return [SessionCreated(raw_message=response)]
        return [RealtimeEvent(raw_message=response)]

    @classmethod
    def get_factory(
        cls, llm_config: Any, logger: Logger, **kwargs: Any
    ) -> Callable[[], "RealtimeClientProtocol"] | None:
        """A constructor when the entry's ``api_type`` is "google" and no extra arguments are given."""
        if config_entry(llm_config).get("api_type") == "google" and not kwargs:
            return lambda: GeminiRealtimeClient(llm_config=llm_config, logger=logger)
        return None


register_realtime_client()(GeminiRealtimeClient)
