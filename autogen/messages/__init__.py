"""Deprecated: the 0.7-era ``*Message`` names, now aliases of ``autogen.events`` (use that package)."""

import warnings

from .base_message import BaseMessage, get_annotated_type_for_message_classes, wrap_message

warnings.warn(
    "autogen.messages is deprecated; use autogen.events (e.g. TextMessage -> autogen.events.agent_events.TextEvent).",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["BaseMessage", "get_annotated_type_for_message_classes", "wrap_message"]
