"""Protocols for objects that consume the events of a run response.

A processor needs only the run's ``events``; `EventSource` and `AsyncEventSource` say so, so this
package does not depend on ``autogen.io.run_response`` (which builds on it: a ``RunResponse`` is an
`EventSource`, an ``AsyncRunResponse`` an `AsyncEventSource`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol, runtime_checkable

__all__ = ["AsyncEventProcessorProtocol", "AsyncEventSource", "EventProcessorProtocol", "EventSource"]


class EventSource(Protocol):
    """What a processor reads: the events of a run, in order (a ``RunResponse``)."""

    @property
    def events(self) -> Iterator[Any]:
        """The events; iterating ends with the run (errors of the run are raised)."""
        ...  # pragma: no cover


class AsyncEventSource(Protocol):
    """What an async processor reads: the events of a run, in order (an ``AsyncRunResponse``)."""

    @property
    def events(self) -> AsyncIterator[Any]:
        """The events; iterating ends with the run (errors of the run are raised)."""
        ...  # pragma: no cover


@runtime_checkable
class EventProcessorProtocol(Protocol):
    """Consumes every event of a ``RunResponse`` (and answers its input requests)."""

    def process(self, response: EventSource) -> None:
        """Iterate ``response.events`` until the run completes."""
        ...  # pragma: no cover


@runtime_checkable
class AsyncEventProcessorProtocol(Protocol):
    """Consumes every event of an ``AsyncRunResponse``."""

    async def process(self, response: AsyncEventSource) -> None:
        """Iterate ``response.events`` until the run completes."""
        ...  # pragma: no cover
