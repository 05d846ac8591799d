"""Deprecated alias: ``PrintMessage`` is ``autogen.events.print_event.PrintEvent``."""

from ..events.print_event import PrintEvent as PrintMessage

__all__ = ["PrintMessage"]
