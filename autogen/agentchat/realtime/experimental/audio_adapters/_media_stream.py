"""The shared logic of the audio adapters: Twilio's media-stream messages over a JSON websocket.

Caller -> adapter: ``{"event": "start", "start": {"streamSid"}}``, ``{"event": "media", "media": {"payload",
"timestamp"}}`` and ``{"event": "mark"}``. Adapter -> caller: ``media`` (the model's audio), ``mark`` (one per
chunk played) and ``clear`` (drop queued audio when the caller interrupts).
"""

import base64
import json
from logging import Logger
from typing import TYPE_CHECKING, Any, ClassVar

from ..realtime_events import AudioDelta, RealtimeEvent, SpeechStarted
from ..realtime_observer import RealtimeObserver

if TYPE_CHECKING:
    from ..websockets import WebSocketProtocol as WebSocket

LOG_EVENT_TYPES = [
    "error",
    "response.content.done",
    "rate_limits.updated",
    "response.done",
    "input_audio_buffer.committed",
    "input_audio_buffer.speech_stopped",
    "input_audio_buffer.speech_started",
    "session.created",
]
SHOW_TIMING_MATH = False


class MediaStreamAdapter(RealtimeObserver):
    """Relays a caller's audio to the realtime client and the model's audio back, with barge-in."""

    audio_format: ClassVar[str]
    """The ``input_audio_format`` / ``output_audio_format`` this adapter asks the session for."""

    def __init__(self, websocket: "WebSocket", *, logger: Logger | None = None) -> None:
        """Adapt ``websocket`` (FastAPI's WebSocket or anything with ``send_json`` and ``iter_text``)."""
        super().__init__(logger=logger)
        self.websocket = websocket
        self.stream_sid: str | None = None
        self.latest_media_timestamp = 0
        self.last_assistant_item: str | None = None
        self.mark_queue: list[str] = []
        self._response_start: int | None = None

    async def on_event(self, event: RealtimeEvent) -> None:
        """Send the model's audio to the caller; on the caller's speech, interrupt the model's answer."""
        if isinstance(event, AudioDelta):
            payload = base64.b64encode(base64.b64decode(event.delta)).decode("utf-8")
            await self.websocket.send_json(
                {"event": "media", "streamSid": self.stream_sid, "media": {"payload": payload}}
            )
            if self._response_start is None:
                self._response_start = self.latest_media_timestamp
            if event.item_id:
                self.last_assistant_item = event.item_id
            await self.send_mark()
        if isinstance(event, SpeechStarted):
            self.logger.info("Speech start detected.")
            if self.last_assistant_item:
                self.logger.info(f"Interrupting response with id: {self.last_assistant_item}")
                await self.handle_speech_started_event()

    async def handle_speech_started_event(self) -> None:
        """Truncate the model's audio at what the caller heard and tell the caller to drop the rest."""
        self.logger.info("Handling speech started event.")
        if not self.mark_queue or self._response_start is None:
            return
        elapsed = self.latest_media_timestamp - self._response_start
        if self.last_assistant_item:
            await self.realtime_client.truncate_audio(
                audio_end_ms=elapsed, content_index=0, item_id=self.last_assistant_item
            )
        await self.websocket.send_json({"event": "clear", "streamSid": self.stream_sid})
        self.mark_queue.clear()
        self.last_assistant_item = None
        self._response_start = None

    async def send_mark(self) -> None:
        """Ask the caller to acknowledge playback of the chunk just sent (once a stream has started)."""
        if self.stream_sid:
            await self.websocket.send_json(
                {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": "responsePart"}}
            )
            self.mark_queue.append("responsePart")

    async def initialize_session(self) -> None:
        """Set the session's audio formats."""
        await self.realtime_client.session_update(
            {"input_audio_format": self.audio_format, "output_audio_format": self.audio_format}
        )

    async def run_loop(self) -> None:
        """Read the caller's messages until the websocket closes, sending their audio to the client."""
        async for message in self.websocket.iter_text():
            try:
                await self._handle(json.loads(message))
            except Exception as e:  # noqa: BLE001 - one bad message from the caller must not end the call
                self.logger.warning(f"Failed to process message: {e}", stack_info=True)

    async def _handle(self, data: dict[str, Any]) -> None:
        kind = data["event"]
        if kind == "media":
            self.latest_media_timestamp = int(data["media"]["timestamp"])
            await self.realtime_client.send_audio(audio=data["media"]["payload"])
        elif kind == "start":
            self.stream_sid = data["start"]["streamSid"]
            self.logger.info(f"Incoming stream has started {self.stream_sid}")
            self._response_start = None
            self.latest_media_timestamp = 0
            self.last_assistant_item = None
        elif kind == "mark" and self.mark_queue:
            self.mark_queue.pop(0)
