"""Observers: the pieces of a ``RealtimeAgent`` that watch its event stream (tools, audio I/O, logging)."""

from abc import ABC, abstractmethod
from logging import Logger, getLogger
from typing import TYPE_CHECKING

from anyio import Event

from .clients.realtime_client import RealtimeClientProtocol
from .realtime_events import RealtimeEvent

if TYPE_CHECKING:
    from .realtime_agent import RealtimeAgent

__all__ = ["RealtimeObserver"]

global_logger = getLogger(__name__)


class RealtimeObserver(ABC):
    """Base class of observers: ``run`` prepares the session, signals ready, then runs ``run_loop``.

    The agent passes every event of the session to ``on_event`` of each observer, in registration order.
    """

    def __init__(self, *, logger: Logger | None = None) -> None:
        """Create an observer not yet attached to an agent."""
        self._ready_event = Event()
        self._agent: RealtimeAgent | None = None
        self._logger = logger

    @property
    def logger(self) -> Logger:
        """The observer's logger (the module logger unless one was given)."""
        return self._logger or global_logger

    @property
    def agent(self) -> "RealtimeAgent":
        """The agent the observer runs for."""
        if self._agent is None:
            raise RuntimeError("Agent has not been set.")
        return self._agent

    @property
    def realtime_client(self) -> RealtimeClientProtocol:
        """The agent's realtime client."""
        if self._agent is None:
            raise RuntimeError("Agent has not been set.")
        if self._agent.realtime_client is None:
            raise RuntimeError("Realtime client has not been set.")
        return self._agent.realtime_client

    async def run(self, agent: "RealtimeAgent") -> None:
        """Attach to ``agent``, initialise the session, mark ready, then run the loop."""
        self._agent = agent
        await self.initialize_session()
        self._ready_event.set()
        await self.run_loop()

    @abstractmethod
    async def run_loop(self) -> None:
        """Work that runs beside the event stream (e.g. reading a caller's audio); may return at once."""

    @abstractmethod
    async def initialize_session(self) -> None:
        """Send the session settings this observer needs."""

    async def wait_for_ready(self) -> None:
        """Wait until ``initialize_session`` has finished."""
        await self._ready_event.wait()

    @abstractmethod
    async def on_event(self, event: RealtimeEvent) -> None:
        """Handle one event of the session."""

    async def on_close(self) -> None:
        """Called when the realtime client closes (nothing by default)."""
