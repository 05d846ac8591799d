"""Choose and build a cache backend from a configuration."""

from __future__ import annotations

import os
from typing import Any

from .abstract_cache_base import AbstractCache

__all__ = ["CacheFactory"]


class CacheFactory:
    """Builds the backend behind :class:`autogen.cache.Cache`."""

    @staticmethod
    def cache_factory(
        seed: str | int,
        redis_url: str | None = None,
        cache_path_root: str | os.PathLike[str] | None = ".cache",
        cosmosdb_config: dict[str, Any] | None = None,
    ) -> AbstractCache:
        """Return a Redis cache when ``redis_url`` is given, else a disk cache at ``<cache_path_root>/<seed>``.

        A ``cosmosdb_config`` raises an ImportError: Cosmos DB is not supported in this implementation.
        A missing ``redis`` package raises an ImportError naming the extra to install (the original
        silently fell back to the disk cache).
        """
        if redis_url:
            from .redis_cache import RedisCache

            return RedisCache(seed, redis_url)
        if cosmosdb_config:
            from .cosmos_db_cache import CosmosDBCache

            return CosmosDBCache.create_cache(seed, cosmosdb_config)

        from .disk_cache import DiskCache

        root = ".cache" if cache_path_root is None else os.fspath(cache_path_root)
        return DiskCache(os.path.join(root, str(seed)))
