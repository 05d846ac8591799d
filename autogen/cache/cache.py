"""``Cache``: the user-facing cache object (``autogen.Cache``)."""

from __future__ import annotations

import contextvars
import os
from types import TracebackType
from typing import Any, ClassVar

from .abstract_cache_base import AbstractCache
from .cache_factory import CacheFactory

__all__ = ["Cache"]

# The cache of the innermost active ``with Cache...:`` block; agents use it when given no cache.
_current_cache: contextvars.ContextVar[Cache | None] = contextvars.ContextVar("autogen_current_cache", default=None)


class Cache(AbstractCache):
    """A cache of model responses with a chosen backend (disk, Redis or memory).

    Build one with ``Cache.disk()``, ``Cache.redis(...)``, ``Cache.in_memory()`` or ``Cache(config)``.
    Use it as a context manager: ``with Cache.disk() as cache:`` gives the backend object, makes this
    cache the ambient current cache (see :meth:`get_current_cache`) and closes it on exit.
    """

    ALLOWED_CONFIG_KEYS: ClassVar[list[str]] = ["cache_seed", "redis_url", "cache_path_root", "cosmos_db_config"]

    def __init__(self, config: dict[str, Any]):
        """Build the backend described by ``config``.

        Allowed keys: ``cache_seed`` (default 42, stored as str), ``redis_url``, ``cache_path_root``
        (default ".cache") and ``cosmos_db_config`` (not supported here). Any other key is a ValueError.
        """
        if not isinstance(config, dict):
            raise TypeError(f"Cache(config) expects a dict, got {type(config).__name__}.")
        unknown = [k for k in config if k not in self.ALLOWED_CONFIG_KEYS]
        if unknown:
            raise ValueError(
                f"Invalid config key(s) for Cache: {', '.join(map(repr, unknown))}. "
                f"Allowed keys: {', '.join(self.ALLOWED_CONFIG_KEYS)}."
            )
        self.config: dict[str, Any] = dict(config)
        self.config["cache_seed"] = str(self.config.get("cache_seed", 42))
        self.cache: AbstractCache = CacheFactory.cache_factory(
            seed=self.config["cache_seed"],
            redis_url=self.config.get("redis_url"),
            cache_path_root=self.config.get("cache_path_root") or ".cache",
            cosmosdb_config=self.config.get("cosmos_db_config"),
        )
        self._tokens: list[contextvars.Token[Cache | None]] = []

    # -- constructors ----------------------------------------------------------------------

    @staticmethod
    def disk(cache_seed: str | int = 42, cache_path_root: str | os.PathLike[str] = ".cache") -> Cache:
        """A persistent cache in ``<cache_path_root>/<cache_seed>/cache.db`` (safe across processes)."""
        return Cache({"cache_seed": cache_seed, "cache_path_root": cache_path_root})

    @staticmethod
    def redis(cache_seed: str | int = 42, redis_url: str = "redis://localhost:6379/0") -> Cache:
        """A cache on the Redis server at ``redis_url`` (needs the ``redis`` package)."""
        return Cache({"cache_seed": cache_seed, "redis_url": redis_url})

    @staticmethod
    def in_memory(cache_seed: str | int = 42) -> Cache:
        """A cache that lives in this process only (not in the original library)."""
        from .in_memory_cache import InMemoryCache

        cache = Cache.__new__(Cache)
        cache.config = {"cache_seed": str(cache_seed)}
        cache.cache = InMemoryCache(str(cache_seed))
        cache._tokens = []
        return cache

    @staticmethod
    def cosmos_db(
        connection_string: str | None = None,
        container_id: str | None = None,
        cache_seed: str | int = 42,
        client: Any | None = None,
    ) -> Cache:
        """Not supported in this implementation: always raises an ImportError saying so."""
        config = {
            "connection_string": connection_string,
            "database_id": "autogen_cache",
            "container_id": container_id,
            "client": client,
        }
        return Cache({"cache_seed": str(cache_seed), "cosmos_db_config": config})

    # -- ambient cache ---------------------------------------------------------------------

    @staticmethod
    def get_current_cache(cache: AbstractCache | None = None) -> AbstractCache | None:
        """Return ``cache`` if given, else the cache of the innermost active ``with`` block (or None)."""
        if cache is not None:
            return cache
        return _current_cache.get()

    # -- operations ------------------------------------------------------------------------

    def get(self, key: str, default: Any | None = None) -> Any | None:
        """Return the value stored under ``key``, or ``default``."""
        return self.cache.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``."""
        self.cache.set(key, value)

    def close(self) -> None:
        """Release the backend's resources."""
        self.cache.close()

    def __enter__(self) -> Any:
        """Make this the current cache and return the backend object."""
        backend = self.cache.__enter__()
        self._tokens.append(_current_cache.set(self))
        return backend

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Restore the previous current cache and close the backend."""
        if self._tokens:
            token = self._tokens.pop()
            try:
                _current_cache.reset(token)
            except ValueError:
                # Exited in another context than entered (e.g. another task): just clear ours.
                if _current_cache.get() is self:
                    _current_cache.set(None)
        self.cache.__exit__(exc_type, exc_value, traceback)

    def __repr__(self) -> str:
        return f"Cache({self.cache!r})"
