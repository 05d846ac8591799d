"""`MongoDBQueryEngine`: a RAG query engine on MongoDB Atlas Vector Search.

Documents are chunked, embedded (with the project's offline all-MiniLM-L6-v2 embedder unless another
embedding function is given) and stored through the project's `MongoDBAtlasVectorDB`; a question is
answered by an LLM from the passages ``$vectorSearch`` finds nearest to it. The LLM is an ``llm_config``,
an ``OpenAIWrapper`` or a LlamaIndex-style LLM (``complete(prompt)``); by default gpt-4o at temperature 0.
ag2 builds this engine on LlamaIndex and sentence-transformers; this one needs only pymongo.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ....retrieve.query_engine import (  # noqa: F401 (EMPTY_RESPONSE_*: importable from here, as in ag2)
    DEFAULT_COLLECTION_NAME,
    DEFAULT_LLM_CONFIG,
    EMPTY_RESPONSE_REPLY,
    EMPTY_RESPONSE_TEXT,
    VectorDBQueryEngine,
    complete_with,
)

__all__ = ["MongoDBQueryEngine"]

logger = logging.getLogger(__name__)

DEFAULT_DATABASE_NAME = "vector_db"
"""The database used when ``database_name`` is not given (that of `MongoDBAtlasVectorDB`)."""


class MongoDBQueryEngine(VectorDBQueryEngine):
    """Answer questions from documents stored in a MongoDB Atlas collection with a vector search index.

    Implements the `RAGQueryEngine` protocol: `init_db` (re)builds the collection from files,
    `connect_db` opens an existing one, `add_docs` adds files and `query` answers. `init_db` and
    `connect_db` log failures and return False instead of raising, as in ag2.
    """

    def __init__(
        self,
        connection_string: str,
        llm: Any = None,
        database_name: str | None = None,
        embedding_function: Callable[..., Any] | None = None,
        embedding_model: Any = None,
        collection_name: str | None = None,
        *,
        client: Any = None,
    ) -> None:
        """Remember where the data lives (nothing connects before `init_db` or `connect_db`).

        Args:
            connection_string: the MongoDB (Atlas) connection string.
            llm: the model that writes answers (see the module docstring); default gpt-4o.
            database_name: the database (default "vector_db").
            embedding_function: texts -> vectors; default: the offline all-MiniLM-L6-v2 embedder.
            embedding_model: the embedding model's name, kept for ag2 compatibility (default
                "local:all-MiniLM-L6-v2"); the vectors come from ``embedding_function``.
            collection_name: the collection (default "docling-parsed-docs").
            client: an existing MongoClient-like object used instead of connecting (not in ag2).

        Raises:
            ValueError: when ``connection_string`` is empty.
        """
        if not connection_string:
            raise ValueError("Connection string is required to connect to MongoDB.")
        self.connection_string = connection_string
        self.database_name = database_name
        self.collection_name: str | None = collection_name or DEFAULT_COLLECTION_NAME
        self.llm = llm if llm is not None else dict(DEFAULT_LLM_CONFIG)
        self._complete = complete_with(self.llm)
        self.embedding_model = embedding_model or "local:all-MiniLM-L6-v2"
        if embedding_function is None:
            from ....retrieve.embeddings import DefaultEmbeddingFunction

            embedding_function = DefaultEmbeddingFunction()
        self.embedding_function = embedding_function
        self._client = client
        self.vector_db: Any = None
        self.index: Any = None

    def _mongo_client(self) -> Any:
        """The MongoClient (connected on first use, then reused)."""
        if self._client is None:
            from ....retrieve.vectordb.mongodb import _connect

            self._client = _connect(self.connection_string, 10_000)
        return self._client

    def _set_up(self, overwrite: bool) -> None:
        """Open (or, with ``overwrite``, recreate) the collection and its vector search index."""
        from ....retrieve.vectordb.factory import VectorDBFactory

        logger.info("Setting up the database.")
        self.vector_db = VectorDBFactory.create_vector_db(
            db_type="mongodb",
            connection_string=self.connection_string,
            database_name=self.database_name or DEFAULT_DATABASE_NAME,
            embedding_function=self.embedding_function,
            collection_name=self.collection_name,
            overwrite=overwrite,
            client=self._mongo_client(),
        )
        self._db = self.vector_db

    def _check_existing_collection(self) -> bool:
        """True when the database already holds the collection."""
        db = self._mongo_client()[self.database_name or DEFAULT_DATABASE_NAME]
        return self.collection_name in db.list_collection_names()

    def connect_db(self, *args: Any, **kwargs: Any) -> bool:
        """Open the existing collection; False (logged) when it does not exist or MongoDB cannot be reached."""
        try:
            if not self._check_existing_collection():
                raise ValueError(
                    f"Collection '{self.collection_name}' not found in database '{self.database_name}'. "
                    "Please run init_db to create a new collection."
                )
            self._set_up(overwrite=False)
            self.vector_db.client.admin.command("ping")
            self.index = self.vector_db
            logger.info("Connected to MongoDB successfully.")
            return True
        except Exception as error:  # noqa: BLE001 - ag2 reports any failure as False
            logger.error("Failed to connect to MongoDB: %s", error)
            return False

    def init_db(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Recreate the collection (dropping what it held) and store the given files; False (logged) on failure."""
        try:
            files = self._load_doc(input_dir=new_doc_dir, input_docs=new_doc_paths_or_urls)
            if self._check_existing_collection():
                logger.warning(
                    f"Collection '{self.collection_name}' already exists in database '{self.database_name}'. "
                    "Please use connect_db to connect to the existing collection or use init_db to overwrite it."
                )
            self._set_up(overwrite=True)
            self.vector_db.client.admin.command("ping")
            self.index = self.vector_db
            count = self._ingest(files)
            logger.info("Database initialized with %d passages from %d file(s).", count, len(files))
            return True
        except Exception as e:  # noqa: BLE001 - ag2 reports any failure as False
            logger.error("Failed to initialize the database: %s", e)
            return False
