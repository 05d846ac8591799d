"""`ContextVariables`: the shared, serialisable state of a group of agents."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["ContextVariables"]


class ContextVariables:
    """A dict-like store of named values shared by the agents of a chat.

    Iterating yields ``(key, value)`` pairs, as the original does; use ``keys()`` for names.
    """

    __slots__ = ("data",)

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        self.data: dict[str, Any] = dict(data or {})
        self.data.update(kwargs)

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

    def model_dump(self, **_: Any) -> dict[str, Any]:
        """Pydantic-style dump (``{"data": {...}}``), as the original pydantic model gives."""
        return {"data": dict(self.data)}

    def model_dump_json(self, **_: Any) -> str:
        """Pydantic-style JSON dump."""
        return json.dumps(self.model_dump())

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
            return self.data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"ContextVariables(data={self.data!r})"

    # pydantic support, so events and results can carry context variables
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            lambda v: v if isinstance(v, ContextVariables) else ContextVariables(v or {}),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.to_dict()),
        )


_MISSING = object()
