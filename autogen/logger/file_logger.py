"""`FileLogger`: runtime logs as JSON lines in ``./autogen_logs/<filename>``."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from typing import IO, TYPE_CHECKING, Any

from .base_logger import BaseLogger
from .logger_utils import SecretScrubber, constructor_args, function_name, get_current_ts, source_name, to_json

if TYPE_CHECKING:
    import sqlite3

__all__ = ["FileLogger"]

logger = logging.getLogger(__name__)

LOG_DIR = "autogen_logs"


class FileLogger(BaseLogger):
    """Appends one JSON object per line to ``autogen_logs/<config["filename"]>`` (default ``runtime.log``).

    The directory is created under the current working directory when :meth:`start` runs; an
    absolute ``filename`` is used as is. Every line has ``"type"`` (which log call wrote it),
    ``"session_id"``, ``"thread_id"`` and ``"timestamp"``.
    """

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = dict(config or {})
        self.session_id = str(uuid.uuid4())
        self.log_dir = os.path.join(os.getcwd(), LOG_DIR)
        self.log_file = os.path.join(self.log_dir, str(self.config.get("filename") or "runtime.log"))
        self._file: IO[str] | None = None
        self._lock = threading.Lock()
        self._scrubber = SecretScrubber()

    def start(self) -> str:
        """Create the log directory and open the file for appending; raises OSError on failure."""
        os.makedirs(os.path.dirname(self.log_file) or ".", exist_ok=True)
        with self._lock:
            self._file = open(self.log_file, "a", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        return self.session_id

    def _write(self, kind: str, record: dict[str, Any]) -> None:
        line = to_json(
            {
                "type": kind,
                "session_id": self.session_id,
                "thread_id": threading.get_ident(),
                "timestamp": get_current_ts(),
                **record,
            },
            self._scrubber,
        )
        with self._lock:
            if self._file is None:
                logger.error("[runtime logging] FileLogger is not started; call runtime_logging.start() first")
                return
            try:
                self._file.write(line + "\n")
                self._file.flush()
            except (OSError, ValueError) as e:
                logger.error("[runtime logging] could not write to %s: %s", self.log_file, e)

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
        """Write a ``chat_completion`` line."""
        self._write(
            "chat_completion",
            {
                "invocation_id": str(invocation_id),
                "client_id": client_id,
                "wrapper_id": wrapper_id,
                "source_name": source_name(source),
                "request": request,
                "response": {"response": response} if isinstance(response, str) else response,
                "is_cached": int(bool(is_cached)),
                "cost": float(cost or 0.0),
                "start_time": start_time,
                "end_time": get_current_ts(),
            },
        )

    def log_new_agent(self, agent: Any, init_args: dict[str, Any]) -> None:
        """Write a ``new_agent`` line."""
        client = getattr(agent, "client", None)
        self._write(
            "new_agent",
            {
                "agent_id": id(agent),
                "wrapper_id": id(client) if client is not None else None,
                "name": source_name(agent),
                "class": type(agent).__name__,
                "init_args": constructor_args(agent, init_args),
            },
        )

    def log_event(self, source: str | Any, name: str, **kwargs: Any) -> None:
        """Write an ``event`` line."""
        is_agent = not isinstance(source, str) and hasattr(source, "generate_reply")
        self._write(
            "event",
            {
                "event_name": name,
                "source_id": id(source),
                "source_name": source_name(source),
                "agent_module": type(source).__module__ if is_agent else None,
                "agent_class_name": type(source).__name__ if is_agent else None,
                "json_state": kwargs,
            },
        )

    def log_new_wrapper(self, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Write a ``new_wrapper`` line."""
        self._write("new_wrapper", {"wrapper_id": id(wrapper), "init_args": init_args})

    def log_new_client(self, client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Write a ``new_client`` line."""
        self._write(
            "new_client",
            {
                "client_id": id(client),
                "wrapper_id": id(wrapper),
                "class": type(client).__name__,
                "init_args": init_args,
            },
        )

    def log_function_use(self, source: str | Any, function: Any, args: dict[str, Any], returns: Any) -> None:
        """Write a ``function_call`` line."""
        self._write(
            "function_call",
            {
                "source_id": id(source),
                "source_name": source_name(source),
                "function_name": function_name(function),
                "args": args,
                "returns": returns,
            },
        )

    def get_connection(self) -> sqlite3.Connection | None:
        """Always None: a file logger has no database connection."""
        return None

    def stop(self) -> None:
        """Close the file."""
        with self._lock:
            if self._file is not None:
                self._file.close()
            self._file = None
