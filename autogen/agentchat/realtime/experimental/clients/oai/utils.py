"""Turning OpenAI Realtime API server events into ``RealtimeEvent`` objects."""

import json
from typing import Any

from ...realtime_events import (
    AudioDelta,
    FunctionCall,
    InputAudioBufferDelta,
    RealtimeEvent,
    SessionCreated,
    SessionUpdated,
    SpeechStarted,
)

__all__ = ["parse_oai_message"]


def parse_oai_message(message: dict[str, Any]) -> RealtimeEvent:
    """The event for one server message; types without a subclass become a plain ``RealtimeEvent``."""
    kind = message.get("type")
    if kind == "session.created":
        return SessionCreated(raw_message=message)
    if kind == "session.updated":
        return SessionUpdated(raw_message=message)
    if kind == "response.audio.delta":
        return AudioDelta(raw_message=message, delta=message["delta"], item_id=message["item_id"])
    if kind == "input_audio_buffer.speech_started":
        return SpeechStarted(raw_message=message)
    if kind == "input_audio_buffer.delta":
        return InputAudioBufferDelta(raw_message=message, delta=message["delta"], item_id=None)
    if kind == "response.function_call_arguments.done":
        try:
            arguments = json.loads(message["arguments"])
        except ValueError:
            arguments = None
        if not isinstance(arguments, dict):  # FunctionObserver answers the call with the problem
            return RealtimeEvent(raw_message=message)
        return FunctionCall(raw_message=message, call_id=message["call_id"], name=message["name"], arguments=arguments)
    return RealtimeEvent(raw_message=message)
