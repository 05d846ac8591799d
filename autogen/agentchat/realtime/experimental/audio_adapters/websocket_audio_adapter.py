"""Audio from a browser (or any client) over a websocket, as 16-bit PCM."""

from ._media_stream import LOG_EVENT_TYPES, SHOW_TIMING_MATH, MediaStreamAdapter

__all__ = ["LOG_EVENT_TYPES", "SHOW_TIMING_MATH", "WebSocketAudioAdapter"]


class WebSocketAudioAdapter(MediaStreamAdapter):
    """Streams PCM16 audio between a websocket client and the realtime API (Twilio-style JSON messages)."""

    audio_format = "pcm16"

    @property
    def response_start_timestamp_socket(self) -> int | None:
        """The caller's media timestamp when the current answer started playing."""
        return self._response_start

    @response_start_timestamp_socket.setter
    def response_start_timestamp_socket(self, value: int | None) -> None:
        self._response_start = value
