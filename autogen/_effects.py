"""Effects and their two drivers: every multi-step routine is written once, for sync and async callers.

A routine (a *flow*) is a generator. Stock steps are entered by delegation (``yield from`` the
step's own flow); only what the routine cannot run itself is yielded as an effect:

- :class:`Call` — user code (an overridden method, a registered reply function, a tool, a human
  input method) with, where it has one, its async twin;
- :class:`CallModel` — one request to a model client;
- :class:`Sleep` — a back-off pause;
- :class:`Parallel` — several sub-flows whose order does not matter (tool calls).

A driver runs each effect and sends the result back into the flow; an exception raised by an
effect is thrown back into the flow, so ``try``/``except`` inside a routine works alike for both.
Only the drivers know whether they run sync or async: :func:`run_sync` calls, sleeps and runs
sub-flows one after another in the calling thread (never starting an event loop of its own unless
user code hands it an awaitable); :func:`run_async` awaits each effect on the running loop.

Because a flow delegates instead of calling a driver again, the Python stack used by a routine
does not grow with the number of steps it takes: a 10,000-message chat is a loop here.

An :class:`EffectInterceptor` installed with :func:`intercept_effects` (``autogen.durable`` does, to
record each model call, tool call, code execution and human input of a chat as a workflow step) sees
the effects both drivers run in that context first; without one, the drivers pay a single ``is None``
test per effect.

This module sits below every other layer (``autogen.oai`` and ``autogen.agentchat`` build on it).
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import threading
import time
import types
from collections.abc import Awaitable, Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

__all__ = [
    "NOT_RUN",
    "Call",
    "CallModel",
    "Effect",
    "EffectInterceptor",
    "Flow",
    "Parallel",
    "Sleep",
    "current_interceptor",
    "intercept_effects",
    "perform",
    "run_async",
    "run_coroutine_sync",
    "run_effect_async",
    "run_effect_sync",
    "run_sync",
    "settle",
    "track_state",
]


class _NotRun:
    """The answer to a :class:`Call` that has no implementation for the driver running it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_RUN"

    def __reduce__(self) -> str:  # unpickled as the module's singleton (a recorded step may hold it)
        return "NOT_RUN"


#: What a driver sends back for a `Call` it has nothing to run for (e.g. an async-only reply
#: function in a sync chat); the flow then goes on as if the step were not there.
NOT_RUN: Any = _NotRun()


