"""Interoperability: convert a tool of another framework by the name of its converter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .interoperable import Interoperable
from .registry import InteroperableRegistry

if TYPE_CHECKING:
    from ..tools import Tool

__all__ = ["Interoperability"]


class Interoperability:
    """Front door to the registered converters (``Interoperability.convert_tool(tool=t, type="langchain")``)."""

    registry = InteroperableRegistry.get_instance()

    @classmethod
    def convert_tool(cls, *, tool: Any, type: str, **kwargs: Any) -> Tool:
        """Convert ``tool`` with the converter registered as ``type``; ``kwargs`` go to that converter."""
        return cls.get_interoperability_class(type).convert_tool(tool, **kwargs)

    @classmethod
    def get_interoperability_class(cls, type: str) -> type[Interoperable]:
        """The converter registered as ``type``; ValueError listing the usable types when it is not one."""
        supported = cls.registry.get_supported_types()
        if type not in supported:
            listed = ", ".join(f"'{name}'" for name in supported)
            message = f"Interoperability class {type} is not supported, supported types: {listed}"
            if type in cls.registry.get_short_names():  # registered, but its packages are missing
                message += f". {cls.registry.get_class(type).get_unsupported_reason()}"
            raise ValueError(message)
        return cls.registry.get_class(type)

    @classmethod
    def get_supported_types(cls) -> list[str]:
        """The sorted names of the converters whose packages are installed."""
        return sorted(cls.registry.get_supported_types())
