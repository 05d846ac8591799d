"""OpenAI Realtime API clients (WebSocket, and WebRTC relayed by a browser)."""

from .base_client import OpenAIRealtimeClient
from .rtc_client import OpenAIRealtimeWebRTCClient

__all__ = ["OpenAIRealtimeClient", "OpenAIRealtimeWebRTCClient"]
