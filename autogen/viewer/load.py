"""Loading anything the viewer shows: a log file of one of three kinds (told apart by content), a
ChatResult, or a list of messages."""

from __future__ import annotations

import os
from typing import Any

from .model import finish_run, message_item, totals

__all__ = ["detect_kind", "from_chat_result", "from_messages", "load"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


def detect_kind(path: str) -> str:
    """``"sqlite"``, ``"otlp"`` or ``"jsonl"`` for the file at ``path`` (by content, not by name).

    Raises ValueError when the file is none of them.
    """
    with open(path, "rb") as f:
        head = f.read(8192)
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    from .otlp import is_otlp

    if is_otlp(text):
        return "otlp"
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{") and '"session_id"' in first and '"type"' in first:
        return "jsonl"
    if not head:
        raise ValueError(f"{path} is empty")
    raise ValueError(
        f"{path} is neither a runtime-log SQLite database, a runtime-log JSON-lines file nor an OTLP/JSON trace file"
    )


def load(source: Any) -> dict[str, Any]:
    """The viewer's log (``{"kind", "source", "runs"}``) of a path, a ChatResult or a list of messages."""
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        kind = detect_kind(path)
        if kind == "otlp":
            from .otlp import read_otlp

            runs = read_otlp(path)
        else:
            from .runtime_log import build_runs, read_jsonl, read_sqlite

            sessions = read_sqlite(path) if kind == "sqlite" else read_jsonl(path)
            runs = [run for s in sessions for run in build_runs(s)]
        return {"kind": kind, "source": path, "runs": runs}
    if isinstance(source, dict) and "runs" in source:
        return source
    if isinstance(source, list):
        return {"kind": "messages", "source": "messages", "runs": [from_messages(source)]}
    if hasattr(source, "chat_history"):
        return {"kind": "chat_result", "source": "ChatResult", "runs": [from_chat_result(source)]}
    raise TypeError(f"cannot show {type(source).__name__}: give a log path, a ChatResult or a list of messages")


def from_messages(messages: list[Any], run_id: str = "messages") -> dict[str, Any]:
    """A run of a plain message list (a chat history)."""
    items = [message_item(m) for m in messages]
    return finish_run({"id": run_id, "items": items, "calls": []})


def from_chat_result(result: Any) -> dict[str, Any]:
    """A run of a ChatResult: its history as the timeline, its cost as the per-model totals.

    A ChatResult does not keep the requests sent to the model, so the run has no LLM calls."""
    run = from_messages(list(getattr(result, "chat_history", None) or []), str(getattr(result, "chat_id", "chat")))
    cost = getattr(result, "cost", None) or {}
    usage = cost.get("usage_including_cached_inference") if isinstance(cost, dict) else None
    sums = totals(run["items"], [])
    if isinstance(usage, dict):
        for model, u in usage.items():
            if not isinstance(u, dict):
                continue
            sums["models"][model] = {
                "calls": None,
                "prompt_tokens": int(u.get("prompt_tokens") or 0),
                "completion_tokens": int(u.get("completion_tokens") or 0),
                "cost": float(u.get("cost") or 0.0),
            }
            sums["all"]["prompt_tokens"] += int(u.get("prompt_tokens") or 0)
            sums["all"]["completion_tokens"] += int(u.get("completion_tokens") or 0)
        sums["all"]["cost"] = float(usage.get("total_cost") or 0.0)
    run["totals"] = sums
    run["notes"] = ["a ChatResult keeps no LLM requests: run with runtime_logging to see each call's context"]
    summary = getattr(result, "summary", None)
    if summary:
        run["summary"] = str(summary)
    return run
