"""Event processors: consumers of a run response's events (console printing by default)."""

from .base import AsyncEventProcessorProtocol, AsyncEventSource, EventProcessorProtocol, EventSource
from .console_event_processor import AsyncConsoleEventProcessor, ConsoleEventProcessor

__all__ = [
    "AsyncConsoleEventProcessor",
    "AsyncEventProcessorProtocol",
    "AsyncEventSource",
    "ConsoleEventProcessor",
    "EventProcessorProtocol",
    "EventSource",
]
