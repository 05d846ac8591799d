"""Contributed tools (``autogen.tools.contrib``)."""

from .time import TimeTool

__all__ = ["TimeTool"]
