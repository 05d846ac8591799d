"""Caches for model responses: ``Cache.disk()``, ``Cache.redis(...)``, ``Cache.in_memory()``."""

from .abstract_cache_base import AbstractCache
from .cache import Cache
from .cache_factory import CacheFactory

__all__ = ["AbstractCache", "Cache", "CacheFactory"]
