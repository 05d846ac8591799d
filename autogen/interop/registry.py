"""The process-wide registry of tool converters, keyed by a short name ("langchain", "crewai", ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .interoperable import Interoperable

__all__ = ["InteroperableRegistry", "register_interoperable_class"]

InteroperableClass = TypeVar("InteroperableClass", bound=type[Interoperable])


class InteroperableRegistry:
    """Converter classes by short name; one instance serves the process (:meth:`get_instance`)."""

    def __init__(self) -> None:
        self._registry: dict[str, type[Interoperable]] = {}

    def register(self, short_name: str, cls: InteroperableClass) -> InteroperableClass:
        """Add ``cls`` under ``short_name`` (ValueError when the name is taken) and return it."""
        if short_name in self._registry:
            raise ValueError(f"Duplicate registration for {short_name}")
        self._registry[short_name] = cls
        return cls

    def get_short_names(self) -> list[str]:
        """Every registered name, sorted, usable here or not."""
        return sorted(self._registry)

    def get_supported_types(self) -> list[str]:
        """The sorted names whose converter can run here (its packages are installed)."""
        return [name for name in self.get_short_names() if self._registry[name].get_unsupported_reason() is None]

    def get_class(self, short_name: str) -> type[Interoperable]:
        """The converter registered under ``short_name`` (KeyError when there is none)."""
        return self._registry[short_name]

    @classmethod
    def get_instance(cls) -> InteroperableRegistry:
        """The registry that :func:`register_interoperable_class` fills."""
        return _registry


_registry = InteroperableRegistry()


def register_interoperable_class(short_name: str) -> Callable[[InteroperableClass], InteroperableClass]:
    """Class decorator: register a converter in the global registry under ``short_name``.

    Example::

        @register_interoperable_class("mytools")
        class MyInteroperability:
            @classmethod
            def convert_tool(cls, tool: Any, **kwargs: Any) -> Tool: ...

            @classmethod
            def get_unsupported_reason(cls) -> str | None:
                return None
    """

    def decorator(cls: InteroperableClass) -> InteroperableClass:
        return _registry.register(short_name, cls)

    return decorator
