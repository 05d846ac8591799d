"""Old import path of the realtime agent; everything lives in ``autogen.agentchat.realtime.experimental``."""

from ..realtime.experimental import (
    FunctionObserver,
    RealtimeAgent,
    RealtimeObserver,
    TwilioAudioAdapter,
    WebSocketAudioAdapter,
    register_swarm,
)

__all__ = [
    "FunctionObserver",
    "RealtimeAgent",
    "RealtimeObserver",
    "TwilioAudioAdapter",
    "WebSocketAudioAdapter",
    "register_swarm",
]
