"""Runtime logging: record agents, model clients, model calls, events and tool calls while a program runs.

``start()`` picks a destination (a SQLite database by default, a JSON-lines file, or your own
:class:`autogen.logger.BaseLogger`); agents and ``OpenAIWrapper`` call the ``log_*`` hooks below
only while logging is on, so a program that never starts logging pays one flag check per hook.
Logging never breaks the program: a failure to start or to write is reported through the
``logging`` module and otherwise ignored.

This module imports only the standard library; the logger classes load when ``start()`` runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import sqlite3
    import uuid

    from .logger.base_logger import BaseLogger

__all__ = [
    "get_connection",
    "get_current_ts",
    "log_chat_completion",
    "log_event",
    "log_function_use",
    "log_new_agent",
    "log_new_client",
    "log_new_wrapper",
    "logging_enabled",
    "start",
    "stop",
]

logger = logging.getLogger(__name__)

autogen_logger: BaseLogger | None = None
is_logging = False  # per-message code reads this flag directly (a read, not a call, when logging is off)


def start(
    logger: BaseLogger | None = None,
    logger_type: Literal["sqlite", "file"] = "sqlite",
    config: dict[str, Any] | None = None,
) -> str:
    """Start runtime logging and return the session id (a uuid string).

    Args:
        logger: your own ``BaseLogger`` instance; when given, ``logger_type`` and ``config`` are ignored.
        logger_type: ``"sqlite"`` (config ``{"dbname": "logs.db"}``) or ``"file"`` (config
            ``{"filename": "runtime.log"}``, written under ``./autogen_logs/``).
        config: options of the chosen logger type.

    A logger that fails to start (e.g. the database path cannot be opened) is reported with
    ``logging.error`` and logging stays off. An unknown ``logger_type`` raises ValueError.
    A session that is still running is stopped first.
    """
    global autogen_logger, is_logging
    if autogen_logger is not None:
        stop()
    if logger is None:
        from .logger.logger_factory import LoggerFactory

        new_logger = LoggerFactory.get_logger(logger_type=logger_type, config=config)
    else:
        new_logger = logger
    session_id = str(getattr(new_logger, "session_id", "") or "")
    try:
        session_id = new_logger.start()
    except Exception as e:  # noqa: BLE001 - logging must never break the program
        _log_error("start", e)
        return session_id
    autogen_logger = new_logger
    is_logging = True
    return session_id


def stop() -> None:
    """Stop runtime logging and close its destination (nothing happens when logging is off)."""
    global autogen_logger, is_logging
    current, autogen_logger, is_logging = autogen_logger, None, False
    if current is not None:
        try:
            current.stop()
        except Exception as e:  # noqa: BLE001 - logging must never break the program
            _log_error("stop", e)


def logging_enabled() -> bool:
    """Whether runtime logging is on."""
    return is_logging


def get_connection() -> sqlite3.Connection | None:
    """The SQLite connection of the running SQLite logger; None for other loggers or when logging is off."""
    if autogen_logger is None:
        return None
    try:
        return autogen_logger.get_connection()
    except Exception as e:  # noqa: BLE001 - logging must never break the program
        _log_error("get_connection", e)
        return None


def get_current_ts() -> str:
    """The current UTC time in the logs' text format (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def log_chat_completion(
    invocation_id: uuid.UUID | str | None,
    client_id: int,
    wrapper_id: int,
    agent: str | Any,
    request: dict[str, Any],
    response: str | Any,
    is_cached: int,
    cost: float,
    start_time: str,
) -> None:
    """Record one answered model call; ``invocation_id=None`` gets a fresh uuid."""
    if autogen_logger is None:
        return
    if invocation_id is None:
        import uuid

        invocation_id = uuid.uuid4()
    _forward(
        "log_chat_completion", invocation_id, client_id, wrapper_id, agent, request, response, is_cached, cost, start_time
    )


def log_new_agent(agent: Any, init_args: dict[str, Any]) -> None:
    """Record a new agent (``init_args`` may be the constructor's ``locals()``)."""
    _forward("log_new_agent", agent, init_args)


def log_event(source: str | Any, name: str, **kwargs: Any) -> None:
    """Record a named event of ``source`` (an agent or a name) with its details."""
    _forward("log_event", source, name, **kwargs)


def log_function_use(agent: str | Any, function: Any, args: dict[str, Any], returns: Any) -> None:
    """Record one tool/function execution by ``agent`` (``function`` may be the callable or its name)."""
    _forward("log_function_use", agent, function, args, returns)


def log_new_wrapper(wrapper: Any, init_args: dict[str, Any]) -> None:
    """Record a new ``OpenAIWrapper`` and its configuration."""
    _forward("log_new_wrapper", wrapper, init_args)


def log_new_client(client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
    """Record a new model client of ``wrapper`` and its configuration."""
    _forward("log_new_client", client, wrapper, init_args)


def _forward(method: str, /, *args: Any, **kwargs: Any) -> None:
    """Call ``method`` of the running logger, if any; a failure is logged, never raised."""
    current = autogen_logger
    if current is None:
        return
    try:
        getattr(current, method)(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - logging must never break the program
        _log_error(method, e)


def _log_error(what: str, error: BaseException) -> None:
    logger.error("[runtime logging] %s failed: %s: %s", what, type(error).__name__, error)
