"""`LlamaIndexQueryEngine`: a RAG query engine over any LlamaIndex vector store.

Needs LlamaIndex (imported when the engine is built): ``pip install "ag2[llama-index]"``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ....import_utils import optional_import
from ....retrieve.query_engine import EMPTY_RESPONSE_REPLY, EMPTY_RESPONSE_TEXT, list_input_files

__all__ = ["LlamaIndexQueryEngine"]

logger = logging.getLogger(__name__)

_EXTRA = "llama-index"


class LlamaIndexQueryEngine:
    """Index documents in a LlamaIndex vector store (``BasePydanticVectorStore``) and answer questions
    with LlamaIndex's query engine and an LLM (default: LlamaIndex's OpenAI gpt-4o at temperature 0).

    Implements the `RAGQueryEngine` protocol.
    """

    def __init__(self, vector_store: Any, llm: Any = None, file_reader_class: type | None = None) -> None:
        """Use ``vector_store`` for the documents.

        Args:
            vector_store: the LlamaIndex vector store to index into and query.
            llm: the LlamaIndex LLM that writes answers; default OpenAI gpt-4o at temperature 0.
            file_reader_class: the class that reads files (default LlamaIndex's ``SimpleDirectoryReader``);
                it is called with ``input_dir=`` or ``input_files=`` and must offer ``load_data()``.
        """
        core = optional_import("llama_index.core", _EXTRA, feature="LlamaIndexQueryEngine")
        if llm is None:
            openai_llms = optional_import("llama_index.llms.openai", _EXTRA, feature="LlamaIndexQueryEngine")
            llm = openai_llms.OpenAI(model="gpt-4o", temperature=0.0)
        self.llm = llm
        self.vector_store = vector_store
        self.file_reader_class = file_reader_class or core.SimpleDirectoryReader

    def init_db(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Build an index over the vector store from the given files; True."""
        from llama_index.core import StorageContext, VectorStoreIndex

        self.storage_context = StorageContext.from_defaults(vector_store=self.vector_store)
        documents = self._load_doc(input_dir=new_doc_dir, input_docs=new_doc_paths_or_urls)
        self.index = VectorStoreIndex.from_documents(documents=documents, storage_context=self.storage_context)
        return True

    def connect_db(self, *args: Any, **kwargs: Any) -> bool:
        """Build an index over what the vector store already holds; True."""
        from llama_index.core import StorageContext, VectorStoreIndex

        self.storage_context = StorageContext.from_defaults(vector_store=self.vector_store)
        self.index = VectorStoreIndex.from_vector_store(
            vector_store=self.vector_store, storage_context=self.storage_context
        )
        return True

    def add_docs(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Insert the files of ``new_doc_dir`` and/or ``new_doc_paths_or_urls`` into the index."""
        self._validate_query_index()
        for document in self._load_doc(input_dir=new_doc_dir, input_docs=new_doc_paths_or_urls):
            self.index.insert(document)

    def query(self, question: str) -> str:
        """Answer ``question`` from the index with the engine's LLM."""
        self._validate_query_index()
        self.query_engine = self.index.as_query_engine(llm=self.llm)
        answer = str(self.query_engine.query(question))
        return EMPTY_RESPONSE_REPLY if answer == EMPTY_RESPONSE_TEXT else answer

    def _validate_query_index(self) -> None:
        if not hasattr(self, "index"):
            raise RuntimeError("Query index is not initialized. Please call init_db or connect_db first.")

    def _load_doc(self, input_dir: Path | str | None, input_docs: Sequence[Path | str] | None) -> list[Any]:
        """The LlamaIndex documents read from ``input_dir`` and/or ``input_docs``.

        Raises ValueError for a missing folder or file, or when neither is given.
        """
        list_input_files(input_dir, input_docs)  # the same checks and messages as the other engines
        documents: list[Any] = []
        if input_dir:
            logger.info("Loading docs from directory: %s", input_dir)
            documents.extend(self.file_reader_class(input_dir=input_dir).load_data())
        if input_docs:
            logger.info("Loading input docs: %s", list(input_docs))
            documents.extend(self.file_reader_class(input_files=list(input_docs)).load_data())
        return documents
