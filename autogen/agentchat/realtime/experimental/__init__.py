"""(Experimental) Realtime voice agents: ``RealtimeAgent``, its observers, audio adapters and swarm front-end."""

from .audio_adapters import TwilioAudioAdapter, WebSocketAudioAdapter
from .audio_observer import AudioObserver
from .function_observer import FunctionObserver
from .realtime_agent import RealtimeAgent
from .realtime_observer import RealtimeObserver
from .realtime_swarm import register_swarm

__all__ = [
    "AudioObserver",
    "FunctionObserver",
    "RealtimeAgent",
    "RealtimeObserver",
    "TwilioAudioAdapter",
    "WebSocketAudioAdapter",
    "register_swarm",
]
