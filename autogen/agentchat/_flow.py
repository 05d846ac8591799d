"""One conversation logic for sync and async callers.

Each multi-step routine of an agent (generate a reply, check termination and ask the human, run
tool calls, run a chat) is written once as a generator. Where it needs I/O it yields a `Step`
naming the sync function and its async twin; a driver runs the step and sends the result back.
`run_sync` calls the sync function; `run_async` awaits the async twin (or the function itself,
awaiting its result when it returns an awaitable). Exceptions raised by a step are thrown back
into the generator, so `try`/`except` inside a routine works the same for both drivers.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import types
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Flow", "Step", "call_sync", "run_async", "run_sync", "run_coroutine_sync", "settle"]


# Types seen not to be awaitable (inspect.isawaitable's ABC check is slow for e.g. pydantic models).
_NOT_AWAITABLE: set[type] = {type(None), tuple, dict, str, bool, int, list}


def _is_awaitable(result: Any) -> bool:
    if inspect.isawaitable(result):
        return True
    if type(result) is not types.GeneratorType:  # a generator's answer depends on the object
        _NOT_AWAITABLE.add(type(result))
    return False


class Step:
    """One effect a routine needs: call ``sync_fn`` (sync driver) or ``async_fn`` (async driver)."""

    __slots__ = ("sync_fn", "async_fn", "args", "kwargs")

    def __init__(
        self,
        sync_fn: Callable[..., Any],
        async_fn: Callable[..., Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        self.sync_fn = sync_fn
        self.async_fn = async_fn
        self.args = args
        self.kwargs = kwargs

    def run_sync(self) -> Any:
        return call_sync(self.sync_fn, *self.args, **self.kwargs)

    async def run_async(self) -> Any:
        fn = self.async_fn or self.sync_fn
        result = fn(*self.args, **self.kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result


Flow = Generator[Step, Any, T]


def call_sync(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """What the sync driver does for a step: call ``fn`` and `settle` its result."""
    return settle(fn(*args, **kwargs))


def settle(result: Any) -> Any:
    """A step's result for sync code: an awaitable (a sync chat reached an async function, e.g. an
    async tool) is run to completion on a private loop in a helper thread, so this works inside
    Jupyter's running loop too; anything else is returned as it is."""
    if type(result) not in _NOT_AWAITABLE and _is_awaitable(result):
        return run_coroutine_sync(result)
    return result


def run_sync(flow: Flow[T]) -> T:
    """Drive ``flow`` to completion, running every step synchronously."""
    try:
        step = next(flow)
        while True:
            try:
                result = step.run_sync()
            except BaseException as exc:  # hand the error to the routine, which may handle it
                step = flow.throw(exc)
            else:
                step = flow.send(result)
    except StopIteration as stop:
        return stop.value


async def run_async(flow: Flow[T]) -> T:
    """Drive ``flow`` to completion, awaiting every step."""
    try:
        step = next(flow)
        while True:
            try:
                result = await step.run_async()
            except BaseException as exc:
                step = flow.throw(exc)
            else:
                step = flow.send(result)
    except StopIteration as stop:
        return stop.value


def run_coroutine_sync(awaitable: Awaitable[T]) -> T:
    """Run an awaitable from sync code, whether or not an event loop is running in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(awaitable))
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(_await(awaitable))
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=worker, name="autogen-sync-await", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable
