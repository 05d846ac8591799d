"""A runtime-log session (:class:`autogen.viewer.runtime_log.Session`) as viewer runs.

A session that logged chats (``chats`` rows / ``chat_start`` lines) becomes one run per top-level
chat; a nested chat (one with ``parent_chat_id``) is shown inside its parent's run, between a
"nested chat" start and end item, its items one level deeper (``depth``). Records are placed by
their ``chat_id``; records of ag2's tables without ids are placed by their time. Records written
outside any chat form one more run when there is something to show. A session without chats (a
database written by ag2) is one run.

Within a run the items are in time order: messages, LLM calls (with the failed attempts of the same
invocation attached), failed attempts, tool calls, code executions, speaker selections (classic
group chats) and handoffs (patterns), guardrail activations, nested chats and the termination.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable
from typing import Any

from .model import (
    failure_item,
    finish_run,
    latency_seconds,
    message_item,
    reply_messages,
    selection_item,
    split_request,
    text_of,
    usage_of,
)
from .runtime_log import Session

__all__ = ["build_runs"]

#: Agents of the original's internal speaker-selection chat; their messages are not the conversation.
_SELECTION_AGENTS = {"checking_agent", "speaker_selection_agent"}
_ERROR_KEYS = ("error", "exception", "error_type", "error_message")
#: Sort order of records logged at the same instant.
_ORDER = {
    "chat_start": 0, "completion": 1, "failure": 1, "event": 2, "function": 3, "code": 3, "selection": 4,
    "other": 5, "chat_end": 6,
}  # fmt: skip
_KIND_LABEL = {"two_agent": "two-agent chat", "group": "group chat", "pattern": "pattern chat"}


class _Context:
    """What every run of a session needs: agent classes, group managers, client classes."""

    def __init__(self, s: Session) -> None:
        self.classes: dict[str, str] = {}
        for a in s.agents:
            if a.get("name"):
                self.classes[str(a["name"])] = str(a.get("class") or "")
        for e in s.events:
            if e.get("source_name") and e.get("agent_class"):
                self.classes.setdefault(str(e["source_name"]), str(e["agent_class"]))
        self.managers = {name for name, cls in self.classes.items() if "GroupChatManager" in cls}
        self.clients = {c.get("client_id"): c.get("class") for c in s.clients}
        #: ag2 logs record code runs only as reply-function events; this library's logs have rows.
        self.code_rows = bool(s.code_runs)


# ------------------------------------------------------------------------------------------ items


def _error_of(rec: dict[str, Any], response: Any) -> Any:
    for key in _ERROR_KEYS:
        if rec.get(key):
            return rec[key]
    if isinstance(response, dict) and response.get("error"):
        return response["error"]
    return None


def _call(rec: dict[str, Any], ctx: _Context) -> dict[str, Any]:
    request, response = rec.get("request"), rec.get("response")
    parts = split_request(request)
    model = response.get("model") if isinstance(response, dict) else None
    model = model or parts["params"].get("model")
    call: dict[str, Any] = {
        "ts": str(rec.get("end_time") or rec.get("start_time") or rec.get("timestamp") or ""),
        "start": rec.get("start_time"),
        "agent": rec.get("source_name") or "",
        "model": model,
        "client": ctx.clients.get(rec.get("client_id")),
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
    known |= {"is_cached", "cost", "start_time", "end_time", "type", "thread_id", "timestamp", "chat_id", *_ERROR_KEYS}
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


def _tool_item(rec: dict[str, Any], ts: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "tool",
        "ts": ts,
        "agent": rec.get("source_name") or "",
        "name": rec.get("function_name"),
        "arguments": rec.get("args"),
        "result": text_of(rec.get("returns")),
    }
    if rec.get("call_id"):
        item["call_id"] = rec["call_id"]
    if rec.get("duration_ms") is not None:
        item["duration_ms"] = rec["duration_ms"]
    if rec.get("is_success") is not None:
        item["success"] = bool(rec["is_success"])
        if not item["success"]:
            item["error"] = rec.get("error") or "the call failed"
    return item


def _code_item(rec: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "code",
        "ts": str(rec.get("timestamp") or rec.get("end_time") or rec.get("start_time") or ""),
        "agent": rec.get("source_name") or "",
        "executor": rec.get("executor"),
        "language": rec.get("language"),
        "code": text_of(rec.get("code")),
        "exit_code": rec.get("exit_code"),
        "output": text_of(rec.get("output")),
        "duration_ms": rec.get("duration_ms"),
    }
    if isinstance(rec.get("code_blocks"), list) and len(rec["code_blocks"]) > 1:
        item["code_blocks"] = rec["code_blocks"]
    if rec.get("error"):
        item["error"] = rec["error"]
    elif rec.get("exit_code") not in (0, None):
        item["error"] = f"exit code {rec['exit_code']}"
    return item


def _first(state: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = state.get(key)
        if value not in (None, ""):
            return value
    return None


def _event_item(rec: dict[str, Any], ctx: _Context) -> dict[str, Any] | None:
    """A timeline item for an event other than ``received_message`` (None: not worth showing)."""
    name = str(rec.get("event_name") or "")
    state = rec.get("json_state") if isinstance(rec.get("json_state"), dict) else {"value": rec.get("json_state")}
    base = {"ts": str(rec.get("timestamp") or ""), "agent": rec.get("source_name") or "", "name": name, "data": state}
    low = name.lower()
    if name == "reply_func_executed":
        func = str(state.get("reply_func_name") or "")
        if state.get("final") and "code_execution" in func and not ctx.code_rows:
            reply = state.get("reply")
            return {
                **base,
                "kind": "code",
                "output": text_of(reply.get("content") if isinstance(reply, dict) else reply),
            }
        return None  # every reply function of every turn: too fine-grained for the timeline
    if name == "guardrail_activated":
        return {
            **base,
            "kind": "guardrail",
            "guardrail": state.get("guardrail"),
            "target": state.get("target"),
            "target_type": state.get("target_type"),
            "activation_message": text_of(state.get("activation_message")),
            "justification": text_of(state.get("justification")),
        }
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


def _chat_info(chat: dict[str, Any]) -> dict[str, Any]:
    """A chat record as shown (ids, kind, who, termination)."""
    keys = ("chat_id", "parent_chat_id", "kind", "initiator", "recipient", "participants", "info", "start_time")
    keys += ("end_time", "termination_code", "termination_reason", "message_count", "last_speaker")
    return {k: chat.get(k) for k in keys}


def _termination_text(chat: dict[str, Any]) -> str | None:
    reason, code = chat.get("termination_reason"), chat.get("termination_code")
    return str(reason) if reason else (str(code) if code else None)


# ------------------------------------------------------------------------------------------ a run


class _Stream:
    """The records of one run, sorted into its timeline."""

    def __init__(self) -> None:
        self.records: list[tuple[str, int, int, str, dict[str, Any], int]] = []

    def add(self, ts: Any, kind: str, rec: dict[str, Any], depth: int = 0) -> None:
        self.records.append((str(ts or ""), _ORDER[kind], len(self.records), kind, rec, depth))

    def __bool__(self) -> bool:
        return bool(self.records)


def _timeline(stream: _Stream, ctx: _Context) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
    """The items and LLM calls of a run, and a termination reason found among its events."""
    items: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    termination = None
    last_call_of: dict[str, int] = {}
    for ts, _, _, kind, rec, depth in sorted(stream.records, key=lambda x: x[:3]):
        item: dict[str, Any] | None = None
        if kind == "completion":
            call = _call(rec, ctx)
            call["i"] = len(calls)
            calls.append(call)
            item = {"kind": "llm_call", "ts": call["ts"], "agent": call["agent"], "call": call["i"]}
            last_call_of[call["agent"]] = call["i"]
        elif kind == "failure":
            item = failure_item(rec)
        elif kind == "function":
            item = _tool_item(rec, ts)
        elif kind == "code":
            item = _code_item(rec)
        elif kind == "selection":
            item = selection_item(rec)
        elif kind in ("chat_start", "chat_end"):
            item = _chat_item(kind, rec)
        elif kind == "other":
            item = {"kind": "event", "ts": ts, "agent": "", "name": rec["table"], "data": rec["row"]}
        elif rec.get("event_name") == "received_message":
            state = rec.get("json_state") or {}
            sender, recipient = state.get("sender"), rec.get("source_name")
            if sender in ctx.managers or sender in _SELECTION_AGENTS or recipient in _SELECTION_AGENTS:
                continue  # a manager relaying the group's messages, or the selector's inner chat
            item = message_item(state.get("message"), ts=ts, sender=sender, recipient=recipient)
            if state.get("valid") is False:
                item["invalid"] = True
            if item["agent"] in last_call_of:  # the reply that agent's latest LLM call produced
                item["from_call"] = last_call_of.pop(item["agent"])
        else:
            item = _event_item(rec, ctx)
            if item is not None and item["kind"] == "termination":
                termination = item["reason"]
        if item is None:
            continue
        if depth:
            item["depth"] = depth
        items.append(item)
    _attach_failures(items, calls)
    return items, calls, termination


def _chat_item(kind: str, chat: dict[str, Any]) -> dict[str, Any]:
    start = kind == "chat_start"
    item = {
        "kind": "chat",
        "ts": str(chat.get("start_time" if start else "end_time") or ""),
        "agent": chat.get("initiator") or "",
        "edge": "start" if start else "end",
        "chat_id": chat.get("chat_id"),
        "chat_kind": chat.get("kind"),
        "recipient": chat.get("recipient"),
    }
    if not start:
        item["termination_code"] = chat.get("termination_code")
        item["reason"] = _termination_text(chat)
        if chat.get("termination_code") in ("error", "run_error"):
            item["error"] = item["reason"]
    return item


def _attach_failures(items: list[dict[str, Any]], calls: list[dict[str, Any]]) -> None:
    """Give each failed attempt the LLM call of its invocation, and each call its failed attempts."""
    by_invocation = {c["invocation_id"]: c for c in calls if c.get("invocation_id")}
    for item in items:
        if item["kind"] != "llm_failure":
            continue
        call = by_invocation.get(item.get("invocation_id"))
        if call is None:
            continue
        item["call"] = call["i"]
        call.setdefault("failures", []).append({k: v for k, v in item.items() if k not in ("kind", "i", "depth")})


def _run(
    run_id: str, stream: _Stream, ctx: _Context, s: Session, chat: dict[str, Any] | None, notes: list[str]
) -> dict[str, Any]:
    items, calls, termination = _timeline(stream, ctx)
    run: dict[str, Any] = {"id": run_id, "session": s.id, "items": items, "calls": calls, "notes": list(notes)}
    names = {str(i["agent"]) for i in items if i.get("agent")}
    if chat is not None:
        run["chat"] = _chat_info(chat)
        run["chat_kind"] = chat.get("kind")
        names |= {str(n) for n in chat.get("participants") or [] if isinstance(n, str)}
        if chat.get("start_time"):
            run["start"] = str(chat["start_time"])
        if chat.get("end_time"):
            run["end"] = str(chat["end_time"])
            run["termination_code"] = chat.get("termination_code")
            termination = _termination_text(chat) or termination
            items.append(
                {
                    "kind": "termination",
                    "ts": str(chat["end_time"]),
                    "agent": chat.get("last_speaker") or "",
                    "code": chat.get("termination_code"),
                    "reason": termination,
                    "message_count": chat.get("message_count"),
                }
            )
        else:
            run["notes"].append("this chat has no end in the log (still running, or the process stopped)")
        run["agents"] = [{"name": n, "class": ctx.classes.get(n, "")} for n in _ordered(names, chat, ctx)]
    else:
        run["agents"] = [{"name": n, "class": c} for n, c in ctx.classes.items()]
    run["termination"] = termination
    if termination is None and (chat is None or chat.get("end_time")):
        run["notes"].append("the termination reason is not in this log")
    return finish_run(run)


def _ordered(names: set[str], chat: dict[str, Any], ctx: _Context) -> list[str]:
    first = [n for n in chat.get("participants") or [] if n in names]
    known = [n for n in ctx.classes if n in names and n not in first]
    return list(dict.fromkeys(first + known + sorted(names - set(first) - set(known))))


# ------------------------------------------------------------------------------------------ a session


def _records(s: Session) -> list[tuple[str, str, dict[str, Any]]]:
    """Every timeline record of a session as ``(kind, ts, record)``."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    out += [("completion", str(r.get("end_time") or r.get("start_time") or ""), r) for r in s.completions]
    out += [("event", str(r.get("timestamp") or ""), r) for r in s.events]
    out += [("function", str(r.get("timestamp") or r.get("end_time") or ""), r) for r in s.function_calls]
    out += [("failure", str(r.get("timestamp") or ""), r) for r in s.failures]
    out += [("code", str(r.get("timestamp") or r.get("end_time") or r.get("start_time") or ""), r) for r in s.code_runs]
    out += [("selection", str(r.get("timestamp") or ""), r) for r in s.selections]
    out += [("other", r["ts"], r) for r in s.other]
    return out


