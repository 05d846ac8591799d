"""The viewer's data: every reader turns its log into the same plain, JSON-ready dicts.

A *log* is ``{"kind", "source", "runs": [run, ...]}``. A *run* (one logging session, one trace, or
one ChatResult) is::

    {"id", "title", "start", "end", "agents": [{"name", "class"}], "termination": str | None,
     "items": [item, ...],      # the timeline, in order
     "calls": [call, ...],      # every LLM call, with the exact request and the reply
     "totals": {"agents": {...}, "models": {...}, "all": {...}}, "notes": [str, ...]}

An *item* has ``i`` (its index), ``kind`` (one of :data:`ITEM_KINDS`), ``ts`` (text, may be empty) and
``agent``, plus fields of its kind; ``error`` (text) marks an item that failed, ``depth`` one that
happened in a nested chat. An ``llm_call`` item holds ``call`` (the index into ``calls``) and a short
summary; the full call is served on its own, so a page of the timeline stays small. An
``llm_failure`` item (one failed attempt of a model call) holds ``call`` too when the same invocation
was answered in the end; that call lists its ``failures``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ITEM_KINDS",
    "call_summary",
    "failure_item",
    "filter_items",
    "finish_run",
    "latency_seconds",
    "loads",
    "message_item",
    "page",
    "parse_ts",
    "run_summary",
    "selection_item",
]

ITEM_KINDS = (
    "message", "llm_call", "llm_failure", "tool", "code", "speaker", "handoff", "guardrail", "human_input", "chat",
    "termination", "event",
)  # fmt: skip
#: Request keys shown as the call's context rather than as parameters.
_CONTEXT_KEYS = ("messages", "tools", "functions")
_PREVIEW = 160


def loads(text: Any, default: Any = None) -> Any:
    """JSON text to a value; text that is not JSON is returned as is (``default`` for None)."""
    if text is None:
        return default
    if not isinstance(text, (str, bytes)):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_ts(ts: Any) -> datetime.datetime | None:
    """A log timestamp (``YYYY-MM-DD HH:MM:SS.ffffff`` or ISO 8601) as an aware UTC datetime."""
    if not isinstance(ts, str) or not ts:
        return None
    try:
        value = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def latency_seconds(start: Any, end: Any) -> float | None:
    """Seconds between two log timestamps (None when either is missing)."""
    a, b = parse_ts(start), parse_ts(end)
    return None if a is None or b is None else max(0.0, (b - a).total_seconds())


def text_of(content: Any) -> str:
    """The text of a message content (strings, multimodal parts, or anything else as JSON)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            elif isinstance(part, dict) and isinstance(part.get("content"), str):
                parts.append(part["content"])
            elif isinstance(part, dict) and part.get("type") in ("image_url", "image"):
                parts.append("[image]")
            else:
                parts.append(json.dumps(part, default=str))
        return "\n".join(parts)
    return json.dumps(content, default=str)


def message_item(
    message: Any, *, ts: str = "", sender: str | None = None, recipient: str | None = None
) -> dict[str, Any]:
    """A timeline ``message`` item from a message (dict or plain text) sent by ``sender``."""
    if not isinstance(message, dict):
        message = {"content": message}
    item: dict[str, Any] = {
        "kind": "message",
        "ts": ts,
        "agent": sender or message.get("name") or message.get("role") or "",
        "recipient": recipient,
        "role": message.get("role"),
        "content": text_of(message.get("content")),
    }
    calls = message.get("tool_calls") or ([message["function_call"]] if message.get("function_call") else [])
    if calls:
        item["tool_calls"] = [_tool_call(c) for c in calls if isinstance(c, dict)]
    responses = message.get("tool_responses")
    if responses:
        item["tool_responses"] = [
            {"id": r.get("tool_call_id"), "content": text_of(r.get("content"))}
            for r in responses
            if isinstance(r, dict)
        ]
    elif message.get("role") == "tool" and message.get("tool_call_id"):
        item["tool_responses"] = [{"id": message.get("tool_call_id"), "content": item["content"]}]
    if item["content"] == "None" and calls:  # a tool-call message whose empty content was stored as text
        item["content"] = ""
    return item


def _tool_call(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") if isinstance(call.get("function"), dict) else call
    arguments = function.get("arguments")
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, default=str)
    return {"id": call.get("id"), "name": function.get("name"), "arguments": arguments}


def usage_of(response: Any) -> dict[str, int]:
    """Token counts of an openai-style response dict (``prompt``, ``completion``, ``total``)."""
    usage = response.get("usage") if isinstance(response, dict) else None
    if not isinstance(usage, dict):
        return {}
    prompt = usage.get("prompt_tokens", usage.get("input_tokens"))
    completion = usage.get("completion_tokens", usage.get("output_tokens"))
    out = {}
    if isinstance(prompt, (int, float)):
        out["prompt"] = int(prompt)
    if isinstance(completion, (int, float)):
        out["completion"] = int(completion)
    total = usage.get("total_tokens")
    if isinstance(total, (int, float)):
        out["total"] = int(total)
    elif out:
        out["total"] = out.get("prompt", 0) + out.get("completion", 0)
    return out


