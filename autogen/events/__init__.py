"""Typed events: every step of a conversation, as printed by the console or yielded by ``run()``.

Concrete events live in ``autogen.events.agent_events`` (chat flow), ``autogen.events.client_events``
(LLM streaming and usage) and ``autogen.events.print_event`` (plain text).
"""

from .base_event import BaseEvent, get_annotated_type_for_event_classes, get_event_classes, wrap_event

__all__ = ["BaseEvent", "get_annotated_type_for_event_classes", "get_event_classes", "wrap_event"]
