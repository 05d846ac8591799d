"""Cosmos DB cache: not supported in this implementation (kept so old imports fail clearly)."""

from __future__ import annotations

from typing import Any

__all__ = ["COSMOS_NOT_SUPPORTED_MESSAGE", "CosmosDBCache", "CosmosDBCacheNotSupportedError"]

COSMOS_NOT_SUPPORTED_MESSAGE = (
    "The Cosmos DB cache is not supported in this implementation of autogen. "
    "Use Cache.disk(), Cache.redis(...) or Cache.in_memory() instead."
)


class CosmosDBCacheNotSupportedError(ImportError):
    """Raised when a Cosmos DB cache is requested."""


class CosmosDBCache:
    """Placeholder for the original Azure Cosmos DB backend; constructing it raises."""

    def __init__(self, *args: Any, **kwargs: Any):
        raise CosmosDBCacheNotSupportedError(COSMOS_NOT_SUPPORTED_MESSAGE)

    @classmethod
    def create_cache(cls, seed: str | int, cosmosdb_config: dict[str, Any]) -> CosmosDBCache:
        """Always raises: the backend is not available here."""
        raise CosmosDBCacheNotSupportedError(COSMOS_NOT_SUPPORTED_MESSAGE)
