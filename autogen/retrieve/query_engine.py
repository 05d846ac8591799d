"""`VectorDBQueryEngine`: the part every vector-store RAG query engine shares.

Files are chunked and embedded into a collection of any `VectorDB` backend (chroma, mongodb...), and a
question is answered by an LLM from the passages nearest to it. The concrete engines
(``VectorChromaQueryEngine`` of DocAgent, ``ChromaDBQueryEngine`` and ``MongoDBQueryEngine`` of
``autogen.agentchat.contrib.rag``) only say which database and collection to use.

The LLM is an ``llm_config`` (LLMConfig or dict), an ``OpenAIWrapper``, or any object with a
LlamaIndex-style ``complete(prompt)`` method returning something with a ``text``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chunking import chunk_id, iter_file_chunks

__all__ = [
    "DEFAULT_COLLECTION_NAME",
    "DEFAULT_LLM_CONFIG",
    "EMPTY_RESPONSE_REPLY",
    "EMPTY_RESPONSE_TEXT",
    "NodeWithScore",
    "TextNode",
    "VectorDBQueryEngine",
    "complete_with",
    "list_input_files",
]

logger = logging.getLogger(__name__)

DEFAULT_COLLECTION_NAME = "docling-parsed-docs"
EMPTY_RESPONSE_TEXT = "Empty Response"
"""What an answer without any retrieved passage is (as LlamaIndex says it); replaced by EMPTY_RESPONSE_REPLY."""
EMPTY_RESPONSE_REPLY = (
    "Sorry, I couldn't find any information on that. If you haven't ingested any documents, please try that."
)
DEFAULT_LLM_CONFIG: dict[str, Any] = {"config_list": [{"model": "gpt-4o", "api_type": "openai"}], "temperature": 0.0}

ANSWER_PROMPT = (
    "Below are passages from the ingested documents.\n"
    "---------------------\n{context}\n---------------------\n"
    "Answer the question using only these passages, not prior knowledge.\n"
    "Question: {question}\nAnswer: "
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


def complete_with(llm: Any) -> Callable[[str], str]:
    """A ``prompt -> text`` function for an llm_config, an OpenAIWrapper or a LlamaIndex-style LLM."""
    if hasattr(llm, "complete") and callable(llm.complete):
        return lambda prompt: str(getattr(llm.complete(prompt), "text", ""))
    from ..oai.client import OpenAIWrapper

    wrapper: list[OpenAIWrapper] = [llm] if isinstance(llm, OpenAIWrapper) else []

    def complete(prompt: str) -> str:
        if not wrapper:  # built on the first question: nothing connects before it
            wrapper.append(OpenAIWrapper(**llm))
        response = wrapper[0].create(messages=[{"role": "user", "content": prompt}])
        texts = wrapper[0].extract_text_or_completion_object(response)
        first = texts[0] if texts else ""
        return first if isinstance(first, str) else str(getattr(first, "content", "") or "")

    return complete


def list_input_files(input_dir: Path | str | None, input_docs: Sequence[Path | str] | None) -> list[str]:
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


class VectorDBQueryEngine:
    """Ingest files into a `VectorDB` collection and answer questions from it with an LLM.

    A subclass sets ``self._db`` (the VectorDB), ``self.collection_name`` and ``self._complete``
    (``prompt -> answer``, see `complete_with`), and ``self.index`` once the collection is open.
    """

    chunk_token_size: int = 512
    """Tokens per stored passage."""
    similarity_top_k: int = 4
    """Passages given to the LLM for each question."""

    _db: Any
    _complete: Callable[[str], str]
    collection_name: str | None

    def query(self, question: str, *args: Any, **kwargs: Any) -> str:
        """Answer ``question`` from the passages nearest to it (EMPTY_RESPONSE_REPLY when none is stored)."""
        self._validate_query_index()
        passages = self._retrieve(question)
        if not passages:
            return EMPTY_RESPONSE_REPLY
        context = "\n\n".join(f"[{p.metadata.get('file_name', '?')}]\n{p.get_text()}" for p in passages)
        answer = self._complete(ANSWER_PROMPT.format(context=context, question=question)).strip()
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

        Markdown, text, HTML, PDF and DOCX files are read. Adding a file again replaces its passages
        instead of duplicating them.
        """
        self._validate_query_index()
        self._ingest(self._load_doc(input_dir=new_doc_dir, input_docs=new_doc_paths_or_urls))

    def _ingest(self, files: list[str]) -> int:
        """Store the passages of ``files`` in the collection; the number of passages."""
        docs = []
        for chunk in iter_file_chunks(files, max_tokens=self.chunk_token_size):
            path = Path(chunk.metadata["source"])
            metadata = {**chunk.metadata, "file_path": str(path), "file_name": path.name}
            docs.append({"id": chunk_id(f"{path}\n{chunk.content}"), "content": chunk.content, "metadata": metadata})
        if docs:
            self._db.insert_docs(docs, collection_name=self.collection_name, upsert=True)
        logger.info("Added %d passages from %d file(s) to %s.", len(docs), len(files), self.collection_name)
        return len(docs)

    def _load_doc(self, input_dir: Path | str | None, input_docs: Sequence[Path | str] | None) -> list[str]:
        """The files to load (see `list_input_files`)."""
        return list_input_files(input_dir, input_docs)

    def get_collection_name(self) -> str:
        """The name of the collection in use."""
        if self.collection_name:
            return self.collection_name
        raise ValueError("Collection name not set.")

    def _validate_query_index(self) -> None:
        """Raise unless the collection is open."""
        if getattr(self, "index", None) is None:
            raise RuntimeError("Query index is not initialized. Please call init_db or connect_db first.")
