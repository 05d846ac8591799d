"""Deprecated aliases: ``BaseMessage`` is ``BaseEvent``; ``wrap_message`` wraps classes named ``*Message``."""

import operator
from functools import reduce
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ..events.base_event import BaseEvent, _wrap

__all__ = ["BaseMessage", "get_annotated_type_for_message_classes", "get_message_classes", "wrap_message"]

BaseMessage = BaseEvent

_message_classes: dict[str, type[BaseModel]] = {}


def wrap_message(message_cls: type[BaseEvent]) -> type[BaseModel]:
    """Like ``wrap_event`` for classes whose name ends with ``Message`` (tag drops ``_message``)."""
    return _wrap(message_cls, "Message", _message_classes)


def get_message_classes() -> dict[str, type[BaseModel]]:
    """Return the classes registered with ``wrap_message`` by ``type`` tag."""
    return _message_classes


def get_annotated_type_for_message_classes() -> Any:
    """Discriminated union of the classes registered with ``wrap_message``."""
    classes = tuple(_message_classes.values())
    if len(classes) == 1:
        return classes[0]
    return Annotated[reduce(operator.or_, classes), Field(discriminator="type")]
