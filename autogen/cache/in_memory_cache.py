"""A process-local cache kept in a dict (useful for tests and short scripts)."""

from __future__ import annotations

import threading
from typing import Any

from .abstract_cache_base import CloseOnExitMixin

__all__ = ["InMemoryCache"]


class InMemoryCache(CloseOnExitMixin):
    """A thread-safe dict-backed cache, namespaced by ``seed``.

    Values are stored as given (not copied), so mutating a returned object changes the cached one.
    The data lives as long as the object; ``close`` keeps it (there is nothing to release).
    """

    def __init__(self, seed: str | int = ""):
        self._prefix = str(seed)
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _prefixed_key(self, key: str) -> str:
        return f"{self._prefix}_{key}" if self._prefix else str(key)

    def get(self, key: str, default: Any | None = None) -> Any | None:
        """Return the value stored under ``key``, or ``default``."""
        with self._lock:
            return self._cache.get(self._prefixed_key(key), default)

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``."""
        with self._lock:
            self._cache[self._prefixed_key(key)] = value

    def close(self) -> None:
        """Nothing to release; kept for the cache protocol."""
