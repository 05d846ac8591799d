"""`DocAgent`: ingest documents (files, folders, URLs) and answer questions about them.

Each reply runs an inner group chat: a triage agent turns the request into ingestions and queries, a task
manager records them in the context variables and routes the work (ingestion first, then the queries),
an ingestion agent parses and stores the documents, a query agent asks the query engine, and a summary
agent reports what was ingested and the answers (with their citations when the engine gives them). Any
failure goes to an error agent, whose message becomes the reply. Ingested documents are remembered across
replies, so later questions can be about documents given earlier.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, Field

from ....agentchat.agent import Agent
from ....agentchat.contrib.rag.query_engine import RAGQueryEngine
from ....agentchat.conversable_agent import ConversableAgent
from ....agentchat.group.context_condition import ExpressionContextCondition
from ....agentchat.group.context_expression import ContextExpression
from ....agentchat.group.context_variables import ContextVariables
from ....agentchat.group.llm_condition import StringLLMCondition
from ....agentchat.group.on_condition import OnCondition
from ....agentchat.group.on_context_condition import OnContextCondition
from ....agentchat.group.reply_result import ReplyResult
from ....agentchat.group.targets.transition_target import (
    AgentNameTarget,
    AgentTarget,
    StayTarget,
    TerminateTarget,
)
from ....agentchat.update_system_message import UpdateSystemMessage
from ....llm_config import LLMConfig
from .docling_doc_ingest_agent import DoclingDocIngestAgent
from .document_conditions import SummaryTaskAvailableCondition
from .document_utils import Ingest, Query

if TYPE_CHECKING:
    from ....oai.client import OpenAIWrapper

__all__ = ["DocAgent", "DocumentTask", "DocumentTriageAgent"]

logger = logging.getLogger(__name__)

DEFAULT_SYSTEM_MESSAGE = """
    You are a document agent.
    You are given a list of documents to ingest and a list of queries to perform.
    You are responsible for ingesting the documents and answering the queries.
"""
TASK_MANAGER_NAME = "TaskManagerAgent"
TASK_MANAGER_SYSTEM_MESSAGE = """
    You are a task manager agent. You keep the list of document ingestions and queries up to date and hand
    the work over when it is done.
    1. Whenever you receive tasks from the DocumentTriageAgent, call initiate_tasks first, even if you think
       nothing is new, with ALL the ingestions and queries in one call. Every file path, folder and http/https
       URL is an ingestion; every question is a RAG_QUERY query. For example:
        {"ingestions": [{"path_or_url": "report.pdf"}], "queries": [{"query_type": "RAG_QUERY", "query": "What is the revenue?"}]}
    2. Call initiate_tasks again only when new ingestions or queries come up.
    3. When there is nothing left to ingest or query, hand over to the summary agent. Never ask the user questions.
    """

DEFAULT_ERROR_GROUP_CHAT_MESSAGE: str = """
Document Agent failed to perform task.
"""

ERROR_MANAGER_NAME = "ErrorManagerAgent"
ERROR_MANAGER_SYSTEM_MESSAGE = """
You tell the user about the errors that occurred, quoting each original error message in full, in this format:
The following error(s) have occurred:
- Error 1
- Error 2
"""

TRIAGE_SYSTEM_MESSAGE = (
    "You are a document triage agent. From the user's request, fill in a DocumentTask. "
    "Every file, folder or URL the user gives is one entry of 'ingestions' (you can reach websites, so URLs are "
    "ingestions too). Every question the user asks about them is one 'RAG_QUERY' entry of 'queries'. "
    "Do not invent questions: stay as close to the user's words as you can."
)

QUERY_AGENT_SYSTEM_MESSAGE = """
    You are a query agent. You answer the user's questions only with the execute_rag_query tool,
    calling it once per turn.
    """


class DocumentTask(BaseModel):
    """The triage agent's structured reply: what to ingest and what to ask."""

    ingestions: list[Ingest] = Field(description="The list of documents to ingest.")
    queries: list[Query] = Field(description="The list of queries to perform.")

    def format(self) -> str:
        """The tasks as the numbered list the task manager reads."""
        if not self.ingestions and not self.queries:
            return "There were no ingestion or query tasks detected."
        lines = ["Tasks:", ""]
        if self.ingestions:
            lines += ["Ingestions:", *(f"{i}: {x.path_or_url}" for i, x in enumerate(self.ingestions, start=1)), ""]
        if self.queries:
            first = len(self.ingestions) + 1
            lines += ["Queries:", *(f"{i}: {q.query}" for i, q in enumerate(self.queries, start=first)), ""]
        return "\n".join(lines)


