"""Readers of ``autogen.runtime_logging`` output: the SQLite database and the JSON-lines file.

Both are first read into the same records (one :class:`Session` per logging session, see
``autogen/logger/SCHEMA.md``); :func:`autogen.viewer.runtime_runs.build_runs` then turns a session
into runs (one per chat). Tables, columns and line types this module does not know are not errors:
unknown tables and line types become generic timeline events, unknown columns travel with their record.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .model import loads

__all__ = ["Session", "build_runs", "read_jsonl", "read_sqlite"]

_KNOWN_TABLES = {
    "chat_completions", "agents", "oai_wrappers", "oai_clients", "version", "events", "function_calls",
    "chats", "model_call_failures", "code_executions", "speaker_selections",
}  # fmt: skip
_TIME_COLUMNS = ("timestamp", "end_time", "start_time", "time", "created_at", "ts")
#: Columns holding JSON text, per table of this library's schema.
_JSON_COLUMNS = {
    "chats": ("participants", "info"),
    "model_call_failures": (),
    "code_executions": ("code_blocks",),
    "speaker_selections": ("candidates", "details"),
}
#: Session attribute of each table / line type of the added records.
_TABLE_ATTR = {
    "model_call_failures": "failures",
    "code_executions": "code_runs",
    "speaker_selections": "selections",
    "model_call_failure": "failures",
    "code_execution": "code_runs",
    "speaker_selection": "selections",
}


@dataclass
class Session:
    """The records of one logging session, as read (values already decoded from JSON)."""

    id: str
    agents: list[dict[str, Any]] = field(default_factory=list)
    wrappers: list[dict[str, Any]] = field(default_factory=list)
    clients: list[dict[str, Any]] = field(default_factory=list)
    completions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    function_calls: list[dict[str, Any]] = field(default_factory=list)
    #: One record per chat (``chats`` rows; ``chat_start`` merged with ``chat_end`` lines).
    chats: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    code_runs: list[dict[str, Any]] = field(default_factory=list)
    selections: list[dict[str, Any]] = field(default_factory=list)
    #: Records of unknown tables / line types: ``{"table", "ts", "row"}``.
    other: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def first_ts(self) -> str:
        stamps = [
            str(r.get(k))
            for rows in (
                self.agents,
                self.wrappers,
                self.clients,
                self.completions,
                self.events,
                self.function_calls,
                self.chats,
            )
            for r in rows
            for k in ("timestamp", "start_time")
            if r.get(k)
        ]
        return min(stamps) if stamps else ""

    def add_chat(self, rec: dict[str, Any]) -> None:
        """Add a chat record, or complete the one with the same ``chat_id`` (a ``chat_end`` line)."""
        for chat in self.chats:
            if rec.get("chat_id") and chat.get("chat_id") == rec.get("chat_id"):
                chat.update({k: v for k, v in rec.items() if v is not None or k not in chat})
                return
        self.chats.append(dict(rec))


def build_runs(session: Session) -> list[dict[str, Any]]:
    """The runs of a session (see :mod:`autogen.viewer.runtime_runs`)."""
    from .runtime_runs import build_runs as build

    return build(session)


# ------------------------------------------------------------------------------------------ SQLite


def _rows(con: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cur = con.execute(f'SELECT * FROM "{table}"')
    names = [d[0] for d in cur.description or ()]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def read_sqlite(path: str) -> list[Session]:
    """The sessions of a runtime-log SQLite database, oldest first (opened read-only)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        data = {t: _rows(con, t) for t in tables if not t.startswith("sqlite_")}
    finally:
        con.close()
    sessions: dict[str, Session] = {}

    def session(sid: Any) -> Session:
        key = str(sid or "")
        if key not in sessions:
            sessions[key] = Session(key)
        return sessions[key]

    for row in data.get("agents", []):
        session(row.get("session_id")).agents.append({**row, "init_args": loads(row.get("init_args"))})
    for row in data.get("oai_wrappers", []):
        session(row.get("session_id")).wrappers.append({**row, "init_args": loads(row.get("init_args"))})
    for row in data.get("oai_clients", []):
        session(row.get("session_id")).clients.append({**row, "init_args": loads(row.get("init_args"))})
    for row in data.get("chat_completions", []):
        rec = {**row, "request": loads(row.get("request")), "response": loads(row.get("response"))}
        session(row.get("session_id")).completions.append(rec)

    for row in data.get("chats", []):
        session(row.get("session_id")).add_chat({**row, **{k: loads(row.get(k)) for k in _JSON_COLUMNS["chats"]}})

    # Rows without a session column (ag2's events and function_calls) go to the session running at their time.
    unplaced: list[tuple[str, dict[str, Any]]] = []
    for table, attr in _TABLE_ATTR.items():
        for row in data.get(table, []):
            unplaced.append((attr, {**row, **{k: loads(row.get(k)) for k in _JSON_COLUMNS[table]}}))
    for row in data.get("events", []):
        rec = {**row, "json_state": loads(row.get("json_state"), {}), "agent_class": row.get("agent_class_name")}
        unplaced.append(("events", rec))
    for row in data.get("function_calls", []):
        rec = {**row, "args": loads(row.get("args")), "returns": loads(row.get("returns"))}
        unplaced.append(("function_calls", rec))
    for table, rows in data.items():
        if table in _KNOWN_TABLES or not rows:
            continue
        for row in rows:
            ts = next((str(row[k]) for k in _TIME_COLUMNS if row.get(k)), "")
            unplaced.append(("other", {"table": table, "ts": ts, "row": {k: loads(v) for k, v in row.items()}}))
    _place(sessions, unplaced, session)
    return sorted(sessions.values(), key=lambda s: s.first_ts())


