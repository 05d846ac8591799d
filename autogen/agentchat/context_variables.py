"""`ContextVariables`: the shared, serialisable state of a group of agents."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, Field, model_validator

from .._effects import track_state

__all__ = ["ContextVariables"]

_SETATTR = object.__setattr__


class ContextVariables(BaseModel):
    """A dict-like store of named values shared by the agents of a chat.

    A pydantic model with one field, ``data`` (``model_dump()`` gives ``{"data": {...}}``), used
    like a dict. Iterating yields ``(key, value)`` pairs, as the original does; use ``keys()`` for names.
    """

    data: dict[str, Any] = Field(default_factory=dict)

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        if data is not None and not isinstance(data, Mapping):
            super().__init__(data=data)  # not a mapping: pydantic's ValidationError says so
            return
        # Every agent builds one: skip pydantic's validation of a plain mapping (what
        # `model_construct` does, without its per-call field bookkeeping).
        values = dict(data) if data else {}
        if kwargs:
            values.update(kwargs)
        _SETATTR(self, "__dict__", {"data": values})
        _SETATTR(self, "__pydantic_fields_set__", {"data"})
        _SETATTR(self, "__pydantic_extra__", None)
        _SETATTR(self, "__pydantic_private__", None)
        track_state(self)  # a durable chat records what its tools change here

    @model_validator(mode="before")
    @classmethod
    def _values_or_dump(cls, value: Any) -> Any:
        """Validating from a mapping: its dump form ``{"data": {...}}``, or else the values themselves."""
        if isinstance(value, Mapping) and set(value) != {"data"}:
            return {"data": dict(value)}
        return value

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Set ``key`` to ``value``."""
        self.data[key] = value

    def update(self, other: Mapping[str, Any] | ContextVariables | None = None, **kwargs: Any) -> None:
        """Set several values at once."""
        if isinstance(other, ContextVariables):
            other = other.data
        if other:
            self.data.update(other)
        self.data.update(kwargs)

    def remove(self, key: str) -> bool:
        """Delete ``key``; True when it was present."""
        return self.data.pop(key, _MISSING) is not _MISSING

    def keys(self) -> Iterable[str]:
        return self.data.keys()

    def values(self) -> Iterable[Any]:
        return self.data.values()

    def items(self) -> Iterable[tuple[str, Any]]:
        return self.data.items()

    def clear(self) -> None:
        self.data.clear()

    def contains(self, key: str) -> bool:
        return key in self.data

    def copy(self) -> ContextVariables:
        return ContextVariables(dict(self.data))

    def to_dict(self) -> dict[str, Any]:
        """A shallow copy of the values as a plain dict."""
        return dict(self.data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContextVariables:
        return cls(data)

    def to_json(self) -> str:
        """The values as JSON (values must be JSON-serialisable)."""
        return json.dumps(self.data)

    @classmethod
    def from_json(cls, text: str) -> ContextVariables:
        return cls(json.loads(text))

    def __getitem__(self, key: str) -> Any:
        try:
            return self.data[key]
        except KeyError:
            raise KeyError(f"Context variable '{key}' not found") from None

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value

    def __delitem__(self, key: str) -> None:
        try:
            del self.data[key]
        except KeyError:
            raise KeyError(f"Cannot delete non-existent context variable '{key}'") from None

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(list(self.data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ContextVariables):
            return self.data == other.data
        if isinstance(other, Mapping):
            # a plain dict of the values, or this model's dump form (e.g. an event read back from JSON)
            return self.data == dict(other) or (set(other) == {"data"} and self.data == other["data"])
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"ContextVariables(data={self.data!r})"

    __str__ = __repr__


_MISSING = object()
