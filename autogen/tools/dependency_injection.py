"""Values a tool receives from the framework instead of from the model.

A tool parameter is *injected* (and hidden from the schema the model sees) when it is annotated
with a `BaseContext` subclass (for example `ChatContext`), when it carries `Depends(...)` (as the
default or inside `Annotated`), or when it is the group-chat `context_variables` parameter.
This is the documented way to hand secrets, accounts or live chat state to a tool.
"""

from __future__ import annotations

import functools
import inspect
import types
from abc import ABC
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_type_hints

from ..fast_depends.dependencies.model import Depends as FastDepends
from ..fast_depends.utils import is_coroutine_callable

if TYPE_CHECKING:
    from ..agentchat.agent import Agent

__all__ = [
    "BaseContext",
    "ChatContext",
    "Depends",
    "Field",
    "get_context_params",
    "inject_params",
    "on",
    "remove_params",
]

T = TypeVar("T")


class BaseContext(ABC):
    """Marker base class for values injected into tools (combine with pydantic BaseModel for data)."""


class ChatContext(BaseContext):
    """Read-only view of the executing agent's conversations, injected into tools that ask for it."""

    def __init__(self, agent: Agent | Any) -> None:
        """Wrap ``agent``; its messages are read live on each access."""
        self._agent = agent

    @property
    def agent(self) -> Any:
        """The agent executing the tool."""
        return self._agent

    @property
    def chat_messages(self) -> dict[Any, list[dict[str, Any]]]:
        """The agent's conversations: partner agent -> list of message dicts."""
        return self._agent.chat_messages

    @property
    def last_message(self) -> dict[str, Any] | None:
        """The last message of the agent's only conversation (None when there is none)."""
        last = getattr(self._agent, "last_message", None)
        if callable(last):
            return last()
        conversations = list(self.chat_messages.values())
        if not conversations:
            return None
        if len(conversations) > 1:
            raise ValueError(
                "The agent takes part in more than one conversation, so 'last_message' is ambiguous; "
                "read 'chat_messages[partner][-1]' instead."
            )
        return conversations[0][-1] if conversations[0] else None

    def __repr__(self) -> str:
        return f"ChatContext(agent={getattr(self._agent, 'name', self._agent)!r})"


_NOT_GIVEN: Any = object()


def Depends(dependency: Any = _NOT_GIVEN, *, use_cache: bool = True, cast: bool = True, x: Any = _NOT_GIVEN) -> Any:
    """Mark a tool parameter as provided by the framework rather than by the model.

    ``Depends(provider)`` calls ``provider()`` for every tool call (its own parameters may again be
    ``Depends(...)``, or take a tool argument of the same name); ``Depends(context)`` with a
    `BaseContext` instance injects that instance as is. Use ``Depends(on(value))`` for a constant.
    Forms: ``p: Annotated[T, Depends(...)]`` or ``p: T = Depends(...)``. The marker is
    `autogen.fast_depends`' ``Depends``, which also resolves it.
    """
    # `x` is ag2's name of the argument (Depends(x=provider)); `dependency` is fast-depends'
    if (dependency is _NOT_GIVEN) == (x is _NOT_GIVEN):
        raise TypeError(
            "Depends() takes one provider (or BaseContext instance): Depends(provider) or Depends(x=provider)"
        )
    if dependency is _NOT_GIVEN:
        dependency = x
    if isinstance(dependency, FastDepends):  # Depends(Depends(x)) means Depends(x)
        return dependency
    if isinstance(dependency, BaseContext):
        dependency = on(dependency)
    elif not callable(dependency):
        raise TypeError(
            f"Depends() needs a provider callable or a BaseContext instance, got {type(dependency).__name__}; "
            "wrap a constant value as Depends(on(value))."
        )
    return FastDepends(dependency, use_cache=use_cache, cast=cast)


def on(x: T) -> Callable[[], T]:
    """Return a provider that always yields ``x``: ``Depends(on(account))`` injects ``account``."""

    def provide() -> T:
        return x

    provide.__name__ = f"on({type(x).__name__})"
    provide.__ag2_constant__ = (x,)  # type: ignore[attr-defined] # tools inject it without a call
    return provide


def constant_of(dependency: Any) -> tuple[Any] | None:
    """``(value,)`` when ``dependency`` is an `on(value)` provider, else None."""
    return getattr(dependency, "__ag2_constant__", None)


class Field:
    """Description of a tool parameter for the model: ``Annotated[str, Field(description="...")]``."""

    __slots__ = ("_description",)

    def __init__(self, description: str) -> None:
        self._description = description

    @property
    def description(self) -> str:
        """The text shown to the model for this parameter."""
        return self._description

    def __repr__(self) -> str:
        return f"Field(description={self._description!r})"


def get_context_params(func: Callable[..., Any], subclass: type[BaseContext] = BaseContext) -> list[str]:
    """Names of ``func``'s parameters annotated with ``subclass`` (e.g. ChatContext), in order."""
    from ._function_spec import FunctionSpec

    return FunctionSpec.of(func).context_param_names(subclass)


