"""Realtime API clients and the protocol they share."""

from .gemini.client import GeminiRealtimeClient
from .oai.base_client import OpenAIRealtimeClient
from .realtime_client import RealtimeClientProtocol, Role, get_client

__all__ = ["GeminiRealtimeClient", "OpenAIRealtimeClient", "RealtimeClientProtocol", "Role", "get_client"]
