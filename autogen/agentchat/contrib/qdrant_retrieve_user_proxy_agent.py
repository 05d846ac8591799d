"""`QdrantRetrieveUserProxyAgent` (legacy): `RetrieveUserProxyAgent` on a Qdrant client.

Prefer ``RetrieveUserProxyAgent(retrieve_config={"vector_db": "qdrant", "db_config": {...}})``.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

from ...retrieve.vectordb.qdrant import QdrantVectorDB
from .retrieve_user_proxy_agent import RetrieveUserProxyAgent

__all__ = ["QdrantRetrieveUserProxyAgent"]

_COLLECTION_OPTION_KEYS = ("hnsw_config", "quantization_config", "on_disk_payload", "optimizers_config", "wal_config")


class QdrantRetrieveUserProxyAgent(RetrieveUserProxyAgent):
    """The old Qdrant retrieve proxy: ``retrieve_config["client"]`` is a ``QdrantClient`` (default: in memory);
    ``hnsw_config``/``quantization_config``/``on_disk`` shape the collection."""

    def __init__(
        self,
        name: str = "RetrieveChatAgent",
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "ALWAYS",
        is_termination_msg: Any = None,
        retrieve_config: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        warnings.warn(
            "QdrantRetrieveUserProxyAgent is deprecated; use RetrieveUserProxyAgent with vector_db='qdrant'.",
            DeprecationWarning,
            stacklevel=2,
        )
        config = dict(retrieve_config or {})
        if not isinstance(config.get("vector_db"), QdrantVectorDB):
            options = {k: config.pop(k) for k in _COLLECTION_OPTION_KEYS if k in config}
            if config.pop("on_disk", False):
                options["on_disk_payload"] = True
            for legacy_key in ("parallel", "payload_indexing"):
                config.pop(legacy_key, None)
            config["vector_db"] = QdrantVectorDB(
                client=config.get("client"),
                embedding_function=config.get("embedding_function"),
                collection_options=options,
            )
        super().__init__(
            name=name,
            human_input_mode=human_input_mode,
            is_termination_msg=is_termination_msg,
            retrieve_config=config,
            **kwargs,
        )
