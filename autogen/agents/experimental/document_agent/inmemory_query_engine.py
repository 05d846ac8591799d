"""`InMemoryQueryEngine`: keep whole ingested documents in memory and answer from all of them at once.

Every question goes to an internal agent whose system message holds the full text of every document, so
this suits a few small documents; its structured reply says whether the documents could answer.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ....agentchat.conversable_agent import ConversableAgent
from ....llm_config import LLMConfig

__all__ = ["InMemoryQueryEngine"]

QUERY_NO_INGESTIONS_REPLY = "Sorry, please ingest some documents/URLs before querying."
EMPTY_RESPONSE_REPLY = (
    "Sorry, I couldn't find any information on that. If you haven't ingested any documents, please try that."
)
ERROR_RESPONSE_REPLY = "Sorry, there was an error processing your query: "
COULD_NOT_ANSWER_REPLY = "Sorry, I couldn't answer that question from the ingested documents/URLs"


class DocumentStore(BaseModel):
    """One ingested document: its file name and full text."""

    ingestation_name: str
    content: str


class QueryAnswer(BaseModel):
    """The structured reply of the query agent."""

    could_answer: bool
    answer: str


class InMemoryQueryEngine:
    """Answer questions from documents held in memory, all of them put in the model's context.

    Implements the ``autogen.agentchat.contrib.rag.RAGQueryEngine`` protocol.
    """

    def __init__(self, llm_config: LLMConfig | dict[str, Any]) -> None:
        structured_config = copy.deepcopy(llm_config)  # the caller's config stays as it was
        structured_config["response_format"] = QueryAnswer
        self._query_agent = ConversableAgent(name="inmemory_query_agent", llm_config=structured_config)
        self._ingested_documents: list[DocumentStore] = []

    def query(self, question: str, *args: Any, **kwargs: Any) -> str:
        """Answer ``question`` from the ingested documents (a "Sorry, ..." reply when they cannot)."""
        if not self._ingested_documents:
            return QUERY_NO_INGESTIONS_REPLY
        names = "\n".join(f"- {doc.ingestation_name}" for doc in self._ingested_documents)
        context = "\n".join(
            f"Ingested File/URL {i} - '{doc.ingestation_name}':\n{doc.content}\n"
            for i, doc in enumerate(self._ingested_documents, start=1)
        )
        self._query_agent.update_system_message(
            "You are a query agent tasked with answering questions based on ingested documents.\n\n"
            f"AVAILABLE DOCUMENTS:\n{names}\n\n"
            "When answering questions about these documents, use ONLY the information in the following context:\n\n"
            f"{context}\n\n"
            "IMPORTANT: The user will ask about these documents by name. When they do, provide helpful, "
            "detailed answers based on the document content above."
        )
        message = f"Using ONLY the document content in your system message, answer this question: {question}"
        reply = self._query_agent.generate_reply(messages=[{"role": "user", "content": message}])
        text = reply.get("content") if isinstance(reply, dict) else reply
        try:
            answer = QueryAnswer.model_validate(json.loads(str(text)))
        except Exception as e:  # noqa: BLE001 - not the structured reply asked for
            return ERROR_RESPONSE_REPLY + str(e)
        if answer.could_answer:
            return answer.answer
        return f"{COULD_NOT_ANSWER_REPLY}: {answer.answer}" if answer.answer else COULD_NOT_ANSWER_REPLY

    def add_docs(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """Read the files directly in ``new_doc_dir`` and/or the files ``new_doc_paths_or_urls`` into memory."""
        self._load_doc(input_dir=new_doc_dir or "", input_docs=new_doc_paths_or_urls or [])

    def _load_doc(self, input_dir: Path | str | None, input_docs: Sequence[Path | str] | None) -> None:
        """Store the files; ValueError for a missing folder or file, or when neither is given."""
        if not input_dir and not input_docs:
            raise ValueError("No input directory or docs provided!")
        if input_dir:
            if not os.path.exists(input_dir):
                raise ValueError(f"Input directory not found: {input_dir}")
            for path in sorted(Path(input_dir).iterdir()):
                if path.is_file():
                    self._read_and_store_file(path)
        for doc in input_docs or []:
            if not os.path.exists(doc):
                raise ValueError(f"Document file not found: {doc}")
            self._read_and_store_file(doc)

    def _read_and_store_file(self, file_path: Path | str) -> None:
        """Keep the UTF-8 text of ``file_path``; ValueError when it cannot be read."""
        path = Path(file_path)
        try:
            content = path.read_text(encoding="utf-8")
        except Exception as e:
            raise ValueError(f"Error reading file {path}: {e}") from e
        self._ingested_documents.append(DocumentStore(ingestation_name=path.name, content=content))

    def init_db(
        self,
        new_doc_dir: Path | str | None = None,
        new_doc_paths_or_urls: Sequence[Path | str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        """Not used by this engine: `add_docs` ingests."""
        raise NotImplementedError("Method, init_db, not required nor implemented for InMemoryQueryEngine")

    def connect_db(self, *args: Any, **kwargs: Any) -> bool:
        """Not used by this engine: there is no database."""
        raise NotImplementedError("Method, connect_db, not required nor implemented for InMemoryQueryEngine")
