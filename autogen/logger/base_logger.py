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

    # ---- records added by this library (ag2's loggers do not have them) ------------------------
    # Concrete so that a logger written for ag2 keeps working: by default each arrives as an event
    # (``log_event``), and a tool call as ag2's ``log_function_use``.

    def log_chat_start(self, chat: dict[str, Any]) -> None:
        """A chat started (fields: ``autogen/logger/SCHEMA.md``, table ``chats``)."""
        self.log_event(chat.get("initiator") or "chat", "chat_start", **chat)

    def log_chat_end(self, chat: dict[str, Any]) -> None:
        """A chat ended, with its termination code and reason."""
        self.log_event(chat.get("initiator") or "chat", "chat_end", **chat)

    def log_model_call_failure(
        self, invocation_id: str, client_id: int, wrapper_id: int, source: str | Any, failure: dict[str, Any]
    ) -> None:
        """A model call attempt failed; ``failure["action"]`` says what happens next."""
        self.log_event(
            source if source is not None else "OpenAIWrapper",
            "model_call_failure",
            invocation_id=str(invocation_id),
            client_id=client_id,
            wrapper_id=wrapper_id,
            **failure,
        )

    def log_tool_call(
        self,
        source: str | Any,
        function_name: str,
        call_id: str | None,
        args: dict[str, Any] | None,
        result: Any,
        *,
        is_success: bool,
        error: str | None,
        start_time: str,
        duration_ms: float,
        ran: bool,
    ) -> None:
        """A tool or function call was answered (by default: ag2's ``log_function_use`` when it ran)."""
        if ran:
            self.log_function_use(source, function_name, args or {}, result)

    log_tool_call._ag2_fallback = True  # type: ignore[attr-defined]  # runtime_logging calls log_function_use

    def log_code_execution(self, source: str | Any, execution: dict[str, Any]) -> None:
        """An agent ran code blocks."""
        self.log_event(source, "code_execution", **execution)

    def log_speaker_selection(self, source: str | Any, selection: dict[str, Any]) -> None:
        """A group chat chose (or failed to choose) its next speaker."""
        self.log_event(source, "speaker_selection", **selection)

    @abstractmethod
    def stop(self) -> None:
        """Flush and close the destination."""

    @abstractmethod
    def get_connection(self) -> sqlite3.Connection | None:
        """The open database connection, for loggers that have one; otherwise None."""
