"""``inject`` and ``Depends``: the decorator API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, ExitStack
from functools import wraps
from typing import Any, Protocol, TypeVar, overload

from typing_extensions import ParamSpec

from ._compat import ConfigDict
from .core import CallModel, build_call_model
from .dependencies import dependency_provider, model

__all__ = ["Depends", "inject"]

P = ParamSpec("P")
T = TypeVar("T")


def Depends(dependency: Callable[..., T], *, use_cache: bool = True, cast: bool = True) -> Any:
    """Mark a parameter as computed by ``dependency``: ``def f(user=Depends(get_user))``
    or ``user: Annotated[User, Depends(get_user)]``."""
    return model.Depends(dependency=dependency, use_cache=use_cache, cast=cast)


class _InjectWrapper(Protocol[P, T]):
    def __call__(self, func: Callable[P, T], model: CallModel[P, T] | None = None) -> Callable[P, T]: ...


def _identity(call_model: CallModel[P, T]) -> CallModel[P, T]:
    return call_model


@overload
def inject(
    func: None = None,
    *,
    cast: bool = True,
    extra_dependencies: Sequence[model.Depends] = (),
    pydantic_config: ConfigDict | None = None,
    dependency_overrides_provider: Any | None = dependency_provider,
    wrap_model: Callable[[CallModel[P, T]], CallModel[P, T]] = _identity,
) -> _InjectWrapper[P, T]: ...


@overload
def inject(
    func: Callable[P, T],
    *,
    cast: bool = True,
    extra_dependencies: Sequence[model.Depends] = (),
    pydantic_config: ConfigDict | None = None,
    dependency_overrides_provider: Any | None = dependency_provider,
    wrap_model: Callable[[CallModel[P, T]], CallModel[P, T]] = _identity,
) -> Callable[P, T]: ...


def inject(
    func: Callable[P, T] | None = None,
    *,
    cast: bool = True,
    extra_dependencies: Sequence[model.Depends] = (),
    pydantic_config: ConfigDict | None = None,
    dependency_overrides_provider: Any | None = dependency_provider,
    wrap_model: Callable[[CallModel[P, T]], CallModel[P, T]] = _identity,
) -> Callable[P, T] | _InjectWrapper[P, T]:
    """Wrap ``func`` so that each call computes its ``Depends`` parameters and casts its arguments
    (and return value) to their annotations with pydantic (``cast=False``: no casting).

    Usable bare (``@inject``) or with options (``@inject(...)``). ``extra_dependencies`` run before
    each call, their results unused. Overrides registered on ``dependency_overrides_provider`` apply.
    """

    def decorator(func: Callable[P, T], model: CallModel[P, T] | None = None) -> Callable[P, T]:
        if model is None:
            model = wrap_model(
                build_call_model(
                    func, extra_dependencies=extra_dependencies, cast=cast, pydantic_config=pydantic_config
                )
            )
        return _injected(func, model, dependency_overrides_provider)

    return decorator if func is None else decorator(func)


def _injected(func: Callable[..., Any], call_model: CallModel[..., Any], provider: Any | None) -> Callable[..., Any]:
    """The wrapper of ``func`` solving ``call_model`` on each call (async/generator as ``func`` is)."""

    def overrides() -> Any:
        return getattr(provider, "dependency_overrides", None) if provider else None

    cast_item = call_model._cast_response if call_model.cast else None

    if call_model.is_async and call_model.is_generator:

        async def injected_agen(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            async with AsyncExitStack() as stack:
                items = await call_model.asolve(
                    *args, stack=stack, dependency_overrides=overrides(), cache_dependencies={}, nested=False, **kwargs
                )
                async for item in items:
                    yield cast_item(item) if cast_item is not None else item

        wrapper: Callable[..., Any] = injected_agen
    elif call_model.is_async:

        async def injected_async(*args: Any, **kwargs: Any) -> Any:
            async with AsyncExitStack() as stack:
                return await call_model.asolve(
                    *args, stack=stack, dependency_overrides=overrides(), cache_dependencies={}, nested=False, **kwargs
                )

        wrapper = injected_async
    elif call_model.is_generator:

        def injected_gen(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with ExitStack() as stack:
                items = call_model.solve(
                    *args, stack=stack, dependency_overrides=overrides(), cache_dependencies={}, nested=False, **kwargs
                )
                if cast_item is None:
                    return (yield from items)
                for item in items:
                    yield cast_item(item)
                return None

        wrapper = injected_gen
    else:

        def injected(*args: Any, **kwargs: Any) -> Any:
            with ExitStack() as stack:
                return call_model.solve(
                    *args, stack=stack, dependency_overrides=overrides(), cache_dependencies={}, nested=False, **kwargs
                )

        wrapper = injected
    return wraps(func)(wrapper)
