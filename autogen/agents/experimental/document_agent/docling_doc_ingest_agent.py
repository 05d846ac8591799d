"""`DoclingDocIngestAgent`: a group-chat agent whose tool parses the pending documents and adds them to a
query engine, then hands back to the task manager (or to the error agent when ingestion fails)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from ....agentchat.contrib.rag.query_engine import RAGQueryEngine
from ....agentchat.conversable_agent import ConversableAgent
from ....agentchat.group.context_variables import ContextVariables
from ....agentchat.group.reply_result import ReplyResult
from ....agentchat.group.targets.transition_target import AgentNameTarget
from ....llm_config import LLMConfig
from .document_utils import preprocess_path
from .parser_utils import docling_parse_docs

__all__ = ["DoclingDocIngestAgent"]

logger = logging.getLogger(__name__)

DOCLING_PARSE_TOOL_NAME = "docling_parse_docs"

DEFAULT_DOCLING_PARSER_PROMPT = f"""
You are an expert in parsing and understanding text. You can use {DOCLING_PARSE_TOOL_NAME} tool to parse various documents and extract information from them. You can only use the tool once per turn.
"""


def _path_of(task: Any) -> str:
    """The path or URL of a pending ingestion (an ``Ingest``, a dict, or a plain string)."""
    if isinstance(task, str):
        return task
    if isinstance(task, dict):
        return str(task["path_or_url"])
    return str(task.path_or_url)


class DoclingDocIngestAgent(ConversableAgent):
    """Ingests the documents listed in the ``DocumentsToIngest`` context variable with its ``data_ingest_task`` tool."""

    def __init__(
        self,
        name: str | None = None,
        llm_config: LLMConfig | dict[str, Any] | Literal[False] | None = None,
        parsed_docs_path: Path | str | None = None,
        query_engine: RAGQueryEngine | None = None,
        return_agent_success: str = "TaskManagerAgent",
        return_agent_error: str = "ErrorManagerAgent",
        collection_name: str | None = None,
    ) -> None:
        """Create the agent.

        Args:
            name: the agent's name (default "DoclingDocIngestAgent").
            llm_config: the LLM that calls the ingestion tool.
            parsed_docs_path: folder for the parsed (Markdown) documents, created if missing (default ``./parsed_docs``).
            query_engine: where documents are added; default a `VectorChromaQueryEngine` on ``collection_name``.
            return_agent_success: the agent that speaks after a successful ingestion.
            return_agent_error: the agent that speaks after a failed one.
            collection_name: the Chroma collection of the default query engine (ignored with ``query_engine``).
        """
        parsed_dir = preprocess_path(str_or_path=parsed_docs_path or Path("./parsed_docs"), mk_path=True)
        if query_engine is None:
            from .chroma_query_engine import VectorChromaQueryEngine

            query_engine = VectorChromaQueryEngine(collection_name=collection_name)
        self._query_engine = query_engine

        def data_ingest_task(context_variables: ContextVariables) -> ReplyResult:
            """Parse every document waiting in DocumentsToIngest to Markdown and add it to the query engine.

            Args:
                context_variables: the group's context variables.

            Returns:
                The outcome, handing over to the next agent.
            """
            input_file_path = ""
            try:
                tasks = context_variables.get("DocumentsToIngest", [])
                while tasks:
                    input_file_path = _path_of(tasks.pop())
                    output_files = docling_parse_docs(
                        input_file_path=input_file_path, output_dir_path=parsed_dir, output_formats=["markdown"]
                    )
                    markdown = [f for f in output_files if f.suffix == ".md"]
                    if markdown:
                        self._query_engine.add_docs(new_doc_paths_or_urls=markdown)
                    context_variables["DocumentsIngested"].append(input_file_path)
                context_variables["CompletedTaskCount"] += 1
                logger.info("data_ingest_task context_variables: %s", context_variables.to_dict())
            except Exception as e:  # noqa: BLE001 - any failure goes to the error agent
                return ReplyResult(
                    target=AgentNameTarget(agent_name=return_agent_error),
                    message=f"Data Ingestion Task Failed, Error {e}: '{input_file_path}'",
                    context_variables=context_variables,
                )
            return ReplyResult(
                target=AgentNameTarget(agent_name=return_agent_success),
                message=f"Data Ingestion Task Completed for {input_file_path}",
                context_variables=context_variables,
            )

        super().__init__(
            name=name or "DoclingDocIngestAgent",
            llm_config=llm_config,
            functions=[data_ingest_task],
            system_message=DEFAULT_DOCLING_PARSER_PROMPT,
        )
