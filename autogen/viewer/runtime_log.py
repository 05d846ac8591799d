"""Readers of ``autogen.runtime_logging`` output: the SQLite database and the JSON-lines file.

Both are first read into the same records (one :class:`Session` per logging session), then one
builder turns a session into a run. Tables, columns, line types and event names this module does
not know are not errors: unknown tables and line types become generic timeline events, unknown
columns travel with their record, unknown event names are shown by name with their data.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .model import finish_run, latency_seconds, loads, message_item, reply_messages, split_request, text_of, usage_of

__all__ = ["Session", "build_run", "read_jsonl", "read_sqlite"]

_KNOWN_TABLES = {"chat_completions", "agents", "oai_wrappers", "oai_clients", "version", "events", "function_calls"}
_TIME_COLUMNS = ("timestamp", "end_time", "start_time", "time", "created_at", "ts")
#: Agents of the original's internal speaker-selection chat; their messages are not the conversation.
_SELECTION_AGENTS = {"checking_agent", "speaker_selection_agent"}
_ERROR_KEYS = ("error", "exception", "error_type", "error_message")


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
    #: Records of unknown tables / line types: ``{"table", "ts", "row"}``.
    other: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def first_ts(self) -> str:
        stamps = [
            str(r.get(k))
            for rows in (self.agents, self.wrappers, self.clients, self.completions, self.events, self.function_calls)
            for r in rows
            for k in ("timestamp", "start_time")
            if r.get(k)
        ]
        return min(stamps) if stamps else ""


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

    # Rows without a session column (ag2's events and function_calls) go to the session running at their time.
    unplaced: list[tuple[str, dict[str, Any]]] = []
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
            ts = rec.get("timestamp") or rec.get("ts") or ""
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
    else:
        s.other.append({"table": str(kind), "ts": str(ts or ""), "row": rec})


# ------------------------------------------------------------------------------------ session->run


def _error_of(rec: dict[str, Any], response: Any) -> Any:
    for key in _ERROR_KEYS:
        if rec.get(key):
            return rec[key]
    if isinstance(response, dict) and response.get("error"):
        return response["error"]
    return None


def _call(rec: dict[str, Any], clients: dict[Any, str]) -> dict[str, Any]:
    request, response = rec.get("request"), rec.get("response")
    parts = split_request(request)
    model = response.get("model") if isinstance(response, dict) else None
    model = model or parts["params"].get("model")
    call: dict[str, Any] = {
        "ts": str(rec.get("end_time") or rec.get("start_time") or rec.get("timestamp") or ""),
        "start": rec.get("start_time"),
        "agent": rec.get("source_name") or "",
        "model": model,
        "client": clients.get(rec.get("client_id")),
        "invocation_id": rec.get("invocation_id"),
        "cached": bool(rec.get("is_cached")),
        "cost": float(rec.get("cost") or 0.0),
        "latency": latency_seconds(rec.get("start_time"), rec.get("end_time")),
        "usage": usage_of(response),
        "request": parts,
        "reply": reply_messages(response),
        "response": response,
    }
    error = _error_of(rec, response)
    if error:
        call["error"] = error if isinstance(error, str) else json.dumps(error, default=str)
    known = {"id", "invocation_id", "client_id", "wrapper_id", "session_id", "source_name", "request", "response"}
    known |= {"is_cached", "cost", "start_time", "end_time", "type", "thread_id", "timestamp", *_ERROR_KEYS}
    extra = {k: v for k, v in rec.items() if k not in known and v is not None}
    if extra:
        call["extra"] = extra
    messages = parts["messages"]
    if call["agent"] in _SELECTION_AGENTS or (messages and (messages[-1] or {}).get("name") == "checking_agent"):
        call["purpose"] = "speaker selection"
        selected = text_of((call["reply"] or [{}])[0].get("content")).strip()
        if selected:
            call["selected"] = selected[:80]
    return call


def _first(state: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = state.get(key)
        if value not in (None, ""):
            return value
    return None


def _event_item(rec: dict[str, Any]) -> dict[str, Any] | None:
    """A timeline item for an event other than ``received_message`` (None: not worth showing)."""
    name = str(rec.get("event_name") or "")
    state = rec.get("json_state") if isinstance(rec.get("json_state"), dict) else {"value": rec.get("json_state")}
    base = {"ts": str(rec.get("timestamp") or ""), "agent": rec.get("source_name") or "", "name": name, "data": state}
    low = name.lower()
    if name == "reply_func_executed":
        func = str(state.get("reply_func_name") or "")
        if state.get("final") and "code_execution" in func:
            reply = state.get("reply")
            return {
                **base,
                "kind": "code",
                "output": text_of(reply.get("content") if isinstance(reply, dict) else reply),
            }
        return None  # every reply function of every turn: too fine-grained for the timeline
    if "terminat" in low:
        reason = _first(state, ("reason", "termination_reason", "message", "content", "value"))
        return {**base, "kind": "termination", "reason": text_of(reason) if reason is not None else name}
    if "speaker" in low or "select" in low:
        selected = _first(state, ("selected", "next_speaker", "speaker", "agent", "agent_name", "name"))
        return {**base, "kind": "speaker", "selected": text_of(selected) if selected is not None else None}
    if "handoff" in low or "transition" in low:
        target = _first(state, ("target", "to", "next_agent", "agent", "destination"))
        return {**base, "kind": "handoff", "target": text_of(target) if target is not None else None}
    if "code" in low and "exec" in low:
        output = _first(state, ("output", "logs", "result", "content"))
        return {
            **base,
            "kind": "code",
            "output": text_of(output),
            "exit_code": _first(state, ("exit_code", "exitcode")),
            "code": text_of(_first(state, ("code", "code_blocks"))),
        }
    if "human" in low or "input" in low:
        return {**base, "kind": "human_input", "content": text_of(_first(state, ("reply", "response", "content")))}
    if any(w in low for w in ("fail", "error", "retry", "exception")):
        return {**base, "kind": "event", "error": True}
    return {**base, "kind": "event"}


def build_run(s: Session) -> dict[str, Any]:
    """The run (see :mod:`autogen.viewer.model`) of one session's records."""
    classes: dict[str, str] = {}
    for a in s.agents:
        if a.get("name"):
            classes[str(a["name"])] = str(a.get("class") or "")
    for e in s.events:
        if e.get("source_name") and e.get("agent_class"):
            classes.setdefault(str(e["source_name"]), str(e["agent_class"]))
    managers = {name for name, cls in classes.items() if "GroupChatManager" in cls}
    clients = {c.get("client_id"): c.get("class") for c in s.clients}

    stream: list[tuple[str, int, int, str, dict[str, Any]]] = []
    for n, rec in enumerate(s.completions):
        stream.append((str(rec.get("end_time") or rec.get("start_time") or ""), 0, n, "completion", rec))
    for n, rec in enumerate(s.events):
        stream.append((str(rec.get("timestamp") or ""), 1, n, "event", rec))
    for n, rec in enumerate(s.function_calls):
        stream.append((str(rec.get("timestamp") or ""), 2, n, "function", rec))
    for n, rec in enumerate(s.other):
        stream.append((rec["ts"], 3, n, "other", rec))
    stream.sort(key=lambda x: x[:3])

    items: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    termination = None
    last_call_of: dict[str, int] = {}
    for ts, _, _, kind, rec in stream:
        if kind == "completion":
            call = _call(rec, clients)
            call["i"] = len(calls)
            calls.append(call)
            items.append({"kind": "llm_call", "ts": call["ts"], "agent": call["agent"], "call": call["i"]})
            last_call_of[call["agent"]] = call["i"]
        elif kind == "function":
            items.append(
                {
                    "kind": "tool",
                    "ts": ts,
                    "agent": rec.get("source_name") or "",
                    "name": rec.get("function_name"),
                    "arguments": rec.get("args"),
                    "result": text_of(rec.get("returns")),
                }
            )
        elif kind == "other":
            items.append({"kind": "event", "ts": ts, "agent": "", "name": rec["table"], "data": rec["row"]})
        elif rec.get("event_name") == "received_message":
            state = rec.get("json_state") or {}
            sender, recipient = state.get("sender"), rec.get("source_name")
            if sender in managers or sender in _SELECTION_AGENTS or recipient in _SELECTION_AGENTS:
                continue  # a manager relaying the group's messages, or the selector's inner chat
            item = message_item(state.get("message"), ts=ts, sender=sender, recipient=recipient)
            if state.get("valid") is False:
                item["invalid"] = True
            if item["agent"] in last_call_of:  # the reply that agent's latest LLM call produced
                item["from_call"] = last_call_of.pop(item["agent"])
            items.append(item)
        else:
            item = _event_item(rec)
            if item is not None:
                if item["kind"] == "termination":
                    termination = item["reason"]
                items.append(item)
    run = {
        "id": s.id,
        "agents": [{"name": n, "class": c} for n, c in classes.items()],
        "items": items,
        "calls": calls,
        "termination": termination,
        "notes": list(dict.fromkeys(s.notes)),
    }
    if termination is None:
        run["notes"].append("the termination reason is not in this log")
    return finish_run(run)
