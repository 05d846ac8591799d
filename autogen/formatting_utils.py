"""``colored``: terminal colours for printed text (termcolor, imported on first use; plain text when it is
missing or ``NO_COLOR`` is set)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["colored"]


def colored(
    text: object,
    color: str | None = None,
    on_color: str | None = None,
    attrs: Iterable[str] | None = None,
    *,
    no_color: bool | None = None,
    force_color: bool | None = None,
) -> str:
    """``text`` with ANSI colour codes (termcolor's signature)."""
    try:
        from termcolor import colored as _termcolor
    except ImportError:
        return str(text)
    kwargs: dict[str, Any] = {}
    if no_color is not None:
        kwargs["no_color"] = no_color
    if force_color is not None:
        kwargs["force_color"] = force_color
    return _termcolor(text, color, on_color, attrs, **kwargs)