def reply_messages(response: Any) -> list[dict[str, Any]]:
    """The assistant messages of an openai-style response (or of a plain-text one)."""
    if isinstance(response, str):
        return [{"role": "assistant", "content": response}]
    if not isinstance(response, dict):
        return []
    if isinstance(response.get("response"), str):
        return [{"role": "assistant", "content": response["response"]}]
    out = []
    for choice in response.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if isinstance(message, dict):
            out.append({k: v for k, v in message.items() if v is not None})
    return out


def split_request(request: Any) -> dict[str, Any]:
    """A logged request as ``{"messages", "tools", "params"}`` (params: everything else sent)."""
    if not isinstance(request, dict):
        return {"messages": [], "tools": [], "params": {"request": request}}
    tools = list(request.get("tools") or []) + list(request.get("functions") or [])
    params = {k: v for k, v in request.items() if k not in _CONTEXT_KEYS}
    messages = request.get("messages")
    if messages is None and "prompt" in request:
        messages = [{"role": "user", "content": request.get("prompt")}]
    return {"messages": list(messages or []), "tools": tools, "params": params}


def call_summary(call: dict[str, Any]) -> dict[str, Any]:
    """What a timeline ``llm_call`` item shows of its call."""
    reply = call.get("reply") or []
    preview = ""
    tool_names: list[str] = []
    for message in reply:
        preview = preview or text_of(message.get("content"))
        for tc in message.get("tool_calls") or []:
            function = tc.get("function") if isinstance(tc.get("function"), dict) else tc
            tool_names.append(str(function.get("name")))
    summary = {
        "kind": "llm_call",
        "ts": call.get("ts", ""),
        "agent": call.get("agent") or "",
        "call": call["i"],
        "model": call.get("model"),
        "usage": call.get("usage") or {},
        "cost": call.get("cost"),
        "latency": call.get("latency"),
        "cached": bool(call.get("cached")),
        "n_messages": len(call.get("request", {}).get("messages") or []),
        "preview": preview[:_PREVIEW],
        "tool_names": tool_names,
    }
    for key in ("error", "purpose", "selected"):
        if call.get(key):
            summary[key] = call[key]
    if call.get("failures"):
        summary["failed_attempts"] = len(call["failures"])
    return summary


def _add(bucket: dict[str, Any], call: dict[str, Any]) -> None:
    usage = call.get("usage") or {}
    bucket["calls"] += 1
    bucket["prompt_tokens"] += usage.get("prompt", 0)
    bucket["completion_tokens"] += usage.get("completion", 0)
    bucket["cost"] += float(call.get("cost") or 0.0)
    bucket["latency"] += float(call.get("latency") or 0.0)
    bucket["cached"] += 1 if call.get("cached") else 0
    bucket["errors"] += 1 if call.get("error") else 0


def _bucket() -> dict[str, Any]:
    return {
        "calls": 0,
        "messages": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "cost": 0.0,
        "latency": 0.0,
        "cached": 0,
        "errors": 0,
        "failures": 0,
    }


