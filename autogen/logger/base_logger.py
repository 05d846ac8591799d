"""`BaseLogger`: what a runtime logger must implement to receive the events of a running program."""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

__all__ = ["BaseLogger"]


class BaseLogger(ABC):
    """A destination for runtime logs; pass an instance to ``autogen.runtime_logging.start(logger=...)``.

    Every ``log_*`` method is called synchronously from the thread doing the work, possibly from many
    threads at once, so implementations must be thread-safe and quick.
    """

    @abstractmethod
    def start(self) -> str:
        """Open the destination and return the session id (a uuid string)."""

    @abstractmethod
    def log_chat_completion(
        self,
        invocation_id: uuid.UUID | str,
        client_id: int,
        wrapper_id: int,
        source: str | Any,
        request: dict[str, Any],
        response: str | Any,
        is_cached: int,
        cost: float,
        start_time: str,
    ) -> None:
        """Record one answered model call (``is_cached=1`` when the answer came from the cache)."""

    @abstractmethod
    def log_new_agent(self, agent: Any, init_args: dict[str, Any]) -> None:
        """Record the creation of an agent with its constructor arguments."""

    @abstractmethod
    def log_event(self, source: str | Any, name: str, **kwargs: Any) -> None:
        """Record a named event of an agent (or any named source) with its details."""

    @abstractmethod
    def log_new_wrapper(self, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Record the creation of an ``OpenAIWrapper`` with its configuration."""

    @abstractmethod
    def log_new_client(self, client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Record the creation of a model client inside a wrapper."""

    @abstractmethod
    def log_function_use(self, source: str | Any, function: Any, args: dict[str, Any], returns: Any) -> None:
        """Record one execution of a tool/function by an agent."""

    @abstractmethod
    def stop(self) -> None:
        """Flush and close the destination."""

    @abstractmethod
    def get_connection(self) -> sqlite3.Connection | None:
        """The open database connection, for loggers that have one; otherwise None."""
