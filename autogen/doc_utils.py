"""Documentation helpers: record the public module a class or function is documented under.

``@export_module("autogen")`` on a class defined in ``autogen.agentchat.conversable_agent`` tells the API
docs generator to list it under ``autogen``. The decorator returns the object unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["export_module"]

T = TypeVar("T")

# "<defining module>.<name>" -> module the docs should show it under
_PDOC_MODULE_EXPORT_MAPPINGS: dict[str, str] = {}


def _qualified_name(obj: object) -> str | None:
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__name__", None)
    if not module or not name:
        return None
    return f"{module}.{name}"


def export_module(module: str) -> Callable[[T], T]:
    """Decorator: document the decorated class or function under ``module``."""

    def decorator(obj: T) -> T:
        fqn = _qualified_name(obj)
        if fqn is not None:
            _PDOC_MODULE_EXPORT_MAPPINGS[fqn] = module
        return obj

    return decorator


def get_target_module(obj: object) -> str | None:
    """The module ``obj`` was exported to with :func:`export_module`, or ``None``."""
    fqn = _qualified_name(obj)
    return None if fqn is None else _PDOC_MODULE_EXPORT_MAPPINGS.get(fqn)
