"""A cache on a Redis server, shared by every process that uses the same URL and seed."""

from __future__ import annotations

import logging
import pickle
import re
from typing import Any

from ..import_utils import optional_import
from .abstract_cache_base import CloseOnExitMixin

# This module is imported only when a Redis cache is asked for, so redis loads then (ag2 code patches
# `autogen.cache.redis_cache.redis`); a missing package is reported, naming the extra, when a RedisCache is made.
try:
    import redis
except ImportError:
    redis = None  # type: ignore[assignment]

__all__ = ["RedisCache"]

logger = logging.getLogger(__name__)


def _safe_url(url: str) -> str:
    """The URL with any password masked, for error messages."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


class RedisCache(CloseOnExitMixin):
    """Cache entries stored as pickled values under keys ``autogen:<seed>:<key>``.

    The server is contacted at construction so that a wrong URL fails early with a clear message.
    Afterwards a lost connection turns a read into a miss and a write into a skipped write, each
    with a warning, so a chat is not interrupted by the cache.

    Only point this at a Redis server you trust: values are unpickled when read.
    """

    def __init__(self, seed: str | int, redis_url: str):
        client_lib = optional_import("redis", "redis", feature="Cache.redis")
        self.seed = seed
        self.redis_url = redis_url
        self._errors: tuple[type[BaseException], ...] = (client_lib.exceptions.RedisError, OSError)
        try:
            self.cache = client_lib.Redis.from_url(redis_url)
            # fail in seconds, not after the system's TCP timeout, on a host that does not answer (unless the
            # URL sets its own timeout)
            self.cache.connection_pool.connection_kwargs.setdefault("socket_connect_timeout", 5)
            self.cache.ping()
        except (*self._errors, ValueError) as e:
            raise ConnectionError(
                f"Cannot reach the Redis server at {_safe_url(redis_url)}: {e}. Start the server or fix redis_url."
            ) from e

    def _prefixed_key(self, key: str) -> str:
        return f"autogen:{self.seed}:{key}"

    def get(self, key: str, default: Any | None = None) -> Any | None:
        """Return the value stored under ``key``, or ``default`` (also when it cannot be read)."""
        try:
            raw = self.cache.get(self._prefixed_key(key))
        except self._errors as e:
            logger.warning(
                "Redis cache at %s could not be read (%s); treating key %r as a miss.",
                _safe_url(self.redis_url),
                e,
                key,
            )
            return default
        if raw is None:
            return default
        try:
            return pickle.loads(raw)
        except Exception as e:  # noqa: BLE001 - damaged or foreign value (e.g. JSON written by another tool): a miss
            logger.warning("Redis cache holds an unreadable value for key %r (%s); treating it as a miss.", key, e)
            return default

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` (pickled) under ``key``; raises TypeError if it cannot be pickled."""
        try:
            data = pickle.dumps(value)
        except Exception as e:
            raise TypeError(f"Cannot store the value for cache key {key!r}: it cannot be pickled ({e}).") from e
        try:
            self.cache.set(self._prefixed_key(key), data)
        except self._errors as e:
            logger.warning(
                "Redis cache at %s could not store key %r (%s); the value was not cached.",
                _safe_url(self.redis_url),
                key,
                e,
            )

    def close(self) -> None:
        """Close the connection pool; the client reconnects if used again."""
        self.cache.close()

    def __repr__(self) -> str:
        return f"RedisCache(seed={self.seed!r}, redis_url={_safe_url(self.redis_url)!r})"
