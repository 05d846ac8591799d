"""Run a model-call plan synchronously or asynchronously.

``OpenAIWrapper`` writes its call logic (config order, cache, retries, fallback) once, as a
generator. Run for async callers, it yields the effects it needs: :class:`CallModel` (send one
request) and :class:`Sleep` (back off), which the async driver awaits (async SDK client,
``asyncio.sleep``, custom sync clients in a worker thread); a failed effect is thrown back into the
generator, which decides what to do next. Run for sync callers, the plan makes the same calls and
sleeps in place (no round trip per call), so the sync driver only runs it to its result.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Generator
from typing import Any, TypeVar

__all__ = ["CallModel", "Sleep", "run_async", "run_sync"]

T = TypeVar("T")


class CallModel:
    """Send ``params`` to ``client`` and resume the plan with its response."""

    __slots__ = ("client", "params")

    def __init__(self, client: Any, params: dict[str, Any]) -> None:
        self.client = client
        self.params = params


class Sleep:
    """Wait ``seconds`` before resuming the plan."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


Plan = Generator["CallModel | Sleep", Any, T]


def run_sync(plan: Plan[T]) -> T:
    """Run a plan built for sync callers to its result, in the calling thread (never starts an event loop)."""
    try:
        effect = next(plan)
    except StopIteration as stop:
        return stop.value
    plan.close()
    raise TypeError(f"A plan run synchronously must make its calls in place, but it yielded {effect!r}.")


async def run_async(plan: Plan[T]) -> T:
    """Drive ``plan`` on the running event loop."""
    value: Any = None
    error: Exception | None = None
    while True:
        try:
            effect = plan.send(value) if error is None else plan.throw(error)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        if isinstance(effect, Sleep):
            await asyncio.sleep(max(0.0, effect.seconds))
            continue
        try:
            a_create = getattr(effect.client, "a_create", None)
            if a_create is not None and inspect.iscoroutinefunction(a_create):
                value = await a_create(effect.params)
            else:
                # custom ModelClients are synchronous; keep the loop free (context vars are copied)
                value = await asyncio.to_thread(effect.client.create, effect.params)
        except Exception as e:
            error = e
