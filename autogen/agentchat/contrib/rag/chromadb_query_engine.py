"""`ChromaDBQueryEngine`: a RAG query engine on a ChromaDB server (or an in-memory Chroma).

Documents are chunked and embedded into a named collection (with the project's offline
all-MiniLM-L6-v2 embedder unless another embedding function is given) and questions are answered by
an LLM from the passages nearest to them. The LLM is an ``llm_config`` (LLMConfig or dict), an
``OpenAIWrapper``, or a LlamaIndex-style LLM (any object with ``complete(prompt)``); by default gpt-4o at
temperature 0. ag2 builds this engine on LlamaIndex; this one needs only chromadb.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ....import_utils import optional_import
from ....retrieve.query_engine import (  # noqa: F401 (EMPTY_RESPONSE_*: importable from here, as in ag2)
    DEFAULT_COLLECTION_NAME,
    DEFAULT_LLM_CONFIG,
    EMPTY_RESPONSE_REPLY,
    EMPTY_RESPONSE_TEXT,
    VectorDBQueryEngine,
    complete_with,
)

__all__ = ["ChromaDBQueryEngine"]

logger = logging.getLogger(__name__)


class ChromaDBQueryEngine(VectorDBQueryEngine):
    """Answer questions from documents stored in a ChromaDB collection.

    With ``host`` and ``port`` it talks to a running Chroma server (``chroma run``); with either of them
    empty it uses an ephemeral in-memory Chroma. Implements the `RAGQueryEngine` protocol: `init_db`
    (re)builds the collection from files, `connect_db` opens an existing one, `add_docs` adds files and
    `query` answers.
    """

    def __init__(
        self,
        host: str | None = "localhost",
        port: int | None = 8000,
        settings: Any = None,
        tenant: str | None = None,
        database: str | None = None,
        embedding_function: Callable[[list[str]], Any] | None = None,
        metadata: dict[str, Any] | None = None,
        llm: Any = None,
        collection_name: str | None = None,
        *,
        client: Any = None,
    ) -> None:
        """Connect to Chroma (nothing is created before `init_db` or `connect_db`).

        Args:
            host: the Chroma server's host; None or "" for an in-memory Chroma.
            port: the Chroma server's port; None or 0 for an in-memory Chroma.
            settings: ``chromadb.config.Settings`` for the client.
            tenant: the tenant to use (default: Chroma's default tenant).
            database: the database to use (default: Chroma's default database).
            embedding_function: texts -> vectors; default: the offline all-MiniLM-L6-v2 embedder.
            metadata: collection metadata (default: HNSW, inner-product space, construction_ef 30, M 32).
            llm: the model that writes answers (see the module docstring); default gpt-4o.
            collection_name: the collection to use (default "docling-parsed-docs"); reuse a name to
                query documents ingested earlier.
            client: an existing chroma client (e.g. ``chromadb.PersistentClient(path)``), used instead
                of ``host``/``port`` (not in ag2).
        """
        chromadb = optional_import("chromadb", "rag", feature="ChromaDBQueryEngine")
        self.llm = llm if llm is not None else dict(DEFAULT_LLM_CONFIG)
        self._complete = complete_with(self.llm)
        if client is None and host and port:
            from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT

            try:
                client = chromadb.HttpClient(
                    host=host,
                    port=port,
                    settings=settings if settings is not None else _settings(),
                    tenant=tenant or DEFAULT_TENANT,
                    database=database or DEFAULT_DATABASE,
                )
            except Exception as e:
                raise ValueError(f"Failed to connect to the ChromaDB client: {e}") from e
        elif client is None:
            logger.warning(
                "Can't connect to remote Chroma client without host or port not. Using an ephemeral, in-memory client."
            )
            client = chromadb.EphemeralClient(settings=settings if settings is not None else _settings())
        self.client = client
        self.db_config: dict[str, Any] = {
            "client": client,
            "embedding_function": embedding_function,
            "metadata": metadata,
        }
        self.collection_name: str | None = collection_name or DEFAULT_COLLECTION_NAME

    def init_db(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Recreate the collection (dropping what it held) and store the given files in it; True.

        Raises ValueError when a folder or file does not exist or when neither is given.
        """
        files = self._load_doc(input_dir=new_doc_dir, input_docs=new_doc_paths_or_urls)
        self._set_up(overwrite=True)
        self._ingest(files)
        return True

    def connect_db(self, *args: Any, **kwargs: Any) -> bool:
        """Open the collection, keeping what it holds (an empty one is created if it does not exist); True."""
        self._set_up(overwrite=False)
        return True

    def _set_up(self, overwrite: bool) -> None:
        """Open (or, with ``overwrite``, recreate) the collection through the project's ChromaVectorDB."""
        from ....retrieve.vectordb.factory import VectorDBFactory

        self.vector_db = VectorDBFactory.create_vector_db(db_type="chroma", **self.db_config)
        self._db = self.vector_db
        self.collection = self.vector_db.create_collection(
            collection_name=self.get_collection_name(), overwrite=overwrite, get_or_create=True
        )
        self.index = self.vector_db


def _settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)
