"""Which steps of an agent are the library's own ("stock") and which are user code.

A flow enters a stock step by delegation (``yield from`` its generator); a step a user replaced —
an overridden method, a function set on the instance, a registered reply function — is run as an
effect by the driver (see ``autogen._effects``). These checks are cached per class.

A stock reply step (``flow_name(messages, sender, config)``) returns its ``(final, reply)`` result
directly when it decides without any effect (the usual case for most steps: no tool call to run,
no human to ask), else a flow giving that result; `run_reply_step` / `a_run_reply_step` run either.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from types import FunctionType
from typing import Any

from ..._effects import run_async, run_sync

__all__ = ["FLOW_PASSTHROUGH", "a_run_reply_step", "is_inline", "is_stock", "register_stock_flow", "run_reply_step", "stock_checker", "stock_flow_of", "stock_sync", "twins_of"]

#: Marks a function set in place of a stock method that only forwards to it: the step's flow was
#: wrapped where the flows find it (an instrumentation tracing an agent's replies puts its flow on
#: the instance and the marked forwarders on ``generate_reply`` / ``a_generate_reply``), so the flows
#: keep entering the step by delegation instead of calling the forwarder as user code.
FLOW_PASSTHROUGH = "__ag2_flow_passthrough__"

def stock_checker(base: type, names: tuple[str, ...]) -> Callable[[Any], bool]:
    """A fast `is_stock(obj, base, names)` for one call site (these checks run several times per
    message). The methods are looked up on every check, because a class can be changed after its
    first chat (tests and plugins monkeypatch ``ConversableAgent.some_method``) and the patched
    method must then run: one ``attrgetter`` call fetches them all from the object's class and the
    result is compared with ``base``'s own (functions compare by identity)."""
    fetch = operator.attrgetter(*names)
    expected = fetch(base)

    def check(obj: Any) -> bool:
        try:
            if fetch(type(obj)) != expected:  # overridden in a subclass or patched on the class
                return False
            instance_dict = obj.__dict__
        except AttributeError:  # not an agent of ours (e.g. a slotted protocol implementation)
            return False
        for name in names:  # a method set on the instance replaces the class's
            if name in instance_dict and not hasattr(instance_dict[name], FLOW_PASSTHROUGH):
                return False
        return True

    return check


_CHECKERS: dict[tuple[type, tuple[str, ...]], Callable[[Any], bool]] = {}


def is_stock(obj: Any, base: type, names: tuple[str, ...]) -> bool:
    """True when ``obj`` (an instance of ``base``) uses ``base``'s own ``names``: no subclass
    overrides them and none is set on the instance. (Hot paths keep a `stock_checker` instead.)"""
    check = _CHECKERS.get((base, names))
    if check is None:
        check = _CHECKERS[(base, names)] = stock_checker(base, names)
    return check(obj)


# reply function (as registered) -> name of the flow method that implements it
_STOCK_FLOWS: dict[Callable[..., Any], str] = {}
# reply function -> its (sync, async) pair
_TWINS: dict[Callable[..., Any], tuple[Callable[..., Any], Callable[..., Any]]] = {}


def register_stock_flow(sync_fn: Callable[..., Any], async_fn: Callable[..., Any], flow_name: str) -> None:
    """Declare the library's reply function ``sync_fn`` and its async twin ``async_fn`` as one step,
    implemented by the agent's flow method ``flow_name(messages, sender, config)``. The reply
    pipeline then enters that flow by delegation, once per pass whichever twin it meets first."""
    _STOCK_FLOWS[sync_fn] = flow_name
    _STOCK_FLOWS[async_fn] = flow_name
    _TWINS[sync_fn] = _TWINS[async_fn] = (sync_fn, async_fn)


def twins_of(func: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The (sync, async) pair a stock reply function belongs to."""
    return _TWINS[func]


def stock_flow_of(func: Any) -> str | None:
    """The flow method name of a stock reply function, or None for user code."""
    if type(func) is not FunctionType:
        return None
    return _STOCK_FLOWS.get(func)


# Library functions that are plain synchronous code (no I/O, no user code that could be async):
# flows call them in place instead of yielding them to the driver as effects.
_INLINE: set[Callable[..., Any]] = set()


def stock_sync(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: mark a library function (or method) as plain sync code that flows call in place
    (a registered reply function, a speaker-selection method) instead of running it as an effect."""
    _INLINE.add(func)
    return func


def is_inline(func: Any) -> bool:
    """Whether ``func`` (a function or a bound method) was marked with `stock_sync`."""
    target = getattr(func, "__func__", func)
    try:
        return target in _INLINE
    except TypeError:  # unhashable callable object: user code
        return False


def run_reply_step(step: Any) -> Any:
    """The result of a stock reply step, driven synchronously if it is a flow."""
    return step if type(step) is tuple else run_sync(step)


async def a_run_reply_step(step: Any) -> Any:
    """The result of a stock reply step, driven on the event loop if it is a flow."""
    return step if type(step) is tuple else await run_async(step)
