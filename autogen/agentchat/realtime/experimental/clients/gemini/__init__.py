"""The Gemini Live API client."""

from .client import GeminiRealtimeClient

__all__ = ["GeminiRealtimeClient"]
