"""Emitting the agent events of ``autogen.events.agent_events`` (imported on first use, not with the agent)."""

from __future__ import annotations

import functools
from typing import Any

from ...io.base import IOStream

__all__ = ["agent_event", "emit"]


@functools.cache
def agent_event(name: str) -> Any:
    """An attribute of ``autogen.events.agent_events``."""
    from ...events import agent_events

    return getattr(agent_events, name)


def emit(event_name: str, **fields: Any) -> None:
    """Send one event of ``autogen.events.agent_events`` to the current IO stream."""
    IOStream.get_default().send(agent_event(event_name)._from_fields(fields))
