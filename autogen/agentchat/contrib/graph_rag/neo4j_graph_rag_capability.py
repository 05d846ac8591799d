"""`Neo4jGraphCapability`: a UserProxyAgent that answers from a Neo4j property graph (via LlamaIndex)."""

from __future__ import annotations

from typing import Any

from ...agent import Agent
from ...conversable_agent import ConversableAgent
from ...user_proxy_agent import UserProxyAgent
from .graph_rag_capability import GraphRagCapability
from .neo4j_graph_query_engine import Neo4jGraphQueryEngine

__all__ = ["Neo4jGraphCapability"]


class Neo4jGraphCapability(GraphRagCapability):
    """Answer each message's content with `Neo4jGraphQueryEngine` (whose chat engine keeps the history)."""

    def __init__(self, query_engine: Neo4jGraphQueryEngine) -> None:
        """Use ``query_engine`` to answer."""
        self.query_engine = query_engine

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Replace the agent's reply functions with the graph query; only for a UserProxyAgent without llm_config."""
        if not isinstance(agent, UserProxyAgent):
            raise TypeError("Neo4j GraphRAG capability can only be added to a UserProxyAgent.")
        self._answer_only_from_the_graph(agent, self._reply_using_neo4j_query)

    def _reply_using_neo4j_query(
        self,
        recipient: ConversableAgent,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the engine's answer to the last message; no reply (False) when there is no question."""
        if not messages:
            return False, None
        question = self._get_last_question(messages[-1])
        if not question:
            return False, None
        result = self.query_engine.query(question)  # type: ignore[arg-type]
        return True, result.answer

    def _get_last_question(self, message: dict[str, Any] | str) -> str | dict[str, Any] | None:
        """The text of ``message`` (its content for a dict)."""
        if isinstance(message, str):
            return message
        if isinstance(message, dict) and "content" in message:
            return message["content"]  # type: ignore[no-any-return]
        return None