def _place(sessions: dict[str, Session], records: list[tuple[str, dict[str, Any]]], session: Any) -> None:
    starts = sorted((s.first_ts(), s.id) for s in sessions.values() if s.first_ts())
    keys = [s for s, _ in starts]
    guessed = False
    for kind, rec in records:
        sid = rec.get("session_id") if kind != "other" else rec["row"].get("session_id")
        if sid is None:
            ts = rec.get("timestamp") or rec.get("end_time") or rec.get("ts") or ""
            at = bisect.bisect_right(keys, str(ts)) - 1
            sid = starts[max(at, 0)][1] if starts else ""
            guessed = guessed or len(starts) > 1
        getattr(session(sid), kind).append(rec)
    if guessed:
        for s in sessions.values():
            s.notes.append("events and tool calls carry no session id in this database: placed by their time")


# -------------------------------------------------------------------------------------- JSON lines


def read_jsonl(path: str) -> list[Session]:
    """The sessions of a runtime-log JSON-lines file (``logger_type="file"``), oldest first."""
    sessions: dict[str, Session] = {}
    bad = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if not isinstance(rec, dict):
                continue
            sid = str(rec.get("session_id") or "")
            s = sessions.setdefault(sid, Session(sid))
            _add_line(s, rec)
    out = sorted(sessions.values(), key=lambda s: s.first_ts())
    if bad and out:
        out[0].notes.append(f"{bad} line(s) of the file are not JSON and were skipped")
    return out


def _add_line(s: Session, rec: dict[str, Any]) -> None:
    kind = rec.get("type")
    ts = rec.get("timestamp")
    if kind == "chat_completion":
        s.completions.append({**rec, "request": loads(rec.get("request")), "response": loads(rec.get("response"))})
    elif kind == "new_agent":
        s.agents.append(
            {
                **rec,
                "agent_id": rec.get("id"),
                "name": rec.get("agent_name"),
                "class": rec.get("agent_type"),
                "init_args": loads(rec.get("args")),
            }
        )
    elif kind == "event":
        s.events.append({**rec, "json_state": loads(rec.get("json_state"), {})})
    elif kind == "new_wrapper":
        s.wrappers.append({**rec, "init_args": loads(rec.get("json_state"))})
    elif kind == "new_client":
        s.clients.append({**rec, "init_args": loads(rec.get("json_state"))})
    elif kind == "function_call":
        s.function_calls.append({**rec, "args": loads(rec.get("input_args")), "returns": loads(rec.get("returns"))})
    elif kind in ("chat_start", "chat_end"):
        s.add_chat({k: v for k, v in rec.items() if k not in ("type", "thread_id", "timestamp")})
    elif kind in _TABLE_ATTR:
        getattr(s, _TABLE_ATTR[kind]).append(rec)
    else:
        s.other.append({"table": str(kind), "ts": str(ts or ""), "row": rec})
