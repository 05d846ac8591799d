"""The event base class and the ``wrap_event`` decorator that gives every event a ``type`` tag.

An event class is written as a plain pydantic model with the event's fields. ``@wrap_event`` turns
it into the public class: a model with two fields, ``type`` (a literal derived from the class name,
``TextEvent`` -> ``"text"``) and ``content`` (the original model). The public class is built with
the inner fields as keywords, so ``TextEvent(content="hi", sender="a", recipient="b")`` works, and
its JSON is ``{"type": "text", "content": {...}}`` - which a discriminated union can parse back.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, create_model, field_validator

from ._fast_build import fill_wrapper as _fill
from ._fast_build import new_blank as _new_object
from ._fast_build import new_event_uuid

__all__ = [
    "AgentName",
    "BaseEvent",
    "get_annotated_type_for_event_classes",
    "get_event_classes",
    "resolve_print_callable",
    "wrap_event",
]


def agent_name(value: Any) -> Any:
    """Return the name of an agent-like object (anything with a str ``.name``); strings pass through."""
    if value is None or isinstance(value, str):
        return value
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name
    raise ValueError(f"expected an agent (an object with a str `.name`) or an agent name, got {type(value).__name__}")


# A field that accepts an agent or its name and stores the name, keeping events serialisable.
AgentName = Annotated[str, BeforeValidator(agent_name)]


class BaseEvent(BaseModel):
    """Base of every event; each instance gets a fresh ``uuid`` unless one is given."""

    uuid: UUID = Field(default_factory=new_event_uuid)

    @field_validator("uuid", mode="before")
    @classmethod
    def _fresh_uuid_for_none(cls, value: Any) -> Any:
        return new_event_uuid() if value is None else value

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Show the event with ``f`` (default: the built-in ``print``). Silent by default."""


def resolve_print_callable(f: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """The function an event prints with: ``f`` when given, else the built-in ``print``."""
    return f or print


def _snake_case(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


class _EventWrapper(BaseModel):
    """Behaviour shared by every public (wrapped) event class."""

    def __init__(self, *args: Any, **data: Any) -> None:
        cls = type(self)
        inner_cls = cls.content_model  # type: ignore[attr-defined]
        if not args and self._is_wrapped_form(data, inner_cls):
            super().__init__(**data)
            return
        data.pop("type", None)
        _fill(self, inner_cls(*args, **data) if args else inner_cls.__pydantic_validator__.validate_python(data))

    @classmethod
    def _from_fields(cls, fields: dict[str, Any]) -> Any:
        """``cls(**fields)`` for autogen's own emitters, without the constructor's keyword handling."""
        event = _new_object(cls)
        _fill(event, cls.content_model.__pydantic_validator__.validate_python(fields))  # type: ignore[attr-defined]
        return event

    @staticmethod
    def _is_wrapped_form(data: dict[str, Any], inner_cls: Any) -> bool:
        # {"type": ..., "content": ...} is the serialised form; a lone already-built inner event also counts.
        if len(data) == 2:
            return "type" in data and "content" in data
        return len(data) == 1 and isinstance(data.get("content"), inner_cls)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Show the event with ``f`` (default: the built-in ``print``)."""
        self.content.print(f)  # type: ignore[attr-defined]


_event_classes: dict[str, type[BaseModel]] = {}


def _wrap(event_cls: type[BaseModel], suffix: str, registry: dict[str, type[BaseModel]]) -> type[BaseModel]:
    name = event_cls.__name__
    if not name.endswith(suffix) or name == suffix:
        raise ValueError(f"{name}: a wrapped class name must end with {suffix!r} (e.g. 'My{suffix}')")
    type_name = _snake_case(name)[: -len(suffix) - 1]
    wrapper = create_model(  # type: ignore[call-overload]
        name,
        __base__=_EventWrapper,
        __module__=event_cls.__module__,
        __doc__=event_cls.__doc__,
        type=(Literal[type_name], type_name),
        content=(event_cls, ...),
    )
    wrapper.__qualname__ = event_cls.__qualname__
    # The inner model stays reachable as `<Wrapper>.content_model`, which is also where pickle looks for it.
    wrapper.content_model = event_cls
    wrapper._type_tag = type_name
    event_cls.__qualname__ = f"{event_cls.__qualname__}.content_model"
    registry[type_name] = wrapper
    return wrapper


def wrap_event(event_cls: type[BaseEvent]) -> type[BaseModel]:
    """Class decorator: make ``event_cls`` the ``content`` of a public class tagged with its type.

    The class name must end with ``Event``; the tag is the snake_case name without ``_event``.
    """
    return _wrap(event_cls, "Event", _event_classes)


def get_event_classes() -> dict[str, type[BaseModel]]:
    """Return the registered public event classes by ``type`` tag."""
    return _event_classes


def get_annotated_type_for_event_classes() -> Any:
    """Return a union of the event classes registered so far, discriminated on ``type``.

    A class is registered when the module defining it is imported; ``autogen.events`` has the same
    function that first imports the built-in event modules (the usual entry point, for parsing JSON).
    """
    classes = tuple(_event_classes.values())
    if len(classes) == 1:
        return classes[0]
    return Annotated[reduce(operator.or_, classes), Field(discriminator="type")]
