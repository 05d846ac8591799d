"""Events a realtime client reads from its API, normalised across providers.

Every event keeps the provider's message in ``raw_message``; the subclasses pick out the fields that
observers act on. Their ``type`` values are the OpenAI Realtime API's event names.
"""

from typing import Any, Literal

from pydantic import BaseModel

__all__ = [
    "AudioDelta",
    "FunctionCall",
    "InputAudioBufferDelta",
    "RealtimeEvent",
    "SessionCreated",
    "SessionUpdated",
    "SpeechStarted",
]


class RealtimeEvent(BaseModel):
    """Any event from a realtime API (those no subclass describes arrive as this class)."""

    raw_message: dict[str, Any]


class SessionCreated(RealtimeEvent):
    """The session is open."""

    type: Literal["session.created"] = "session.created"


class SessionUpdated(RealtimeEvent):
    """The API accepted a session update."""

    type: Literal["session.updated"] = "session.updated"


class AudioDelta(RealtimeEvent):
    """A chunk of the model's spoken answer (base64 audio)."""

    type: Literal["response.audio.delta"] = "response.audio.delta"
    delta: str
    item_id: Any


class InputAudioBufferDelta(RealtimeEvent):
    """A chunk of the user's audio, as it was sent to the API (base64)."""

    type: Literal["input_audio_buffer.delta"] = "input_audio_buffer.delta"
    delta: str
    item_id: Any


class SpeechStarted(RealtimeEvent):
    """The API heard the user start speaking (used to interrupt the model's answer)."""

    type: Literal["input_audio_buffer.speech_started"] = "input_audio_buffer.speech_started"


class FunctionCall(RealtimeEvent):
    """The model asks for a function call; ``arguments`` are already decoded from JSON."""

    type: Literal["response.function_call_arguments.done"] = "response.function_call_arguments.done"
    name: str
    arguments: dict[str, Any]
    call_id: str
