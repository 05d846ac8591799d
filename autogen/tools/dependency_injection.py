"""Values a tool receives from the framework instead of from the model.

A tool parameter is *injected* (and hidden from the schema the model sees) when it is annotated
with a `BaseContext` subclass (for example `ChatContext`), when it carries `Depends(...)` (as the
default or inside `Annotated`), or when it is the group-chat `context_variables` parameter.
This is the documented way to hand secrets, accounts or live chat state to a tool.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

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


class Depends:
    """Marks a tool parameter as provided by the framework rather than by the model.

    ``Depends(provider)`` calls ``provider()`` for every tool call (its own parameters may again be
    ``Depends(...)``, or take a tool argument of the same name); ``Depends(context)`` with a
    `BaseContext` instance injects that instance as is. Use ``Depends(on(value))`` for a constant.
    Forms: ``p: Annotated[T, Depends(...)]`` or ``p: T = Depends(...)``.
    """

    __slots__ = ("dependency", "use_cache")

    def __init__(self, dependency: Any = _NOT_GIVEN, *, use_cache: bool = True, x: Any = _NOT_GIVEN) -> None:
        # `x` is ag2's name of the argument (Depends(x=provider)); `dependency` is fast-depends'
        if (dependency is _NOT_GIVEN) == (x is _NOT_GIVEN):
            raise TypeError(
                "Depends() takes one provider (or BaseContext instance): Depends(provider) or Depends(x=provider)"
            )
        if dependency is _NOT_GIVEN:
            dependency = x
        if isinstance(dependency, Depends):  # Depends(Depends(x)) means Depends(x)
            dependency = dependency.dependency
        if not isinstance(dependency, BaseContext) and not callable(dependency):
            raise TypeError(
                f"Depends() needs a provider callable or a BaseContext instance, got {type(dependency).__name__}; "
                "wrap a constant value as Depends(on(value))."
            )
        self.dependency = dependency
        # kept for API compatibility with fast-depends; each provider runs once per call anyway
        self.use_cache = use_cache

    @property
    def is_constant(self) -> bool:
        """True when the dependency is a context instance injected as is."""
        return isinstance(self.dependency, BaseContext)

    def __repr__(self) -> str:
        return f"Depends({getattr(self.dependency, '__name__', self.dependency)!r})"


def on(x: T) -> Callable[[], T]:
    """Return a provider that always yields ``x``: ``Depends(on(account))`` injects ``account``."""

    def provide() -> T:
        return x

    provide.__name__ = f"on({type(x).__name__})"
    return provide


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


def _string_metadata_to_description_field(func: Callable[..., Any]) -> Callable[..., Any]:
    """ag2's step that turned ``Annotated[T, "text"]`` metadata into ``Field(description="text")``.

    Here string metadata is read as the description directly, so ``func`` is returned unchanged
    (its annotations, which may be shared typing objects, are never rewritten).
    """
    return func


def inject_params(f: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``f`` so that its Depends/context parameters are filled in and hidden from its signature."""
    from ._function_spec import FunctionSpec

    return FunctionSpec.of(f).injected_callable()
