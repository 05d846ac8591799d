"""`FileLogger`: runtime logs as JSON lines in ``./autogen_logs/<filename>``."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from typing import IO, TYPE_CHECKING, Any

from ..runtime_logging import current_chat_id
from .base_logger import BaseLogger
from .logger_utils import SecretScrubber, constructor_args, function_name, get_current_ts, source_name, to_json

if TYPE_CHECKING:
    import sqlite3

__all__ = ["FileLogger"]

logger = logging.getLogger(__name__)

LOG_DIR = "autogen_logs"


class FileLogger(BaseLogger):
    """Appends one JSON object per line to ``autogen_logs/<config["filename"]>`` (default ``runtime.log``).

    The directory is created under the current working directory when the file is first opened
    (by :meth:`start`, or by the first log call); an absolute ``filename`` is used as is. Every line
    has ``"type"`` (which log call wrote it), ``"session_id"``, ``"thread_id"`` and ``"timestamp"``,
    then ag2's fields for that record; nested states (``json_state``, ``input_args``, ``returns``)
    are JSON text inside the line, as ag2 writes them. Secrets are redacted. Lines written while a
    chat runs also have ``"chat_id"``; the records this library adds (``chat_start``, ``chat_end``,
    ``model_call_failure``, ``code_execution``, ``speaker_selection``, and the extra fields of
    ``function_call``) are described in ``autogen/logger/SCHEMA.md``.
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
        with self._lock:
            self._open()
        return self.session_id

    def _open(self) -> None:
        if self._file is None:
            os.makedirs(os.path.dirname(self.log_file) or ".", exist_ok=True)
            self._file = open(self.log_file, "a", encoding="utf-8")  # noqa: SIM115 (closed in stop)

    def _json_text(self, value: Any) -> str:
        """``value`` as JSON text (secrets redacted), for the fields ag2 stores as nested JSON."""
        return to_json(value, self._scrubber)

    def _write(self, kind: str, record: dict[str, Any]) -> None:
        head: dict[str, Any] = {
            "type": kind,
            "session_id": self.session_id,
            "thread_id": threading.get_ident(),
            "timestamp": get_current_ts(),
        }
        chat_id = current_chat_id()
        if chat_id is not None:
            head["chat_id"] = chat_id
        line = to_json({**head, **record}, self._scrubber)
        with self._lock:
            try:
                self._open()  # used without start(): opened on the first record, as ag2's is
                assert self._file is not None
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
                "response": response,
                "is_cached": int(bool(is_cached)),
                "cost": float(cost or 0.0),
                "start_time": start_time,
                "end_time": get_current_ts(),
            },
        )

    def log_new_agent(self, agent: Any, init_args: dict[str, Any] | None = None) -> None:
        """Write a ``new_agent`` line."""
        client = getattr(agent, "client", None)
        self._write(
            "new_agent",
            {
                "id": id(agent),
                "agent_name": source_name(agent) or "",
                "wrapper_id": id(client) if client is not None else "",
                "current_time": get_current_ts(),
                "agent_type": type(agent).__name__,
                "args": constructor_args(agent, init_args or {}),
            },
        )

    def log_event(self, source: str | Any, name: str, **kwargs: Any) -> None:
        """Write an ``event`` line."""
        is_agent = not isinstance(source, str) and hasattr(source, "generate_reply")
        record: dict[str, Any] = {"source_id": id(source), "source_name": source_name(source), "event_name": name}
        if is_agent:
            record["agent_module"] = type(source).__module__
            record["agent_class"] = type(source).__name__
        record["json_state"] = self._json_text(kwargs)
        self._write("event", record)

    def log_new_wrapper(self, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Write a ``new_wrapper`` line."""
        self._write("new_wrapper", {"wrapper_id": id(wrapper), "json_state": self._json_text(init_args)})

    def log_new_client(self, client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Write a ``new_client`` line."""
        self._write(
            "new_client",
            {
                "client_id": id(client),
                "wrapper_id": id(wrapper),
                "class": type(client).__name__,
                "json_state": self._json_text(init_args),
            },
        )

    def log_function_use(self, source: str | Any, function: Any, args: dict[str, Any], returns: Any) -> None:
        """Write a ``function_call`` line."""
        self._write(
            "function_call",
            {
                "source_id": id(source),
                "source_name": source_name(source),
                "agent_module": type(source).__module__,
                "agent_class": type(source).__name__,
                "function_name": function_name(function),
                "input_args": self._json_text(args),
                "returns": self._json_text(returns),
            },
        )

    # ---- records this library adds ---------------------------------------------------------

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
        """Write a ``function_call`` line with the call's id, outcome and duration."""
        self._write(
            "function_call",
            {
                "source_id": id(source),
                "source_name": source_name(source),
                "agent_module": type(source).__module__,
                "agent_class": type(source).__name__,
                "function_name": function_name,
                "input_args": self._json_text(args),
                "returns": self._json_text(result),
                "call_id": call_id,
                "is_success": bool(is_success),
                "error": error,
                "start_time": start_time,
                "end_time": get_current_ts(),
                "duration_ms": float(duration_ms),
            },
        )

    def log_chat_start(self, chat: dict[str, Any]) -> None:
        """Write a ``chat_start`` line."""
        self._write("chat_start", dict(chat))

    def log_chat_end(self, chat: dict[str, Any]) -> None:
        """Write a ``chat_end`` line (the chat's final kind, participants and termination)."""
        self._write("chat_end", dict(chat))

    def log_model_call_failure(
        self, invocation_id: str, client_id: int, wrapper_id: int, source: str | Any, failure: dict[str, Any]
    ) -> None:
        """Write a ``model_call_failure`` line."""
        self._write(
            "model_call_failure",
            {
                "invocation_id": str(invocation_id),
                "client_id": client_id,
                "wrapper_id": wrapper_id,
                "source_name": source_name(source),
                **failure,
            },
        )

    def log_code_execution(self, source: str | Any, execution: dict[str, Any]) -> None:
        """Write a ``code_execution`` line."""
        self._write("code_execution", {"source_id": id(source), "source_name": source_name(source), **execution})

    def log_speaker_selection(self, source: str | Any, selection: dict[str, Any]) -> None:
        """Write a ``speaker_selection`` line."""
        self._write("speaker_selection", {"source_id": id(source), "source_name": source_name(source), **selection})

    def get_connection(self) -> sqlite3.Connection | None:
        """Always None: a file logger has no database connection."""
        return None

    def stop(self) -> None:
        """Close the file."""
        with self._lock:
            if self._file is not None:
                self._file.close()
            self._file = None