def _ids(kind: str, rec: dict[str, Any]) -> tuple[Any, Any]:
    row = rec["row"] if kind == "other" else rec
    return row.get("chat_id"), row.get("session_id")


def build_runs(s: Session) -> list[dict[str, Any]]:
    """The runs of one session: one per top-level chat (plus the records outside chats), or one."""
    ctx = _Context(s)
    records = _records(s)
    chats = {str(c["chat_id"]): c for c in s.chats if c.get("chat_id")}
    for kind, _, rec in records:  # rows of a chat whose start was not logged
        chat_id = _ids(kind, rec)[0]
        if chat_id and str(chat_id) not in chats:
            chats[str(chat_id)] = {"chat_id": str(chat_id)}
    if not chats:
        stream = _Stream()
        for kind, ts, rec in records:
            stream.add(ts, kind, rec)
        return [_run(s.id, stream, ctx, s, None, list(dict.fromkeys(s.notes)))]

    top, depth = _tree(chats)
    locate = _locator(chats)
    streams: dict[str | None, _Stream] = {cid: _Stream() for cid, chat in chats.items() if top[cid] == cid}
    streams[None] = _Stream()
    guessed = False
    for kind, ts, rec in records:
        chat_id, session_id = _ids(kind, rec)
        if not chat_id and not session_id:  # an ag2 row: the chat running at its time
            chat_id = locate(ts)
            guessed = guessed or chat_id is not None
        cid = str(chat_id) if chat_id else None
        streams[top[cid] if cid else None].add(ts, kind, rec, depth.get(cid, 0) if cid else 0)
    for cid, chat in chats.items():
        if depth[cid]:  # a nested chat: its start and end, inside its top-level chat's run
            streams[top[cid]].add(chat.get("start_time"), "chat_start", chat, depth[cid] - 1)
            if chat.get("end_time"):
                streams[top[cid]].add(chat.get("end_time"), "chat_end", chat, depth[cid] - 1)
    notes = list(dict.fromkeys(s.notes))
    if guessed:
        notes.append("some records carry no chat id: placed in the chat running at their time")
    runs = []
    order = sorted((cid for cid in streams if cid is not None), key=lambda c: str(chats[c].get("start_time") or ""))
    for cid in order:
        runs.append(_run(cid, streams[cid], ctx, s, chats[cid], notes))
    if streams[None]:
        outside = _run(f"{s.id}:outside", streams[None], ctx, s, None, notes)
        if outside["items"]:
            outside["title"] = f"outside any chat (session {s.id})"
            outside["notes"] = [n for n in outside["notes"] if "termination" not in n]
            runs.append(outside)
    return runs


def _tree(chats: dict[str, dict[str, Any]]) -> tuple[dict[str, str], dict[str, int]]:
    """Each chat's top-level ancestor and its depth (0 for a top-level chat)."""
    top: dict[str, str] = {}
    depth: dict[str, int] = {}
    for cid, chat in chats.items():
        seen = [cid]
        parent = chat.get("parent_chat_id")
        while parent and str(parent) in chats and str(parent) not in seen:
            seen.append(str(parent))
            parent = chats[str(parent)].get("parent_chat_id")
        top[cid], depth[cid] = seen[-1], len(seen) - 1
    return top, depth


def _locator(chats: dict[str, dict[str, Any]]) -> Callable[[str], str | None]:
    """A function from a timestamp to the innermost chat running then (None: no chat)."""
    spans = sorted(
        (str(c.get("start_time") or ""), str(c.get("end_time") or "\uffff"), cid)
        for cid, c in chats.items()
        if c.get("start_time")
    )
    starts = [a for a, _, _ in spans]

    def locate(ts: str) -> str | None:
        if not ts:
            return None
        for start, end, cid in reversed(spans[: bisect.bisect_right(starts, ts)]):
            if start <= ts <= end:
                return cid  # the latest-started chat still running: the innermost
        return None

    return locate