class DocumentTriageAgent(ConversableAgent):
    """Decides from the user's request which documents to ingest and which questions to ask (a DocumentTask)."""

    def __init__(self, llm_config: LLMConfig | dict[str, Any] | None = None) -> None:
        structured = deepcopy(llm_config)
        structured["response_format"] = DocumentTask  # type: ignore[index]
        super().__init__(
            name="DocumentTriageAgent",
            system_message=TRIAGE_SYSTEM_MESSAGE,
            human_input_mode="NEVER",
            llm_config=structured,
        )


class TaskInitInfo(BaseModel):
    """The argument of the task manager's ``initiate_tasks`` tool."""

    ingestions: Annotated[list[Ingest], Field(description="List of documents, files, and URLs to ingest")]
    queries: Annotated[list[Query], Field(description="List of queries to run")]


def _path(item: Any) -> str:
    return item if isinstance(item, str) else str(getattr(item, "path_or_url", item))


def _deduplicate_ingestions(
    new: list[Ingest], pending: list[Ingest], ingested: list[str]
) -> tuple[list[Ingest], list[str]]:
    """Split ``new`` into ingestions to add and paths already pending or ingested."""
    known = {_path(i) for i in pending} | set(ingested)
    unique: list[Ingest] = []
    ignored: list[str] = []
    for ingestion in new:
        if ingestion.path_or_url in known:
            ignored.append(ingestion.path_or_url)
        else:
            known.add(ingestion.path_or_url)
            unique.append(ingestion)
    return unique, ignored


def _deduplicate_queries(new: list[Query], pending: list[Query]) -> tuple[list[Query], list[str]]:
    """Split ``new`` into queries to add and query texts already pending."""
    known = {q.query for q in pending}
    unique: list[Query] = []
    ignored: list[str] = []
    for query in new:
        if query.query in known:
            ignored.append(query.query)
        else:
            known.add(query.query)
            unique.append(query)
    return unique, ignored


def _describe_additions(
    added_ingestions: int, ignored_ingestions: list[str], added_queries: int, ignored_queries: list[str]
) -> str:
    """What a follow-up ``initiate_tasks`` call added and what it ignored as duplicates."""
    parts = []
    if added_ingestions:
        parts.append(f"Added {added_ingestions} new document(s) for ingestion")
    if ignored_ingestions:
        parts.append(f"Ignored {len(ignored_ingestions)} duplicate document(s): {', '.join(ignored_ingestions)}")
    if added_queries:
        parts.append(f"Added {added_queries} new query/queries")
    if ignored_queries:
        parts.append(f"Ignored {len(ignored_queries)} duplicate query/queries: {', '.join(ignored_queries)}")
    return "; ".join(parts) if parts else "All requested tasks were duplicates and ignored"


def _run_query(query_engine: RAGQueryEngine, question: str) -> tuple[str, list[dict[str, str]]]:
    """The engine's answer to ``question`` and its citations (``text_chunk``/``file_path``) when it gives them."""
    cite = getattr(query_engine, "query_with_citations", None)
    if getattr(query_engine, "enable_query_citations", False) and callable(cite):
        result = cite(question)
        citations = [
            {"text_chunk": source.node.get_text(), "file_path": str(source.metadata.get("file_path", ""))}
            for source in result.citations
        ]
        logger.info("Citations:\n %s", citations)
        return result.answer, citations
    return query_engine.query(question), []