# ---- ag2's private helpers, kept for code (and tests) that import them --------------------------


def _is_context_param(param: inspect.Parameter, subclass: type[BaseContext] = BaseContext) -> bool:
    """True when ``param`` is annotated with ``subclass`` (directly or as the first argument of
    ``Annotated[...]``/``Optional[...]``)."""
    annotation = param.annotation
    args = getattr(annotation, "__args__", None)
    if args:
        annotation = args[0]
    try:
        return isinstance(annotation, type) and issubclass(annotation, subclass)
    except TypeError:  # a class that refuses issubclass checks
        return False


def _is_depends_param(param: inspect.Parameter) -> bool:
    """True when ``param`` carries a ``Depends`` (as its default or as its first ``Annotated`` metadata)."""
    if isinstance(param.default, FastDepends):
        return True
    metadata = getattr(param.annotation, "__metadata__", None)
    return isinstance(metadata, tuple) and bool(metadata) and isinstance(metadata[0], FastDepends)


def _fix_staticmethod(f: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function calling a staticmethod's function (a staticmethod object is not a function)."""
    if not isinstance(f, staticmethod):
        return f
    inner = f.__func__

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return inner(*args, **kwargs)

    return wrapper


def _with_signature(f: Callable[..., Any], signature: inspect.Signature) -> Callable[..., Any]:
    """A wrapper of ``f`` (async when ``f`` is) that reports ``signature``; ``f`` itself is left alone."""
    if is_coroutine_callable(f):

        @functools.wraps(f)
        async def a_wrapper(*args: Any, **kwargs: Any) -> Any:
            return await f(*args, **kwargs)

        wrapper: Callable[..., Any] = a_wrapper
    else:

        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return f(*args, **kwargs)

    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    return wrapper


def remove_params(func: Callable[..., Any], sig: inspect.Signature, params: Iterable[str]) -> None:
    """Set ``func``'s reported signature to ``sig`` without ``params``."""
    drop = set(params)
    func.__signature__ = sig.replace(parameters=[p for p in sig.parameters.values() if p.name not in drop])  # type: ignore[attr-defined]


def _remove_injected_params_from_signature(func: Callable[..., Any]) -> Callable[..., Any]:
    """A wrapper of ``func`` whose signature leaves out its context and ``Depends`` parameters."""
    func = _fix_staticmethod(func)
    try:  # string annotations (``from __future__ import annotations``) must be read as types here
        sig = inspect.signature(func, eval_str=True)
    except Exception:  # noqa: BLE001 - a name only known later: judge by the text as written
        sig = inspect.signature(func)
    kept = [p for p in sig.parameters.values() if not (_is_context_param(p) or _is_depends_param(p))]
    return _with_signature(func, sig.replace(parameters=kept))


def _set_return_annotation_to_any(f: Callable[..., Any]) -> Callable[..., Any]:
    """A wrapper of ``f`` whose signature's return annotation is ``Any``."""
    return _with_signature(f, inspect.signature(f).replace(return_annotation=Any))


def _string_metadata_to_description_field(func: Callable[..., Any]) -> Callable[..., Any]:
    """A copy of ``func`` whose ``Annotated[T, "text"]`` hints read ``Annotated[T, Field(description="text")]``.

    ag2 rewrote the hints in place; typing caches ``Annotated`` objects, so here new ones are built on
    a copy of the function and ``func`` is left alone. (Tools read string metadata directly.)
    """
    hints = get_type_hints(func, include_extras=True)
    changed: dict[str, Any] = {}
    for name, hint in hints.items():
        described = _described(hint)
        if described is not hint:
            changed[name] = described
    if not changed or not isinstance(func, types.FunctionType):
        return func
    copy = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__, func.__closure__)
    copy.__kwdefaults__ = func.__kwdefaults__
    copy.__dict__.update(func.__dict__)
    copy.__qualname__ = func.__qualname__
    copy.__doc__ = func.__doc__
    copy.__module__ = func.__module__
    copy.__annotations__ = {**hints, **changed}
    return copy


def _described(hint: Any) -> Any:
    """``hint`` with leading string metadata turned into a `Field` (also inside ``Optional[...]``)."""
    metadata = getattr(hint, "__metadata__", None)
    if metadata and isinstance(metadata[0], str):
        return Annotated[(hint.__origin__, Field(description=metadata[0]), *metadata[1:])]
    args = get_args(hint)
    if metadata is None and args and getattr(args[0], "__metadata__", None):
        first = _described(args[0])
        if first is not args[0]:
            return Union[(first, *args[1:])]
    return hint


def inject_params(f: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``f`` so that its Depends/context parameters are filled in and hidden from its signature."""
    from ._function_spec import FunctionSpec

    return FunctionSpec.of(f).injected_callable()
