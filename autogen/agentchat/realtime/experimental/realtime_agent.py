"""``RealtimeAgent``: a voice agent that runs one realtime session and lets observers act on its events."""

import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from logging import Logger, getLogger
from typing import Any, TypeVar

from anyio import create_task_group, lowlevel

from ....tools import Tool
from .clients.realtime_client import RealtimeClientProtocol, get_client
from .function_observer import FunctionObserver
from .realtime_observer import RealtimeObserver

__all__ = ["RealtimeAgent", "RealtimeAgentCallbacks"]

F = TypeVar("F", bound=Callable[..., Any])

global_logger = getLogger(__name__)

_DEPRECATION = (
    "RealtimeAgent is deprecated and will be removed in v0.14. It relies on deprecated realtime API endpoints."
)


@dataclass
class RealtimeAgentCallbacks:
    """Hooks of a ``RealtimeAgent``."""

    on_observers_ready: Callable[[], Awaitable[Any]] = lambda: lowlevel.checkpoint()
    """Awaited once every observer has initialised the session (``register_swarm`` starts its chat here)."""


class RealtimeAgent:
    """(Deprecated, experimental) Agent for real-time voice conversations.

    The client is chosen from ``llm_config`` (see ``get_client``); a ``FunctionObserver`` runs the functions
    registered with ``register_realtime_function``, and ``audio_adapter`` (e.g. ``WebSocketAudioAdapter``)
    carries the caller's audio.
    """

    def __init__(
        self,
        *,
        name: str,
        audio_adapter: RealtimeObserver | None = None,
        system_message: str = "You are a helpful AI Assistant.",
        llm_config: Any = None,
        logger: Logger | None = None,
        observers: list[RealtimeObserver] | None = None,
        **client_kwargs: Any,
    ) -> None:
        """Create the agent; ``client_kwargs`` go to the client factory (``websocket=`` selects WebRTC)."""
        warnings.warn(_DEPRECATION, DeprecationWarning, stacklevel=2)
        self._logger = logger
        self._name = name
        self._system_message = system_message

        self._realtime_client: RealtimeClientProtocol = get_client(
            llm_config=llm_config, logger=self.logger, **client_kwargs
        )
        self._registered_realtime_tools: dict[str, Tool] = {}
        self._observers: list[RealtimeObserver] = observers if observers else []
        self._observers.append(FunctionObserver(logger=logger))
        if audio_adapter:
            self._observers.append(audio_adapter)
        self.callbacks = RealtimeAgentCallbacks()

    @property
    def system_message(self) -> str:
        """The instructions sent at the start of the session."""
        return self._system_message

    @property
    def logger(self) -> Logger:
        """The agent's logger."""
        return self._logger or global_logger

    @property
    def realtime_client(self) -> RealtimeClientProtocol:
        """The client of the realtime API."""
        return self._realtime_client

    @property
    def registered_realtime_tools(self) -> dict[str, Tool]:
        """The functions the model can call, by name."""
        return self._registered_realtime_tools

    def register_observer(self, observer: RealtimeObserver) -> None:
        """Add an observer (before ``run``)."""
        self._observers.append(observer)

    async def start_observers(self) -> None:
        """Start every observer in the agent's task group, wait until all are ready, then call the hook."""
        for observer in self._observers:
            self._tg.start_soon(observer.run, self)
        for observer in self._observers:
            await observer.wait_for_ready()
        await self.callbacks.on_observers_ready()

    async def run(self) -> None:
        """Connect, send the system message, start the observers and feed them the session's events.

        Returns when the realtime connection closes (the observers are stopped then); cancel the surrounding
        task to end the session earlier.
        """
        async with create_task_group() as self._tg:
            async with self._realtime_client.connect():
                await self.realtime_client.session_update(session_options={"instructions": self.system_message})
                await self.start_observers()
                async for event in self.realtime_client.read_events():
                    for observer in self._observers:
                        await observer.on_event(event)
            for observer in self._observers:
                await observer.on_close()
            self._tg.cancel_scope.cancel()

    def register_realtime_function(
        self, *, name: str | None = None, description: str | None = None
    ) -> Callable[[F | Tool], Tool]:
        """Decorator that makes a function (or ``Tool``) callable by the model; returns the ``Tool``."""

        def _decorator(func_or_tool: F | Tool) -> Tool:
            tool = Tool(func_or_tool=func_or_tool, name=name, description=description)
            self._registered_realtime_tools[tool.name] = tool
            return tool

        return _decorator
