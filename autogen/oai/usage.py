"""Accumulating per-model token usage and cost summaries.

Summary format (shared with ``ChatResult.cost``)::

    {"total_cost": 0.0123, "gpt-4o-2024-08-06": {"cost": 0.0123, "prompt_tokens": 100,
                                                  "completion_tokens": 20, "total_tokens": 120}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["USAGE_FIELDS", "add_usage"]

USAGE_FIELDS = ("cost", "prompt_tokens", "completion_tokens", "total_tokens")


def add_usage(summary: dict[str, Any] | None, usage: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``summary`` (or a new one) with one response's ``usage`` added under its model name.

    ``usage`` carries the ModelClient usage keys: prompt_tokens, completion_tokens, total_tokens,
    cost and model; missing numbers count as 0.
    """
    summary = summary if summary is not None else {"total_cost": 0.0}
    model = str(usage.get("model") or "unknown")
    cost = float(usage.get("cost") or 0.0)
    summary["total_cost"] = summary.get("total_cost", 0.0) + cost
    entry = summary.get(model)
    if entry is None:
        entry = summary[model] = {"cost": 0.0, "prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    entry["cost"] += cost
    entry["prompt_tokens"] += int(usage.get("prompt_tokens") or 0)
    entry["completion_tokens"] += int(usage.get("completion_tokens") or 0)
    entry["total_tokens"] += int(usage.get("total_tokens") or 0)
    return summary
