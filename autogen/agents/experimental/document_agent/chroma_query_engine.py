"""`VectorChromaQueryEngine`: documents chunked and embedded into a persistent Chroma collection; questions
answered by an LLM from the chunks nearest to them. `VectorChromaCitationQueryEngine` also returns the
numbered source passages the answer cites.

Embeddings come from the project's offline embedder (all-MiniLM-L6-v2 on ONNX Runtime) unless another
embedding function is given. The LLM is an ``llm_config`` (LLMConfig or dict), an ``OpenAIWrapper``, or any
object with a LlamaIndex-style ``complete(prompt)`` method; by default gpt-4o at temperature 0 (the OpenAI
key is read from ``OPENAI_API_KEY`` on the first question).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from ....retrieve.chunking import split_text_to_chunks
from ....retrieve.query_engine import (  # noqa: F401 (EMPTY_RESPONSE_TEXT: still importable from here)
    DEFAULT_COLLECTION_NAME,
    DEFAULT_LLM_CONFIG,
    EMPTY_RESPONSE_REPLY,
    EMPTY_RESPONSE_TEXT,
    NodeWithScore,
    TextNode,
    VectorDBQueryEngine,
    complete_with,
)

__all__ = [
    "AnswerWithCitations",
    "NodeWithScore",
    "TextNode",
    "VectorChromaCitationQueryEngine",
    "VectorChromaQueryEngine",
]

logger = logging.getLogger(__name__)

_CITATION_PROMPT = (
    "Answer the question using only the numbered sources below. Cite the sources you use by their number "
    "in square brackets, e.g. [1] or [2][3]; every answer cites at least one source. If none of the "
    "sources helps, say so.\n\n{context}\n\nQuestion: {question}\nAnswer: "
)


class AnswerWithCitations(BaseModel):
    """An answer and the numbered source passages it was written from (``citations[0]`` is source [1])."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    answer: str
    citations: list[NodeWithScore]


class VectorChromaQueryEngine(VectorDBQueryEngine):
    """Answer questions from documents stored in a named, persistent Chroma collection.

    Implements the ``autogen.agentchat.contrib.rag.RAGQueryEngine`` protocol.
    """

    def __init__(
        self,
        db_path: str | None = None,
        embedding_function: Callable[[list[str]], Any] | None = None,
        metadata: dict[str, Any] | None = None,
        llm: Any = None,
        collection_name: str | None = None,
    ) -> None:
        """Open (or create) the collection.

        Args:
            db_path: folder of the persistent Chroma database (default ``./chroma``).
            embedding_function: texts -> vectors (a Chroma embedding function works too); default: the
                offline all-MiniLM-L6-v2 embedder.
            metadata: Chroma collection metadata (default: HNSW with inner-product space).
            llm: the model that writes answers (see the module docstring); default gpt-4o.
            collection_name: the collection to use; reuse a name to query documents ingested earlier.
        """
        from ....retrieve.vectordb.chromadb import DEFAULT_COLLECTION_METADATA, ChromaVectorDB

        self.llm = llm if llm is not None else dict(DEFAULT_LLM_CONFIG)
        self._complete = complete_with(self.llm)
        self.metadata: dict[str, Any] = dict(metadata) if metadata else dict(DEFAULT_COLLECTION_METADATA)
        self._db = ChromaVectorDB(
            path=db_path or "./chroma", embedding_function=embedding_function, metadata=self.metadata
        )
        self.embedding_function = self._db.embedding_function
        self.client = self._db.client
        self.collection_name: str | None = collection_name
        self.connect_db()

    def connect_db(self, *args: Any, **kwargs: Any) -> bool:
        """Open the collection (creating it when it does not exist yet); True."""
        self.collection_name = self.collection_name or DEFAULT_COLLECTION_NAME
        exists = self._collection_exists(self.collection_name)
        logger.info("%s collection %s.", "Using existing" if exists else "Creating new", self.collection_name)
        self.collection = self._db.create_collection(self.collection_name, get_or_create=True)
        self.index = self._db
        return True

    def _collection_exists(self, collection_name: str) -> bool:
        """True when the database already holds ``collection_name``."""
        return any(getattr(c, "name", c) == collection_name for c in self.client.list_collections())

    def validate_query_index(self) -> None:
        """Raise unless the collection is open."""
        if not hasattr(self, "index"):
            raise RuntimeError("Query index is not initialized. Please ingest some documents before querying.")

    def _validate_query_index(self) -> None:  # the shared engine's hook, under this engine's public name
        self.validate_query_index()

    def init_db(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Not used by this engine: the constructor connects and `add_docs` ingests."""
        raise NotImplementedError("Method, init_db, not required nor implemented for VectorChromaQueryEngine")


class VectorChromaCitationQueryEngine(VectorChromaQueryEngine):
    """`VectorChromaQueryEngine` whose answers cite numbered source passages (`query_with_citations`)."""

    def __init__(
        self,
        db_path: str | None = None,
        embedding_function: Callable[[list[str]], Any] | None = None,
        metadata: dict[str, Any] | None = None,
        llm: Any = None,
        collection_name: str | None = None,
        enable_query_citations: bool = False,
        citation_chunk_size: int = 512,
    ) -> None:
        """See `VectorChromaQueryEngine`; ``enable_query_citations`` makes DocAgent use `query_with_citations`,
        whose sources are at most ``citation_chunk_size`` tokens long."""
        super().__init__(db_path, embedding_function, metadata, llm, collection_name)
        self.enable_query_citations = enable_query_citations
        self.citation_chunk_size = citation_chunk_size

    def query_with_citations(self, query: str) -> AnswerWithCitations:
        """Answer ``query`` citing the numbered sources it used; ``citations`` lists every source shown."""
        self.validate_query_index()
        sources: list[NodeWithScore] = []
        for passage in self._retrieve(query):
            for piece in split_text_to_chunks(
                passage.get_text(), max_tokens=self.citation_chunk_size, must_break_at_empty_line=False
            ):
                sources.append(NodeWithScore(TextNode(piece, dict(passage.metadata)), passage.score))
        if not sources:
            return AnswerWithCitations(answer=EMPTY_RESPONSE_REPLY, citations=[])
        context = "\n\n".join(f"Source {i}:\n{s.get_text()}" for i, s in enumerate(sources, start=1))
        answer = self._complete(_CITATION_PROMPT.format(context=context, question=query)).strip()
        return AnswerWithCitations(answer=answer or EMPTY_RESPONSE_REPLY, citations=sources)
