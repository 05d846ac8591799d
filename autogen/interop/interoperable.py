"""The protocol every tool converter of ``autogen.interop`` follows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..tools import Tool

__all__ = ["Interoperable"]


@runtime_checkable
class Interoperable(Protocol):
    """Turns a tool of another framework into an ag2 :class:`~autogen.tools.Tool`."""

    @classmethod
    def convert_tool(cls, tool: Any, **kwargs: Any) -> Tool:
        """The ag2 ``Tool`` that runs ``tool``; ``kwargs`` are converter specific options."""
        ...

    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        """Why this converter cannot be used here (a missing package, say), or None when it can."""
        ...
