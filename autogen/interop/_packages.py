"""Whether a converter's framework package is installed (``get_unsupported_reason`` of each converter)."""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["unsupported_reason"]


def unsupported_reason(module: str, extra: str) -> str | None:
    """None when ``module`` is installed, else the sentence telling which ag2 extra brings it."""
    if module in sys.modules:  # already imported (None: its import is blocked)
        found = sys.modules[module] is not None
    else:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a parent package that is missing or broken
            found = False
    if found:
        return None
    return f"Please install `{extra}` extra to use this module:\n\n\tpip install ag2[{extra}]"
