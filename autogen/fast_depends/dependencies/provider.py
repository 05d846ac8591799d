"""Overriding dependencies (for tests): ``dependency_provider.override(real, fake)``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Provider", "dependency_provider"]


class Provider:
    """A registry mapping dependencies to their replacements, read by ``inject`` on each call."""

    dependency_overrides: dict[Callable[..., Any], Callable[..., Any]]

    def __init__(self) -> None:
        self.dependency_overrides = {}

    def clear(self) -> None:
        """Drop every override."""
        self.dependency_overrides = {}

    def override(self, original: Callable[..., Any], override: Callable[..., Any]) -> None:
        """Call ``override`` wherever ``original`` is a dependency."""
        self.dependency_overrides[original] = override

    @contextmanager
    def scope(self, original: Callable[..., Any], override: Callable[..., Any]) -> Iterator[None]:
        """Override ``original`` inside a ``with`` block only."""
        self.dependency_overrides[original] = override
        try:
            yield
        finally:
            self.dependency_overrides.pop(original, None)


dependency_provider = Provider()
