"""`SqliteLogger`: runtime logs in a SQLite database (schema version 1, extended).

ag2's tables (chat_completions, agents, oai_wrappers, oai_clients, events, function_calls, version)
keep their names and columns; this logger adds columns to some (``chat_id``, ``session_id``, tool
call details) and the tables chats, model_call_failures, code_executions and speaker_selections.
A database written by ag2 is extended in place when opened. See ``autogen/logger/SCHEMA.md``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from typing import Any

from ..runtime_logging import current_chat_id
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
        end_time DATETIME DEFAULT CURRENT_TIMESTAMP,
        chat_id TEXT
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
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
        session_id TEXT,
        chat_id TEXT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS function_calls (
        source_id INTEGER,
        source_name TEXT,
        function_name TEXT,
        args TEXT DEFAULT NULL,
        returns TEXT DEFAULT NULL,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
        session_id TEXT,
        chat_id TEXT,
        call_id TEXT,
        is_success INTEGER,
        error TEXT,
        start_time DATETIME,
        end_time DATETIME,
        duration_ms REAL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS chats (
        id INTEGER PRIMARY KEY,
        chat_id TEXT,
        session_id TEXT,
        parent_chat_id TEXT,
        kind TEXT,
        initiator TEXT,
        recipient TEXT,
        participants TEXT,
        info TEXT,
        start_time DATETIME,
        end_time DATETIME,
        termination_code TEXT,
        termination_reason TEXT,
        message_count INTEGER,
        last_speaker TEXT,
        UNIQUE (chat_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS model_call_failures (
        id INTEGER PRIMARY KEY,
        invocation_id TEXT,
        session_id TEXT,
        chat_id TEXT,
        client_id INTEGER,
        wrapper_id INTEGER,
        source_name TEXT,
        config_index INTEGER,
        model TEXT,
        base_url TEXT,
        attempt INTEGER,
        max_attempts INTEGER,
        error_type TEXT,
        error_message TEXT,
        failure_kind TEXT,
        action TEXT,
        wait_seconds REAL,
        next_config_index INTEGER,
        start_time DATETIME,
        timestamp DATETIME DEFAULT CURRENT_TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS code_executions (
        id INTEGER PRIMARY KEY,
        session_id TEXT,
        chat_id TEXT,
        source_id INTEGER,
        source_name TEXT,
        executor TEXT,
        language TEXT,
        code TEXT,
        code_blocks TEXT,
        exit_code INTEGER,
        output TEXT,
        error TEXT,
        start_time DATETIME,
        end_time DATETIME,
        duration_ms REAL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS speaker_selections (
        id INTEGER PRIMARY KEY,
        session_id TEXT,
        chat_id TEXT,
        source_id INTEGER,
        source_name TEXT,
        round INTEGER,
        previous_speaker TEXT,
        method TEXT,
        candidates TEXT,
        chosen TEXT,
        attempts INTEGER,
        reason TEXT,
        details TEXT,
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


# Columns this library added to ag2's tables: added to a database ag2 (or an older version) wrote.
_ADDED_COLUMNS = {
    "chat_completions": (("chat_id", "TEXT"),),
    "events": (("session_id", "TEXT"), ("chat_id", "TEXT")),
    "function_calls": (
        ("session_id", "TEXT"),
        ("chat_id", "TEXT"),
        ("call_id", "TEXT"),
        ("is_success", "INTEGER"),
        ("error", "TEXT"),
        ("start_time", "DATETIME"),
        ("end_time", "DATETIME"),
        ("duration_ms", "REAL"),
    ),
}


def _add_missing_columns(con: sqlite3.Connection) -> None:
    for table, columns in _ADDED_COLUMNS.items():
        have = {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns:
            if name not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


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
                _add_missing_columns(con)
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
                logger.error("[sqlite logger]Error running query with query %s and args %s: %s", query, args, e)

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
            " response, is_cached, cost, start_time, end_time, chat_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(invocation_id),
                client_id,
                wrapper_id,
                self.session_id,
                source_name(source),
                self._json(request),
                response_json,
                int(is_cached) if isinstance(is_cached, bool) else is_cached,  # bad values fail as in ag2
                float(cost or 0.0),
                start_time,
                end_time,
                current_chat_id(),
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
            " timestamp, session_id, chat_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                id(source),
                source_name(source),
                name,
                type(source).__module__ if is_agent else None,
                type(source).__name__ if is_agent else None,
                self._json(kwargs),
                get_current_ts(),
                self.session_id,
                current_chat_id(),
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
            "INSERT INTO function_calls (source_id, source_name, function_name, args, returns, timestamp, session_id,"
            " chat_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                id(source),
                source_name(source),
                function_name(function),
                self._json(args),
                self._json(returns),
                get_current_ts(),
                self.session_id,
                current_chat_id(),
            ),
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
        """Insert a row into ``function_calls`` with the call's id, outcome and duration."""
        end_time = get_current_ts()
        self._run(
            "INSERT INTO function_calls (source_id, source_name, function_name, args, returns, timestamp, session_id,"
            " chat_id, call_id, is_success, error, start_time, end_time, duration_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                id(source),
                source_name(source),
                function_name,
                self._json(args),
                self._json(result),
                end_time,
                self.session_id,
                current_chat_id(),
                call_id,
                int(bool(is_success)),
                error,
                start_time,
                end_time,
                float(duration_ms),
            ),
        )

    def log_chat_start(self, chat: dict[str, Any]) -> None:
        """Insert the chat's row into ``chats`` (its end fields are filled by :meth:`log_chat_end`)."""
        self._run(
            "INSERT OR IGNORE INTO chats (chat_id, session_id, parent_chat_id, kind, initiator, recipient, participants,"
            " info, start_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat["chat_id"],
                self.session_id,
                chat.get("parent_chat_id"),
                chat.get("kind"),
                chat.get("initiator"),
                chat.get("recipient"),
                self._json(chat.get("participants") or []),
                self._json(chat.get("info") or {}),
                chat.get("start_time") or get_current_ts(),
            ),
        )

    def log_chat_end(self, chat: dict[str, Any]) -> None:
        """Complete the chat's row in ``chats`` (inserting it when its start was not logged)."""
        self.log_chat_start(chat)
        self._run(
            "UPDATE chats SET kind = ?, participants = ?, info = ?, end_time = ?, termination_code = ?,"
            " termination_reason = ?, message_count = ?, last_speaker = ? WHERE chat_id = ?",
            (
                chat.get("kind"),
                self._json(chat.get("participants") or []),
                self._json(chat.get("info") or {}),
                chat.get("end_time") or get_current_ts(),
                chat.get("termination_code"),
                chat.get("termination_reason"),
                chat.get("message_count"),
                chat.get("last_speaker"),
                chat["chat_id"],
            ),
        )

    def log_model_call_failure(
        self, invocation_id: str, client_id: int, wrapper_id: int, source: str | Any, failure: dict[str, Any]
    ) -> None:
        """Insert a row into ``model_call_failures``."""
        self._run(
            "INSERT INTO model_call_failures (invocation_id, session_id, chat_id, client_id, wrapper_id, source_name,"
            " config_index, model, base_url, attempt, max_attempts, error_type, error_message, failure_kind, action,"
            " wait_seconds, next_config_index, start_time, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(invocation_id),
                self.session_id,
                current_chat_id(),
                client_id,
                wrapper_id,
                source_name(source),
                failure.get("config_index"),
                failure.get("model"),
                failure.get("base_url"),
                failure.get("attempt"),
                failure.get("max_attempts"),
                failure.get("error_type"),
                self._scrubber.scrub(str(failure.get("error_message") or "")),
                failure.get("failure_kind"),
                failure.get("action"),
                failure.get("wait_seconds"),
                failure.get("next_config_index"),
                failure.get("start_time"),
                get_current_ts(),
            ),
        )

    def log_code_execution(self, source: str | Any, execution: dict[str, Any]) -> None:
        """Insert a row into ``code_executions``."""
        self._run(
            "INSERT INTO code_executions (session_id, chat_id, source_id, source_name, executor, language, code,"
            " code_blocks, exit_code, output, error, start_time, end_time, duration_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.session_id,
                current_chat_id(),
                id(source),
                source_name(source),
                execution.get("executor"),
                execution.get("language"),
                self._scrubber.scrub(str(execution.get("code") or "")),
                self._json(execution.get("code_blocks") or []),
                execution.get("exit_code"),
                self._scrubber.scrub(str(execution.get("output") or "")),
                execution.get("error"),
                execution.get("start_time"),
                get_current_ts(),
                execution.get("duration_ms"),
            ),
        )

    def log_speaker_selection(self, source: str | Any, selection: dict[str, Any]) -> None:
        """Insert a row into ``speaker_selections``."""
        self._run(
            "INSERT INTO speaker_selections (session_id, chat_id, source_id, source_name, round, previous_speaker,"
            " method, candidates, chosen, attempts, reason, details, timestamp)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.session_id,
                current_chat_id(),
                id(source),
                source_name(source),
                selection.get("round"),
                selection.get("previous_speaker"),
                selection.get("method"),
                self._json(selection.get("candidates") or []),
                selection.get("chosen"),
                selection.get("attempts"),
                selection.get("reason"),
                self._json(selection.get("details") or {}),
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
