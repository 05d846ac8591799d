"""Helpers of the engine: what kind of callable a dependency is, typed signatures, running sync code
from async code, and entering generator dependencies as context managers."""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, AsyncExitStack, ExitStack, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Annotated, Any, ForwardRef, TypeVar, cast, get_args, get_origin

from typing_extensions import ParamSpec

if TYPE_CHECKING:
    from types import FrameType

from ._compat import evaluate_forwardref

__all__ = [
    "async_map",
    "asyncify",
    "collect_outer_stack_locals",
    "contextmanager_in_threadpool",
    "get_typed_annotation",
    "get_typed_signature",
    "is_async_gen_callable",
    "is_coroutine_callable",
    "is_gen_callable",
    "outer_frames",
    "run_async",
    "run_in_threadpool",
    "solve_generator_async",
    "solve_generator_sync",
]

P = ParamSpec("P")
T = TypeVar("T")


def is_coroutine_callable(call: Callable[..., Any]) -> bool:
    """True for ``async def`` functions and objects whose ``__call__`` is one (never for classes)."""
    if inspect.isclass(call):
        return False
    if inspect.iscoroutinefunction(call):
        return True
    return inspect.iscoroutinefunction(getattr(call, "__call__", None))  # noqa: B004


def is_gen_callable(call: Callable[..., Any]) -> bool:
    """True for generator functions and objects whose ``__call__`` is one."""
    return inspect.isgeneratorfunction(call) or inspect.isgeneratorfunction(getattr(call, "__call__", None))  # noqa: B004


def is_async_gen_callable(call: Callable[..., Any]) -> bool:
    """True for async generator functions and objects whose ``__call__`` is one."""
    return inspect.isasyncgenfunction(call) or inspect.isasyncgenfunction(getattr(call, "__call__", None))  # noqa: B004


async def run_in_threadpool(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking ``func`` in a worker thread and await its result."""
    return await asyncio.to_thread(func, *args, **kwargs)


async def run_async(func: Callable[P, T] | Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """Await ``func(...)`` when it is async, else run it in a worker thread."""
    if is_coroutine_callable(func):
        return await cast(Callable[P, Awaitable[T]], func)(*args, **kwargs)
    return await run_in_threadpool(cast(Callable[P, T], func), *args, **kwargs)


def asyncify(func: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """An async version of ``func`` (itself when already async; else it runs in a worker thread)."""
    if is_coroutine_callable(func):
        return cast(Callable[P, Awaitable[T]], func)

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return await run_in_threadpool(func, *args, **kwargs)

    return wrapper


async def async_map(func: Callable[..., T], async_iterable: AsyncIterable[Any]) -> AsyncIterable[T]:
    """``map`` over an async iterable."""
    async for item in async_iterable:
        yield func(item)


@asynccontextmanager
async def contextmanager_in_threadpool(cm: AbstractContextManager[T]) -> AsyncGenerator[T, None]:
    """Enter and exit a blocking context manager in worker threads."""
    value = await run_in_threadpool(cm.__enter__)
    try:
        yield value
    except BaseException as e:
        if not await run_in_threadpool(cm.__exit__, type(e), e, e.__traceback__):
            raise
    else:
        await run_in_threadpool(cm.__exit__, None, None, None)


def solve_generator_sync(*sub_args: Any, call: Callable[..., Any], stack: ExitStack, **sub_values: Any) -> Any:
    """Start generator dependency ``call`` and return what it yields; ``stack`` resumes it at the end."""
    return stack.enter_context(contextmanager(call)(*sub_args, **sub_values))


async def solve_generator_async(
    *sub_args: Any, call: Callable[..., Any], stack: AsyncExitStack, **sub_values: Any
) -> Any:
    """``solve_generator_sync`` for async calls; a sync generator is entered directly (it is short by design)."""
    if is_async_gen_callable(call):
        return await stack.enter_async_context(asynccontextmanager(call)(*sub_args, **sub_values))
    return stack.enter_context(contextmanager(call)(*sub_args, **sub_values))


def outer_frames(skip: tuple[str, ...]) -> Iterator[FrameType]:
    """The calling frames, innermost first, leaving out those of modules ``skip`` names (or their submodules)."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not any(module == name or module.startswith(f"{name}.") for name in skip):
            yield frame
        frame = frame.f_back  # type: ignore[assignment]


def collect_outer_stack_locals() -> dict[str, Any]:
    """Locals of the calling frames outside this package, inner frames winning (for local types)."""
    names: dict[str, Any] = {}
    for frame in reversed(list(outer_frames(("autogen.fast_depends", "autogen.tools")))):
        names.update(frame.f_locals)
    return names


def get_typed_annotation(annotation: Any, globalns: dict[str, Any], localns: dict[str, Any]) -> Any:
    """Evaluate a string (or ForwardRef) annotation, also inside ``Annotated``; unknown names stay ForwardRefs."""
    if isinstance(annotation, (str, ForwardRef)):
        annotation = evaluate_forwardref(annotation, globalns, localns)
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        if isinstance(base, (str, ForwardRef)):
            # a new Annotated: typing caches these objects, so one is never rewritten in place
            annotation = Annotated[(get_typed_annotation(base, globalns, localns), *metadata)]
    return annotation


def _has_string_annotation(annotation: Any) -> bool:
    if isinstance(annotation, (str, ForwardRef)):
        return True
    return get_origin(annotation) is Annotated and isinstance(get_args(annotation)[0], (str, ForwardRef))


def get_typed_signature(call: Callable[..., Any]) -> tuple[inspect.Signature, Any]:
    """``call``'s signature with string annotations evaluated, and its return annotation.

    A builtin without a signature (``dict``, ``list``) is taken as a call without parameters.
    """
    try:
        signature = inspect.signature(call)
    except ValueError:
        return inspect.Signature(), inspect.Signature.empty
    annotations = [p.annotation for p in signature.parameters.values()] + [signature.return_annotation]
    if not any(_has_string_annotation(a) for a in annotations):
        return signature, signature.return_annotation
    localns = collect_outer_stack_locals()
    target = inspect.unwrap(call)
    while isinstance(target, functools.partial):
        target = target.func
    globalns = getattr(target, "__globals__", None) or getattr(getattr(target, "__call__", None), "__globals__", {})  # noqa: B004
    params = [
        p.replace(annotation=get_typed_annotation(p.annotation, globalns, localns))
        for p in signature.parameters.values()
    ]
    return_annotation = get_typed_annotation(signature.return_annotation, globalns, localns)
    return signature.replace(parameters=params, return_annotation=return_annotation), return_annotation
