"""Adapters that carry a caller's audio to a ``RealtimeAgent`` and its answers back."""

from .twilio_audio_adapter import TwilioAudioAdapter
from .websocket_audio_adapter import WebSocketAudioAdapter

__all__ = ["TwilioAudioAdapter", "WebSocketAudioAdapter"]
