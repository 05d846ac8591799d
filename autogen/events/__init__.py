"""Typed events: every step of a conversation, as printed by the console or yielded by ``run()``.

Concrete events live in ``autogen.events.agent_events`` (chat flow), ``autogen.events.client_events``
(LLM streaming and usage) and ``autogen.events.print_event`` (plain text).
"""

from typing import Any

from . import base_event
from .base_event import BaseEvent, get_event_classes, wrap_event

__all__ = ["BaseEvent", "get_annotated_type_for_event_classes", "get_event_classes", "wrap_event"]


def get_annotated_type_for_event_classes() -> Any:
    """Return a union of every event class (the built-in ones and any other registered) discriminated
    on ``type``, for parsing JSON.

    Use it with ``pydantic.TypeAdapter(get_annotated_type_for_event_classes()).validate_json(text)``.
    """
    # The built-in event modules are imported here, by the package, not by base_event (which they
    # build on) and not with the package (agent_events is the heavy one).
    from . import agent_events, client_events, print_event  # noqa: F401

    return base_event.get_annotated_type_for_event_classes()
