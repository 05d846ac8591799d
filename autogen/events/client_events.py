"""Events emitted by the LLM client layer: streamed text chunks and usage summaries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel

from .base_event import BaseEvent, wrap_event

__all__ = ["ActualUsageSummary", "ModelUsageSummary", "StreamEvent", "TotalUsageSummary", "UsageSummaryEvent"]

Mode = Literal["both", "total", "actual"]


class ModelUsageSummary(BaseModel):
    """Tokens and cost spent on one model."""

    model: str
    completion_tokens: int = 0
    cost: float = 0.0
    prompt_tokens: int = 0
    total_tokens: int = 0


class ActualUsageSummary(BaseModel):
    """Usage that really hit the API (cache hits excluded); ``usages is None`` means no data."""

    usages: list[ModelUsageSummary] | None = None
    total_cost: float | None = None


class TotalUsageSummary(BaseModel):
    """Usage including completions answered from the cache; ``usages is None`` means no data."""

    usages: list[ModelUsageSummary] | None = None
    total_cost: float | None = None


def _per_model(summary: Mapping[str, Any] | None) -> dict[str, Any]:
    # OpenAIWrapper keeps {"total_cost": x, "<model>": {...usage...}}; events keep a list per model.
    if summary is None:
        return {"usages": None, "total_cost": None}
    usages = [{**usage, "model": model} for model, usage in summary.items() if isinstance(usage, Mapping)]
    return {"usages": usages, "total_cost": summary.get("total_cost")}


def _change_usage_summary_format(
    actual_usage_summary: Mapping[str, Any] | None = None, total_usage_summary: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """The client's two usage dicts as the event's ``{"actual": ..., "total": ...}`` fields (ag2's helper)."""
    return {"actual": _per_model(actual_usage_summary), "total": _per_model(total_usage_summary)}


@wrap_event
class UsageSummaryEvent(BaseEvent):
    """The token/cost table printed by ``print_usage_summary``."""

    actual: ActualUsageSummary
    total: TotalUsageSummary
    mode: Mode = "both"

    def __init__(
        self,
        *,
        uuid: UUID | None = None,
        actual_usage_summary: Mapping[str, Any] | None = None,
        total_usage_summary: Mapping[str, Any] | None = None,
        mode: Mode | list[str] | tuple[str, ...] = "both",
        **fields: Any,
    ) -> None:
        if isinstance(mode, (list, tuple)):  # 0.2 style: mode=["actual", "total"]
            chosen = set(mode)
            if not chosen or not chosen <= {"actual", "total"}:
                raise ValueError(
                    f"Invalid mode {list(mode)}: use 'actual', 'total', 'both' or a list of 'actual'/'total'"
                )
            mode = "both" if len(chosen) == 2 else chosen.pop()  # type: ignore[assignment]
        # Built either from the client's raw dicts or (when parsed back from JSON) from `actual`/`total`.
        for key, value in _change_usage_summary_format(actual_usage_summary, total_usage_summary).items():
            fields.setdefault(key, value)
        super().__init__(uuid=uuid, mode=mode, **fields)

    @staticmethod
    def _print_usage(
        summary: ActualUsageSummary | TotalUsageSummary, including_cache: bool, f: Callable[..., Any]
    ) -> None:
        if not summary.usages:
            f("No actual cost incurred (all completions are using cache).", flush=True)
            return
        word = "including" if including_cache else "excluding"
        f(f"Usage summary {word} cached usage: ", flush=True)
        f(f"Total cost: {round(summary.total_cost or 0.0, 5)}", flush=True)
        for usage in summary.usages:
            f(
                f"* Model '{usage.model}': cost: {round(usage.cost, 5)}, prompt_tokens: {usage.prompt_tokens}, "
                f"completion_tokens: {usage.completion_tokens}, total_tokens: {usage.total_tokens}",
                flush=True,
            )

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the usage table for the chosen mode."""
        f = f or print
        if self.total.usages is None:
            f('No usage summary. Please call "create" first.', flush=True)
            return
        f("-" * 100, flush=True)
        if self.mode == "both":
            self._print_usage(self.actual, False, f)
            f()
            if self.total.model_dump() != self.actual.model_dump():
                self._print_usage(self.total, True, f)
            else:
                f(
                    "All completions are non-cached: the total cost with cached completions is the same as actual cost.",
                    flush=True,
                )
        elif self.mode == "total":
            self._print_usage(self.total, True, f)
        else:
            self._print_usage(self.actual, False, f)
        f("-" * 100, flush=True)


@wrap_event
class StreamEvent(BaseEvent):
    """One chunk of streamed model output; printed without a newline."""

    content: str

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the chunk as-is and flush so the text appears as it arrives."""
        f = f or print
        f(self.content, end="", flush=True)
