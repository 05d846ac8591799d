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
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from ....retrieve.chunking import chunk_id, iter_file_chunks, split_text_to_chunks

__all__ = [
    "AnswerWithCitations",
    "NodeWithScore",
    "TextNode",
    "VectorChromaCitationQueryEngine",
    "VectorChromaQueryEngine",
]

logger = logging.getLogger(__name__)

DEFAULT_COLLECTION_NAME = "docling-parsed-docs"
EMPTY_RESPONSE_TEXT = "Empty Response"
"""What an answer without any retrieved passage is (as LlamaIndex says it); replaced by EMPTY_RESPONSE_REPLY."""
EMPTY_RESPONSE_REPLY = (
    "Sorry, I couldn't find any information on that. If you haven't ingested any documents, please try that."
)
DEFAULT_LLM_CONFIG: dict[str, Any] = {"config_list": [{"model": "gpt-4o", "api_type": "openai"}], "temperature": 0.0}

_ANSWER_PROMPT = (
    "Below are passages from the ingested documents.\n"
    "---------------------\n{context}\n---------------------\n"
    "Answer the question using only these passages, not prior knowledge.\n"
    "Question: {question}\nAnswer: "
)
_CITATION_PROMPT = (
    "Answer the question using only the numbered sources below. Cite the sources you use by their number "
    "in square brackets, e.g. [1] or [2][3]; every answer cites at least one source. If none of the "
    "sources helps, say so.\n\n{context}\n\nQuestion: {question}\nAnswer: "
)


@dataclass
class TextNode:
    """A passage of an ingested document and its metadata (``file_path``, ``file_name``, line numbers...)."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def get_text(self) -> str:
        """The passage's text."""
        return self.text


@dataclass
class NodeWithScore:
    """A retrieved passage and its similarity to the question (1 = identical), as LlamaIndex names it."""

    node: TextNode
    score: float | None = None

    @property
    def metadata(self) -> dict[str, Any]:
        """The passage's metadata."""
        return self.node.metadata

    @property
    def text(self) -> str:
        """The passage's text."""
        return self.node.text

    def get_text(self) -> str:
        """The passage's text."""
        return self.node.text


class AnswerWithCitations(BaseModel):
    """An answer and the numbered source passages it was written from (``citations[0]`` is source [1])."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    answer: str
    citations: list[NodeWithScore]


def _complete_with(llm: Any) -> Callable[[str], str]:
    """A ``prompt -> text`` function for an llm_config, an OpenAIWrapper or a LlamaIndex-style LLM."""
    if hasattr(llm, "complete") and callable(llm.complete):
        return lambda prompt: str(getattr(llm.complete(prompt), "text", ""))
    from ....oai.client import OpenAIWrapper

    wrapper: list[OpenAIWrapper] = [llm] if isinstance(llm, OpenAIWrapper) else []

    def complete(prompt: str) -> str:
        if not wrapper:  # built on the first question: nothing connects before it
            wrapper.append(OpenAIWrapper(**llm))
        response = wrapper[0].create(messages=[{"role": "user", "content": prompt}])
        texts = wrapper[0].extract_text_or_completion_object(response)
        first = texts[0] if texts else ""
        return first if isinstance(first, str) else str(getattr(first, "content", "") or "")

    return complete


class VectorChromaQueryEngine:
    """Answer questions from documents stored in a named, persistent Chroma collection.

    Implements the ``autogen.agentchat.contrib.rag.RAGQueryEngine`` protocol.
    """

    chunk_token_size: int = 512
    """Tokens per stored passage."""
    similarity_top_k: int = 4
    """Passages given to the LLM for each question."""

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
        self._complete = _complete_with(self.llm)
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

    def query(self, question: str, *args: Any, **kwargs: Any) -> str:
        """Answer ``question`` from the passages nearest to it (EMPTY_RESPONSE_REPLY when none is stored)."""
        self.validate_query_index()
        passages = self._retrieve(question)
        if not passages:
            return EMPTY_RESPONSE_REPLY
        context = "\n\n".join(f"[{p.metadata.get('file_name', '?')}]\n{p.get_text()}" for p in passages)
        answer = self._complete(_ANSWER_PROMPT.format(context=context, question=question)).strip()
        if not answer or answer == EMPTY_RESPONSE_TEXT:
            return EMPTY_RESPONSE_REPLY
        return answer

    def _retrieve(self, question: str) -> list[NodeWithScore]:
        hits = self._db.retrieve_docs([question], collection_name=self.collection_name, n_results=self.similarity_top_k)
        return [
            NodeWithScore(TextNode(doc["content"], dict(doc.get("metadata") or {})), 1.0 - float(distance))
            for doc, distance in (hits[0] if hits else [])
        ]

    def add_docs(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Chunk, embed and store the files of ``new_doc_dir`` and/or the files ``new_doc_paths_or_urls``.

        Files are meant to be Markdown as `docling_parse_docs` writes it; text, HTML, PDF and DOCX files are
        read too. Adding a file again replaces its passages instead of duplicating them.
        """
        self.validate_query_index()
        files = self._load_doc(input_dir=new_doc_dir or "", input_docs=new_doc_paths_or_urls or [])
        docs = []
        for chunk in iter_file_chunks(files, max_tokens=self.chunk_token_size):
            path = Path(chunk.metadata["source"])
            metadata = {**chunk.metadata, "file_path": str(path), "file_name": path.name}
            docs.append({"id": chunk_id(f"{path}\n{chunk.content}"), "content": chunk.content, "metadata": metadata})
        self._db.insert_docs(docs, collection_name=self.collection_name, upsert=True)
        logger.info("Added %d passages from %d file(s) to %s.", len(docs), len(files), self.collection_name)

    def _load_doc(self, input_dir: Path | str | None, input_docs: Sequence[Path | str] | None) -> list[str]:
        """The files to load: those directly in ``input_dir`` and the listed ``input_docs`` (absolute paths).

        Raises ValueError for a missing folder or file, or when neither is given.
        """
        files: list[str] = []
        if input_dir:
            if not os.path.exists(input_dir):
                raise ValueError(f"Input directory not found: {input_dir}")
            files.extend(str(p.resolve()) for p in sorted(Path(input_dir).iterdir()) if p.is_file())
        if input_docs:
            for doc in input_docs:
                if not os.path.exists(doc):
                    raise ValueError(f"Document file not found: {doc}")
            files.extend(str(Path(doc).resolve()) for doc in input_docs)
        if not input_dir and not input_docs:
            raise ValueError("No input directory or docs provided!")
        return files

    def _collection_exists(self, collection_name: str) -> bool:
        """True when the database already holds ``collection_name``."""
        return any(getattr(c, "name", c) == collection_name for c in self.client.list_collections())

    def get_collection_name(self) -> str:
        """The name of the collection in use."""
        if self.collection_name:
            return self.collection_name
        raise ValueError("Collection name not set.")

    def validate_query_index(self) -> None:
        """Raise unless the collection is open."""
        if not hasattr(self, "index"):
            raise RuntimeError("Query index is not initialized. Please ingest some documents before querying.")

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
