"""The console stream: events are printed to stdout, input is read with ``input()``/``getpass``.

Imported by ``import autogen``; the event classes (pydantic) are imported only when first used.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

from .base import IOStream

if TYPE_CHECKING:
    from ..events.base_event import BaseEvent

__all__ = ["IOConsole"]


class IOConsole(IOStream):
    """Print events to the terminal and read human input from it."""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Wrap ``objects`` in a ``PrintEvent`` and send it."""
        from ..events.print_event import PrintEvent

        self.send(PrintEvent(*objects, sep=sep, end=end, flush=flush))

    def send(self, event: BaseEvent) -> None:
        """Print ``event`` with its own ``print`` method (plain objects are printed as-is)."""
        show = getattr(event, "print", None)
        if callable(show):
            show()
        else:
            print(event, flush=True)

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        """Read one line from the terminal; with ``password=True`` the typing is not echoed."""
        if password:
            return getpass.getpass(prompt if prompt != "" else "Password: ")
        return input(prompt)
