"""Accumulating per-model token usage and cost summaries.

Summary format (shared with ``ChatResult.cost``)::

    {"total_cost": 0.0123, "gpt-4o-2024-08-06": {"cost": 0.0123, "prompt_tokens": 100,
                                                  "completion_tokens": 20, "total_tokens": 120}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["USAGE_FIELDS", "add_counts", "add_usage", "usage_counts"]

USAGE_FIELDS = ("cost", "prompt_tokens", "completion_tokens", "total_tokens")


def add_usage(summary: dict[str, Any] | None, usage: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``summary`` (or a new one) with one response's ``usage`` added under its model name.

    ``usage`` carries the ModelClient usage keys: prompt_tokens, completion_tokens, total_tokens,
    cost and model; missing numbers count as 0.
    """
    return add_counts(summary, usage_counts(usage))


UsageCounts = tuple[str, float, int, int, int]


def usage_counts(usage: Mapping[str, Any]) -> UsageCounts:
    """(model, cost, prompt, completion, total tokens) of one response's ``usage``, normalised once
    so the same response can be added to several summaries."""
    return (
        str(usage.get("model") or "unknown"),
        float(usage.get("cost") or 0.0),
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        int(usage.get("total_tokens") or 0),
    )


def add_counts(summary: dict[str, Any] | None, counts: UsageCounts) -> dict[str, Any]:
    """`add_usage` for counts from `usage_counts`."""
    model, cost, prompt, completion, total = counts
    summary = summary if summary is not None else {"total_cost": 0.0}
    summary["total_cost"] = summary.get("total_cost", 0.0) + cost
    entry = summary.get(model)
    if entry is None:
        entry = summary[model] = {"cost": 0.0, "prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    entry["cost"] += cost
    entry["prompt_tokens"] += prompt
    entry["completion_tokens"] += completion
    entry["total_tokens"] += total
    return summary
