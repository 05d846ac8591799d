"""`SqliteLogger`: runtime logs in a SQLite database (schema version 1)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from typing import Any

from .base_logger import BaseLogger
from .logger_utils import (
    SecretScrubber,
    constructor_args,
    function_name,
    get_current_ts,
    source_name,
    to_json,
    without_secrets,
)

__all__ = ["SqliteLogger"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS chat_completions (
        id INTEGER PRIMARY KEY,
        invocation_id TEXT,
        client_id INTEGER,
        wrapper_id INTEGER,
        session_id TEXT,
        source_name TEXT,
        request TEXT,
        response TEXT,
        is_cached INTEGER,
        cost REAL,
        start_time DATETIME DEFAULT CURRENT_TIMESTAMP,
        end_time DATETIME DEFAULT CURRENT_TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS agents (
        id INTEGER PRIMARY KEY,
        agent_id INTEGER,
        wrapper_id INTEGER,
        session_id TEXT,
        name TEXT,
        class TEXT,
        init_args TEXT,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
        UNIQUE (agent_id, session_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS oai_wrappers (
        id INTEGER PRIMARY KEY,
        wrapper_id INTEGER,
        session_id TEXT,
        init_args TEXT,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
        UNIQUE (wrapper_id, session_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS oai_clients (
        id INTEGER PRIMARY KEY,
        client_id INTEGER,
        wrapper_id INTEGER,
        session_id TEXT,
        class TEXT,
        init_args TEXT,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
        UNIQUE (client_id, session_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS events (
        event_name TEXT,
        source_id INTEGER,
        source_name TEXT,
        agent_module TEXT DEFAULT NULL,
        agent_class_name TEXT DEFAULT NULL,
        id INTEGER PRIMARY KEY,
        json_state TEXT,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS function_calls (
        source_id INTEGER,
        source_name TEXT,
        function_name TEXT,
        args TEXT DEFAULT NULL,
        returns TEXT DEFAULT NULL,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS version (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version_number INTEGER NOT NULL
    )
    """,
)


class SqliteLogger(BaseLogger):
    """Writes runtime logs to the SQLite file ``config["dbname"]`` (default ``logs.db``).

    One connection is shared by all threads and guarded by a lock; every row carries the session
    id returned by :meth:`start`, so several runs can share a database.
    """

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config: dict[str, Any] = dict(config or {})
        self.session_id = str(uuid.uuid4())
        self.dbname: str = str(self.config.get("dbname") or "logs.db")
        self.con: sqlite3.Connection | None = None
        self.cur: sqlite3.Cursor | None = None
        self._lock = threading.Lock()
        self._scrubber = SecretScrubber()

    def start(self) -> str:
        """Open (creating if needed) the database and its tables; raises sqlite3.Error on failure."""
        con = sqlite3.connect(self.dbname, check_same_thread=False)
        try:
            with self._lock:
                for statement in _SCHEMA:
                    con.execute(statement)
                row = con.execute("SELECT version_number FROM version WHERE id = 1").fetchone()
                if row is None:
                    con.execute("INSERT INTO version (id, version_number) VALUES (1, ?)", (SCHEMA_VERSION,))
                elif row[0] != SCHEMA_VERSION:
                    logger.warning(
                        "[runtime logging] %s has schema version %s; this library writes version %s",
                        self.dbname,
                        row[0],
                        SCHEMA_VERSION,
                    )
                con.commit()
        except BaseException:
            con.close()
            raise
        self.con = con
        self.cur = con.cursor()
        return self.session_id

    def _run(self, query: str, args: tuple[Any, ...]) -> None:
        with self._lock:
            if self.con is None:
                logger.error("[runtime logging] SqliteLogger is not started; call runtime_logging.start() first")
                return
            try:
                self.con.execute(query, args)
                self.con.commit()
            except sqlite3.Error as e:
                logger.error("[runtime logging] could not write to %s: %s", self.dbname, e)

    def _json(self, obj: Any) -> str:
        return to_json(obj, self._scrubber)

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
        """Insert a row into ``chat_completions``."""
        end_time = get_current_ts()
        response_json = self._json(
            {"response": response} if response is None or isinstance(response, str) else response
        )
        self._run(
            "INSERT INTO chat_completions (invocation_id, client_id, wrapper_id, session_id, source_name, request,"
            " response, is_cached, cost, start_time, end_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(invocation_id),
                client_id,
                wrapper_id,
                self.session_id,
                source_name(source),
                self._json(request),
                response_json,
                int(bool(is_cached)),
                float(cost or 0.0),
                start_time,
                end_time,
            ),
        )

    def log_new_agent(self, agent: Any, init_args: dict[str, Any] | None = None) -> None:
        """Insert (or, for the same agent in the same session, update) a row in ``agents``."""
        client = getattr(agent, "client", None)
        self._run(
            "INSERT INTO agents (agent_id, wrapper_id, session_id, name, class, init_args, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (agent_id, session_id) DO UPDATE SET"
            " wrapper_id = excluded.wrapper_id, name = excluded.name, class = excluded.class,"
            " init_args = excluded.init_args, timestamp = excluded.timestamp",
            (
                id(agent),
                id(client) if client is not None else None,
                self.session_id,
                source_name(agent),
                type(agent).__name__,
                self._json(constructor_args(agent, init_args or {})),
                get_current_ts(),
            ),
        )

    def log_event(self, source: str | Any, name: str, **kwargs: Any) -> None:
        """Insert a row into ``events``; agent sources also record their module and class."""
        is_agent = not isinstance(source, str) and hasattr(source, "generate_reply")
        self._run(
            "INSERT INTO events (source_id, source_name, event_name, agent_module, agent_class_name, json_state,"
            " timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                id(source),
                source_name(source),
                name,
                type(source).__module__ if is_agent else None,
                type(source).__name__ if is_agent else None,
                self._json(kwargs),
                get_current_ts(),
            ),
        )

    def log_new_wrapper(self, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Insert a row into ``oai_wrappers`` (once per wrapper and session)."""
        self._run(
            "INSERT OR IGNORE INTO oai_wrappers (wrapper_id, session_id, init_args, timestamp) VALUES (?, ?, ?, ?)",
            # connection settings are stored without their credentials (as ag2 stores them)
            (id(wrapper), self.session_id, self._json(without_secrets(init_args)), get_current_ts()),
        )

    def log_new_client(self, client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
        """Insert a row into ``oai_clients`` (once per client and session)."""
        self._run(
            "INSERT OR IGNORE INTO oai_clients (client_id, wrapper_id, session_id, class, init_args, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                id(client),
                id(wrapper),
                self.session_id,
                type(client).__name__,
                self._json(without_secrets(init_args)),
                get_current_ts(),
            ),
        )

    def log_function_use(self, source: str | Any, function: Any, args: dict[str, Any], returns: Any) -> None:
        """Insert a row into ``function_calls``."""
        self._run(
            "INSERT INTO function_calls (source_id, source_name, function_name, args, returns, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                id(source),
                source_name(source),
                function_name(function),
                self._json(args),
                self._json(returns),
                get_current_ts(),
            ),
        )

    def get_connection(self) -> sqlite3.Connection | None:
        """The open connection (None before start and after stop)."""
        return self.con

    def stop(self) -> None:
        """Close the connection."""
        with self._lock:
            if self.con is not None:
                self.con.close()
            self.con = None
            self.cur = None