def totals(items: Iterable[dict[str, Any]], calls: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """LLM calls, tokens, cost, latency, messages and failed attempts summed per agent, per model and overall."""
    agents: dict[str, dict[str, Any]] = {}
    models: dict[str, dict[str, Any]] = {}
    everything = _bucket()
    for call in calls:
        _add(agents.setdefault(call.get("agent") or "?", _bucket()), call)
        _add(models.setdefault(call.get("model") or "?", _bucket()), call)
        _add(everything, call)
    for item in items:
        if item.get("kind") == "message":
            agents.setdefault(item.get("agent") or "?", _bucket())["messages"] += 1
            everything["messages"] += 1
        elif item.get("kind") == "llm_failure":  # a failed attempt; a call that never succeeded is an error
            failed = item.get("action") in ("give_up", "raise")
            for bucket in (
                agents.setdefault(item.get("agent") or "?", _bucket()),
                models.setdefault(item.get("model") or "?", _bucket()),
                everything,
            ):
                bucket["failures"] += 1
                bucket["errors"] += 1 if failed else 0
    return {"agents": agents, "models": models, "all": everything}


def finish_run(run: dict[str, Any]) -> dict[str, Any]:
    """Number the items and calls, fill in the summaries, totals, bounds and title of ``run``."""
    calls = run.setdefault("calls", [])
    for n, call in enumerate(calls):
        call["i"] = n
    items = run.setdefault("items", [])
    for n, item in enumerate(items):
        item["i"] = n
        if item.get("kind") == "llm_call" and "call" in item and "model" not in item:
            item.update(call_summary(calls[item["call"]]))
            item["i"] = n
    run.setdefault("agents", [])
    run.setdefault("notes", [])
    run.setdefault("termination", None)
    if run.get("totals") is None:
        run["totals"] = totals(items, calls)
    stamps = [x.get("ts") for x in items if x.get("ts")] + [c.get("ts") for c in calls if c.get("ts")]
    run.setdefault("start", min(stamps) if stamps else "")
    run.setdefault("end", max(stamps) if stamps else "")
    if not run.get("title"):
        first = next((x for x in items if x.get("kind") == "message" and x.get("content")), None)
        run["title"] = (first["content"].strip().splitlines() or [""])[0][:80] if first else str(run.get("id", ""))
    return run


def run_summary(run: dict[str, Any]) -> dict[str, Any]:
    """Everything about a run except its items and calls (those are served by pages)."""
    out = {k: v for k, v in run.items() if k not in ("items", "calls")}
    counts: dict[str, int] = {}
    for item in run.get("items", []):
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    out["n_items"] = len(run.get("items", []))
    out["n_calls"] = len(run.get("calls", []))
    out["counts"] = counts
    return out


def filter_items(
    items: list[dict[str, Any]], kinds: Iterable[str] | None = None, query: str = ""
) -> list[dict[str, Any]]:
    """The items of the given kinds whose text contains ``query`` (case-insensitive)."""
    wanted = set(kinds) if kinds else None
    q = query.lower().strip()
    out = []
    for item in items:
        if wanted is not None and item["kind"] not in wanted:
            continue
        if q and q not in json.dumps(item, default=str).lower():
            continue
        out.append(item)
    return out


def page(items: list[dict[str, Any]], offset: int = 0, limit: int = 200) -> dict[str, Any]:
    """One page of ``items``: ``{"total", "offset", "limit", "items"}``."""
    offset = max(0, offset)
    limit = max(1, min(limit, 2000))
    return {"total": len(items), "offset": offset, "limit": limit, "items": items[offset : offset + limit]}


def _next_step(rec: dict[str, Any]) -> str:
    """What the wrapper did after a failed attempt, in words."""
    action = rec.get("action")
    if action == "retry":
        wait = rec.get("wait_seconds")
        return "retry" + (f" after {float(wait):.3g}s" if isinstance(wait, (int, float)) else "")
    if action == "fallback":
        nxt = rec.get("next_config_index")
        return "fall back to config " + (str(nxt) if nxt is not None else "?")
    if action == "give_up":
        return "give up: the error reached the caller"
    if action == "raise":
        return "raised at once"
    return str(action or "?")


def failure_item(rec: dict[str, Any]) -> dict[str, Any]:
    """A failed attempt record (the runtime log's ``model_call_failures`` fields) as an ``llm_failure`` item."""
    error = f"{rec.get('error_type') or 'Error'}: {rec.get('error_message') or ''}".rstrip(": ")
    return {
        "kind": "llm_failure",
        "ts": str(rec.get("timestamp") or ""),
        "agent": rec.get("source_name") or "",
        "error": error,
        "error_type": rec.get("error_type"),
        "error_message": rec.get("error_message"),
        "attempt": rec.get("attempt"),
        "max_attempts": rec.get("max_attempts"),
        "config_index": rec.get("config_index"),
        "model": rec.get("model"),
        "base_url": rec.get("base_url"),
        "failure_kind": rec.get("failure_kind"),
        "action": rec.get("action"),
        "wait_seconds": rec.get("wait_seconds"),
        "next_config_index": rec.get("next_config_index"),
        "next": _next_step(rec),
        "invocation_id": rec.get("invocation_id"),
    }


def selection_item(rec: dict[str, Any]) -> dict[str, Any]:
    """A speaker selection record (the runtime log's ``speaker_selections`` fields) as a ``speaker`` item,
    or a ``handoff`` item for a pattern's transition."""
    details = rec.get("details") if isinstance(rec.get("details"), dict) else {}
    base: dict[str, Any] = {
        "ts": str(rec.get("timestamp") or ""),
        "agent": rec.get("source_name") or "",
        "round": rec.get("round"),
        "method": rec.get("method"),
        "reason": rec.get("reason"),
        "previous": rec.get("previous_speaker"),
        "chosen": rec.get("chosen"),
    }
    if details:
        base["data"] = details
    if details.get("error"):
        base["error"] = text_of(details["error"])
    method = str(rec.get("method") or "")
    if method.startswith("pattern"):
        transition = details.get("transition") if isinstance(details.get("transition"), dict) else {}
        target = transition.get("target") or rec.get("chosen") or transition.get("chosen_method")
        return {
            **base,
            "kind": "handoff",
            "source": transition.get("source_agent") or rec.get("previous_speaker"),
            "target": text_of(target) if target is not None else None,
            "target_type": transition.get("target_type"),
        }
    return {
        **base,
        "kind": "speaker",
        "selected": rec.get("chosen"),
        "candidates": rec.get("candidates") if isinstance(rec.get("candidates"), list) else None,
        "attempts": rec.get("attempts"),
    }