class DocAgent(ConversableAgent):
    """Ingests documents and answers questions about them, through an inner group chat of specialised agents."""

    def __init__(
        self,
        name: str | None = None,
        llm_config: LLMConfig | dict[str, Any] | None = None,
        system_message: str | None = None,
        parsed_docs_path: str | Path | None = None,
        collection_name: str | None = None,
        query_engine: RAGQueryEngine | None = None,
    ) -> None:
        """Create the agent and its inner team.

        Args:
            name: the agent's name (default "DocAgent").
            llm_config: the LLM of the agent and its inner agents.
            system_message: the agent's system message.
            parsed_docs_path: folder for the parsed (Markdown) documents (default ``./parsed_docs``).
            collection_name: the collection of the default query engine; reuse it to query documents ingested
                earlier.
            query_engine: where documents go and questions are answered; default a `VectorChromaQueryEngine`
                (in ``./chroma``) answering with ``llm_config``. An engine with ``enable_query_citations`` and
                ``query_with_citations`` (e.g. `VectorChromaCitationQueryEngine`) makes answers cite their sources.
        """
        if query_engine is None:
            from .chroma_query_engine import VectorChromaQueryEngine

            query_engine = VectorChromaQueryEngine(collection_name=collection_name, llm=llm_config)
        super().__init__(
            name=name or "DocAgent",
            system_message=system_message or DEFAULT_SYSTEM_MESSAGE,
            llm_config=llm_config,
            human_input_mode="NEVER",
        )
        # Called as reply_func(agent, messages=..., ...): registered unbound (through the class, for subclasses).
        self.register_reply([Agent, None], type(self).generate_inner_group_chat_reply, position=0)
        self.documents_ingested: list[str] = []
        self._group_chat_context_variables: ContextVariables | None = None
        self._query_engine = query_engine

        self._triage_agent = DocumentTriageAgent(llm_config=llm_config)
        self._task_manager_agent = ConversableAgent(
            name=TASK_MANAGER_NAME,
            system_message=TASK_MANAGER_SYSTEM_MESSAGE,
            llm_config=llm_config,
            functions=[self._make_initiate_tasks()],
        )
        self._data_ingestion_agent = DoclingDocIngestAgent(
            llm_config=llm_config,
            query_engine=query_engine,
            parsed_docs_path=parsed_docs_path or "./parsed_docs",
            return_agent_success=TASK_MANAGER_NAME,
            return_agent_error=ERROR_MANAGER_NAME,
        )
        self._query_agent = ConversableAgent(
            name="QueryAgent",
            system_message=QUERY_AGENT_SYSTEM_MESSAGE,
            llm_config=llm_config,
            functions=[self._make_execute_rag_query()],
        )
        self._summary_agent = ConversableAgent(
            name="SummaryAgent",
            llm_config=llm_config,
            update_agent_state_before_reply=[UpdateSystemMessage(self._summary_prompt)],
        )
        self._error_agent = ConversableAgent(
            name=ERROR_MANAGER_NAME,
            system_message=ERROR_MANAGER_SYSTEM_MESSAGE,
            llm_config=llm_config,
            update_agent_state_before_reply=[UpdateSystemMessage(self._error_prompt)],
        )
        self._wire_handoffs()

    # ------------------------------------------------------------------ the inner team

    def _wire_handoffs(self) -> None:
        """Who speaks after whom: triage -> task manager -> ingestion / queries -> task manager -> summary."""
        self._triage_agent.handoffs.set_after_work(target=AgentTarget(agent=self._task_manager_agent))
        self._task_manager_agent.register_handoffs(
            [
                OnContextCondition(  # ingestions run before queries
                    target=AgentTarget(agent=self._data_ingestion_agent),
                    condition=ExpressionContextCondition(
                        expression=ContextExpression(expression="len(${DocumentsToIngest}) > 0")
                    ),
                ),
                OnContextCondition(
                    target=AgentTarget(agent=self._query_agent),
                    condition=ExpressionContextCondition(
                        expression=ContextExpression(expression="len(${QueriesToRun}) > 0")
                    ),
                ),
                OnCondition(  # the task manager's LLM decides when everything is done
                    target=AgentTarget(agent=self._summary_agent),
                    condition=StringLLMCondition(
                        prompt="Call this function if all work is done and a summary will be created"
                    ),
                    available=SummaryTaskAvailableCondition(),
                ),
            ]
        )
        self._task_manager_agent.handoffs.set_after_work(target=StayTarget())
        self._data_ingestion_agent.handoffs.set_after_work(target=AgentTarget(agent=self._task_manager_agent))
        self._query_agent.handoffs.set_after_work(target=AgentTarget(agent=self._task_manager_agent))
        self._summary_agent.handoffs.set_after_work(target=TerminateTarget())
        self._error_agent.handoffs.set_after_work(target=TerminateTarget())

    def _make_initiate_tasks(self) -> Any:
        def initiate_tasks(
            task_init_info: Annotated[TaskInitInfo, "Documents, Files, URLs to ingest and the queries to run"],
            context_variables: Annotated[ContextVariables, "Context variables"],
        ) -> ReplyResult:
            """Add documents to ingest and queries to answer when received.

            Args:
                task_init_info: Information about documents to ingest and queries to run
                context_variables: The current context variables containing task state
            """
            ingestions, queries = task_init_info.ingestions, task_init_info.queries
            if "TaskInitiated" not in context_variables:
                context_variables["DocumentsToIngest"] = list(ingestions)
                context_variables["QueriesToRun"] = list(queries)
                context_variables["TaskInitiated"] = True
                message = "Updated context variables with task decisions"
            else:
                if not ingestions and not queries:
                    return ReplyResult(message="No new tasks to initiate", context_variables=context_variables)
                pending: list[Ingest] = context_variables.get("DocumentsToIngest", [])
                new_ingestions, ignored_ingestions = _deduplicate_ingestions(
                    ingestions, pending, context_variables.get("DocumentsIngested", [])
                )
                if new_ingestions:
                    context_variables["DocumentsToIngest"] = list(pending) + new_ingestions
                waiting: list[Query] = context_variables.get("QueriesToRun", [])
                new_queries, ignored_queries = _deduplicate_queries(queries, waiting)
                if new_queries:
                    context_variables["QueriesToRun"] = list(waiting) + new_queries
                message = _describe_additions(
                    len(new_ingestions), ignored_ingestions, len(new_queries), ignored_queries
                )
            return ReplyResult(
                message=message,
                context_variables=context_variables,
                target=AgentNameTarget(agent_name=TASK_MANAGER_NAME),
            )

        return initiate_tasks

    def _make_execute_rag_query(self) -> Any:
        query_engine = self._query_engine

        def execute_rag_query(context_variables: ContextVariables) -> ReplyResult:
            """Execute outstanding RAG queries, call the tool once for each outstanding query. Call this tool with no arguments.

            Args:
                context_variables: The current context variables containing queries to run
            """
            waiting = context_variables.get("QueriesToRun", [])
            if not waiting:
                return ReplyResult(
                    target=AgentNameTarget(agent_name=TASK_MANAGER_NAME),
                    message="No queries to run",
                    context_variables=context_variables,
                )
            query = waiting[0].query
            try:
                answer, citations = _run_query(query_engine, query)
            except Exception as e:  # noqa: BLE001 - any failure goes to the error agent
                return ReplyResult(
                    target=AgentNameTarget(agent_name=ERROR_MANAGER_NAME),
                    message=f"Query failed for '{query}': {e}",
                    context_variables=context_variables,
                )
            waiting.pop(0)
            context_variables["CompletedTaskCount"] += 1
            context_variables["QueryResults"].append({"query": query, "answer": answer, "citations": citations})
            return ReplyResult(message=answer, context_variables=context_variables)

        return execute_rag_query

    def _update_ingested_documents(self) -> None:
        """Remember the documents ingested in this run, for the next replies."""
        for doc in self._triage_agent.context_variables.get("DocumentsIngested", []) or []:
            if doc not in self.documents_ingested:
                self.documents_ingested.append(doc)

    def _error_prompt(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> str:
        self._update_ingested_documents()
        return ERROR_MANAGER_SYSTEM_MESSAGE

    def _summary_prompt(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> str:
        self._update_ingested_documents()
        context = agent.context_variables
        left_to_ingest = context.get("DocumentsToIngest", []) or []
        left_to_run = context.get("QueriesToRun", []) or []
        return (
            "You are a summary agent: you report the completed tasks, the queries and their answers. "
            "Write two sections, 'Ingestions:' and 'Queries:', numbering the items in each; write 'No ingestions' or "
            "'No queries' under a section that has none. No markdown formatting.\n"
            "Each query has one answer and may have citations, each with a 'text_chunk' and a 'file_path'. "
            "Write each query as 'Query:\\nAnswer:\\n\\nCitations:' (numbered when there are several). List every "
            "citation in full, as '\\nSource [X] (file_path here):\\n\\nChunk X:\\n(text_chunk here)', separated by "
            "'\\n#########################\\n\\n'. When there are no citations at all, do not mention citations.\n"
            f"Documents ingested: {list(self.documents_ingested)}\n"
            f"Documents left to ingest: {len(left_to_ingest)}\n"
            f"Queries left to run: {len(left_to_run)}\n"
            f"Query and Answers and Citations: {context.get('QueryResults', [])}\n"
        )

    # ------------------------------------------------------------------ replying

    def generate_inner_group_chat_reply(
        self,
        messages: list[dict[str, Any]] | str | None = None,
        sender: Agent | None = None,
        config: OpenAIWrapper | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Run the inner group chat on the last message; reply with its summary (or the error report)."""
        from ....agentchat.group.multi_agent_chat import initiate_group_chat
        from ....agentchat.group.patterns.pattern import DefaultPattern

        context_variables = self._group_chat_context_variables
        if context_variables is None:
            context_variables = ContextVariables(
                data={
                    "CompletedTaskCount": 0,
                    "DocumentsToIngest": [],
                    "DocumentsIngested": self.documents_ingested,
                    "QueriesToRun": [],
                    "QueryResults": [],
                }
            )
            self._group_chat_context_variables = context_variables
        else:
            context_variables["DocumentsToIngest"] = []

        pattern = DefaultPattern(
            initial_agent=self._triage_agent,
            agents=[
                self._triage_agent,
                self._task_manager_agent,
                self._data_ingestion_agent,
                self._query_agent,
                self._summary_agent,
                self._error_agent,
            ],
            context_variables=context_variables,
            group_after_work=TerminateTarget(),
        )
        chat_result, _, last_speaker = initiate_group_chat(
            pattern=pattern, messages=self._get_document_input_message(messages)
        )
        if last_speaker is self._error_agent or last_speaker is self._summary_agent:
            return True, chat_result.summary
        return True, DEFAULT_ERROR_GROUP_CHAT_MESSAGE  # the inner chat ended somewhere unexpected

    def _get_document_input_message(self, messages: list[dict[str, Any]] | str | None) -> str:
        """The request: ``messages`` itself when a string, else the content of the last message."""
        if isinstance(messages, str):
            return messages
        if isinstance(messages, list) and messages and isinstance(messages[-1].get("content"), str):
            return messages[-1]["content"]
        raise NotImplementedError("Invalid messages format. Must be a list of messages or a string.")
