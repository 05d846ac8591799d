"""Protocols for objects that consume the events of a run response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..run_response import AsyncRunResponse, RunResponse

__all__ = ["AsyncEventProcessorProtocol", "EventProcessorProtocol"]


@runtime_checkable
class EventProcessorProtocol(Protocol):
    """Consumes every event of a ``RunResponse`` (and answers its input requests)."""

    def process(self, response: RunResponse) -> None:
        """Iterate ``response.events`` until the run completes."""
        ...  # pragma: no cover


@runtime_checkable
class AsyncEventProcessorProtocol(Protocol):
    """Consumes every event of an ``AsyncRunResponse``."""

    async def process(self, response: AsyncRunResponse) -> None:
        """Iterate ``response.events`` until the run completes."""
        ...  # pragma: no cover
