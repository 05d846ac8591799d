"""Audio from a Twilio Media Stream (G.711 mu-law)."""

from ._media_stream import LOG_EVENT_TYPES, SHOW_TIMING_MATH, MediaStreamAdapter

__all__ = ["LOG_EVENT_TYPES", "SHOW_TIMING_MATH", "TwilioAudioAdapter"]


class TwilioAudioAdapter(MediaStreamAdapter):
    """Streams a Twilio call's audio to the realtime API and the model's answers back to the call."""

    audio_format = "g711_ulaw"

    @property
    def response_start_timestamp_twilio(self) -> int | None:
        """The call's media timestamp when the current answer started playing."""
        return self._response_start

    @response_start_timestamp_twilio.setter
    def response_start_timestamp_twilio(self, value: int | None) -> None:
        self._response_start = value
