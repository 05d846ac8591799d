"""``Depends``: marks a parameter as computed by another callable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Depends"]


class Depends:
    """A parameter computed by ``dependency`` (called with the same arguments) on each call.

    ``use_cache``: within one call, a dependency used twice runs once. ``cast``: validate its
    inputs and output against its annotations.
    """

    __slots__ = ("cast", "dependency", "use_cache")

    def __init__(self, dependency: Callable[..., Any], *, use_cache: bool = True, cast: bool = True) -> None:
        self.dependency = dependency
        self.use_cache = use_cache
        self.cast = cast

    def __repr__(self) -> str:
        name = getattr(self.dependency, "__name__", type(self.dependency).__name__)
        return f"{type(self).__name__}({name}{'' if self.use_cache else ', use_cache=False'})"
