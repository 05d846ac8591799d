"""``PrintEvent``: plain text printed through an IO stream (what ``IOStream.print`` sends)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from .base_event import BaseEvent, wrap_event

__all__ = ["PrintEvent"]


@wrap_event
class PrintEvent(BaseEvent):
    """Objects to print, already turned into strings, with the separator and line end to use."""

    objects: list[str]
    sep: str = " "
    end: str = "\n"

    def __init__(
        self,
        *objects: Any,
        sep: str = " ",
        end: str = "\n",
        flush: bool = False,
        uuid: UUID | None = None,
        **fields: Any,
    ) -> None:
        # The serialised form carries `objects=[...]`; the call form passes them positionally.
        if not objects and "objects" in fields:
            objects = tuple(fields.pop("objects"))
        super().__init__(uuid=uuid, objects=[str(o) for o in objects], sep=sep, end=end, **fields)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the objects like the built-in ``print`` (always flushed)."""
        f = f or print
        f(*self.objects, sep=self.sep, end=self.end, flush=True)