class Call:
    """Run user code: ``sync_fn`` under the sync driver, ``async_fn`` under the async one.

    ``async_fn=None`` means the async driver calls ``sync_fn`` too (awaiting its result when that
    is awaitable). Use :meth:`sync_only` / :meth:`async_only` for code that exists in one world
    only: the other driver answers :data:`NOT_RUN` without calling anything.

    ``kind`` marks a call that has an effect on the world an interceptor may want to record:
    "tool" (a tool or function the model called), "code" (code execution), "input" (asking a
    human), "select" (a user's or a random speaker choice); None for the library's own plumbing
    (send, receive, reply functions), which is deterministic given the recorded ones. See :meth:`of_kind`.
    """

    __slots__ = ("args", "async_fn", "kind", "kwargs", "sync_fn")

    # the parameters are positional-only: ``kwargs`` are the called function's, whatever their names
    # (a tool with a parameter called ``kind`` or ``sync_fn``)
    def __init__(
        self,
        sync_fn: Callable[..., Any] | None,
        async_fn: Callable[..., Any] | None = None,
        /,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        self.sync_fn = sync_fn
        self.async_fn = async_fn
        self.args = args
        self.kwargs = kwargs
        self.kind: str | None = None

    @classmethod
    def of_kind(
        cls,
        kind: str,
        sync_fn: Callable[..., Any] | None,
        async_fn: Callable[..., Any] | None = None,
        /,
        *args: Any,
        **kwargs: Any,
    ) -> Call:
        """A call marked as a side effect of ``kind`` (see the class doc); drivers run it as any other."""
        call = cls(sync_fn, async_fn, *args, **kwargs)
        call.kind = kind
        return call

    @classmethod
    def sync_only(cls, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Call:
        """A call the async driver skips (answers `NOT_RUN`)."""
        return cls(fn, _skip, *args, **kwargs)

    @classmethod
    def async_only(cls, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Call:
        """A call the sync driver skips (answers `NOT_RUN`)."""
        return cls(None, fn, *args, **kwargs)

    def __repr__(self) -> str:
        fn = self.sync_fn or self.async_fn
        return f"Call({getattr(fn, '__qualname__', fn)!r})"


def _skip(*args: Any, **kwargs: Any) -> Any:  # marker for "no async implementation"
    return NOT_RUN


class CallModel:
    """Send ``params`` to the model client ``client`` (a ``ModelClient``: ``create``, optionally an
    async ``a_create``) and resume the flow with its response."""

    __slots__ = ("client", "params")

    def __init__(self, client: Any, params: dict[str, Any]) -> None:
        self.client = client
        self.params = params


class Sleep:
    """Wait ``seconds`` before resuming the flow."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Parallel:
    """Run ``flows`` (sub-flows that do not depend on each other) and resume with their results, in
    order. The async driver runs them concurrently; the sync driver one after another."""

    __slots__ = ("flows",)

    def __init__(self, flows: list[Generator[Any, Any, Any]]) -> None:
        self.flows = flows


Effect = Call | CallModel | Sleep | Parallel
Flow = Generator[Effect, Any, T]


# ---------------------------------------------------------------------------------------- interception


class EffectInterceptor(Protocol):
    """Takes over the effects it :meth:`claims` in the context it is installed in (see
    :func:`intercept_effects`); ``run`` executes an effect the way the driver would have."""

    def claims(self, effect: Any) -> bool:
        """True to run ``effect`` through :meth:`run_sync` / :meth:`run_async`; cheap, never raises."""
        ...

    def run_sync(self, effect: Any, run: Callable[[Any], Any]) -> Any:
        """The result of a claimed effect under the sync driver (exceptions go to the flow)."""
        ...

    async def run_async(self, effect: Any, run: Callable[[Any], Awaitable[Any]]) -> Any:
        """The result of a claimed effect under the async driver."""
        ...

    def track(self, state: Any) -> None:
        """Note mutable chat state (a `ContextVariables`) that user code run by an effect may change."""
        ...


_INTERCEPTOR: contextvars.ContextVar[EffectInterceptor | None] = contextvars.ContextVar(
    "autogen_effect_interceptor", default=None
)


@contextmanager
def intercept_effects(interceptor: EffectInterceptor | None) -> Iterator[None]:
    """Install ``interceptor`` (None: none) for the flows driven in this context until the block ends."""
    token = _INTERCEPTOR.set(interceptor)
    try:
        yield
    finally:
        _INTERCEPTOR.reset(token)


def current_interceptor() -> EffectInterceptor | None:
    """The interceptor installed in this context, if any."""
    return _INTERCEPTOR.get()


def track_state(state: Any) -> None:
    """Tell the installed interceptor (if any) about ``state``, chat state that effects may change."""
    interceptor = _INTERCEPTOR.get()
    if interceptor is not None:
        interceptor.track(state)


# ---------------------------------------------------------------------------------------------- sync


def run_sync(flow: Flow[T]) -> T:
    """Drive ``flow`` to its result in the calling thread."""
    send = flow.send
    value: Any = None
    hook = _INTERCEPTOR.get()
    try:
        effect = send(None)
        while True:
            try:
                cls = type(effect)
                if hook is not None and hook.claims(effect):  # only under an interceptor (a durable chat)
                    value = hook.run_sync(effect, run_effect_sync)
                elif cls is Call:
                    fn = effect.sync_fn
                    value = NOT_RUN if fn is None else settle(fn(*effect.args, **effect.kwargs))
                elif cls is CallModel:
                    value = effect.client.create(effect.params)
                elif cls is Sleep:
                    if effect.seconds > 0:
                        time.sleep(effect.seconds)
                    value = None
                elif cls is Parallel:
                    value = [run_sync(sub) for sub in effect.flows]
                else:
                    raise TypeError(f"A flow yielded {effect!r}, which is not an effect.")
            except BaseException as exc:  # hand the error to the routine, which may handle it
                effect = flow.throw(exc)
            else:
                effect = send(value)
    except StopIteration as stop:
        return stop.value


def perform(call: Call) -> Any:
    """Run ``call`` from plain code (not a flow) under the sync driver, so that an installed
    interceptor sees it: e.g. code execution inside a reply function."""
    return run_sync(_single(call))


def _single(effect: Effect) -> Flow[Any]:
    return (yield effect)


def run_effect_sync(effect: Any) -> Any:
    """Run one effect as :func:`run_sync` does (for interceptors; the driver's loop inlines this)."""
    cls = type(effect)
    if cls is Call:
        fn = effect.sync_fn
        return NOT_RUN if fn is None else settle(fn(*effect.args, **effect.kwargs))
    if cls is CallModel:
        return effect.client.create(effect.params)
    if cls is Sleep:
        if effect.seconds > 0:
            time.sleep(effect.seconds)
        return None
    if cls is Parallel:
        return [run_sync(sub) for sub in effect.flows]
    raise TypeError(f"A flow yielded {effect!r}, which is not an effect.")


# Types seen not to be awaitable (inspect.isawaitable's ABC check is slow for e.g. pydantic models).
_NOT_AWAITABLE: set[type] = {type(None), tuple, dict, str, bool, int, list}


def _is_awaitable(result: Any) -> bool:
    if inspect.isawaitable(result):
        return True
    if type(result) is not types.GeneratorType:  # a generator's answer depends on the object
        _NOT_AWAITABLE.add(type(result))
    return False


def settle(result: Any) -> Any:
    """A call's result for sync code: an awaitable (a sync chat reached an async function, e.g. an
    async tool) is run to completion on a private loop in a helper thread, so this works inside
    Jupyter's running loop too; anything else is returned as it is."""
    if type(result) not in _NOT_AWAITABLE and _is_awaitable(result):
        return run_coroutine_sync(result)
    return result


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

    context = contextvars.copy_context()  # the caller's context (IO stream, interceptor), as asyncio.to_thread does
    thread = threading.Thread(target=context.run, args=(worker,), name="autogen-sync-await", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


# --------------------------------------------------------------------------------------------- async


async def run_async(flow: Flow[T]) -> T:
    """Drive ``flow`` to its result on the running event loop, awaiting every effect."""
    value: Any = None
    error: BaseException | None = None
    hook = _INTERCEPTOR.get()
    while True:
        try:
            effect = flow.send(value) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        try:
            if hook is not None and hook.claims(effect):  # only under an interceptor (a durable chat)
                value = await hook.run_async(effect, run_effect_async)
            else:
                value = await run_effect_async(effect)
        except BaseException as exc:  # noqa: BLE001 - thrown into the flow, which decides
            error = exc


async def run_effect_async(effect: Any) -> Any:
    """Run one effect as :func:`run_async` does."""
    cls = type(effect)
    if cls is Call:
        fn = effect.async_fn
        if fn is None:
            fn = effect.sync_fn
        elif fn is _skip:
            return NOT_RUN
        result = fn(*effect.args, **effect.kwargs)
        if type(result) not in _NOT_AWAITABLE and _is_awaitable(result):
            result = await result
        return result
    if cls is CallModel:
        client = effect.client
        a_create = getattr(client, "a_create", None)
        if a_create is not None and inspect.iscoroutinefunction(a_create):
            return await a_create(effect.params)
        # custom ModelClients are synchronous; keep the loop free (context vars are copied)
        return await asyncio.to_thread(client.create, effect.params)
    if cls is Sleep:
        await asyncio.sleep(max(0.0, effect.seconds))
        return None
    if cls is Parallel:
        return list(await asyncio.gather(*(run_async(sub) for sub in effect.flows)))
    raise TypeError(f"A flow yielded {effect!r}, which is not an effect.")
