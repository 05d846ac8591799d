"""`Neo4jNativeGraphCapability`: an agent that answers from Neo4j through the Neo4j GraphRAG SDK."""

from __future__ import annotations

from typing import Any

from ...agent import Agent
from ...conversable_agent import ConversableAgent
from .graph_rag_capability import GraphRagCapability
from .neo4j_native_graph_query_engine import Neo4jNativeGraphQueryEngine

__all__ = ["Neo4jNativeGraphCapability"]


class Neo4jNativeGraphCapability(GraphRagCapability):
    """Answer every message with `Neo4jNativeGraphQueryEngine`, asked about the whole conversation
    prefixed with the agent's system message."""

    def __init__(self, query_engine: Neo4jNativeGraphQueryEngine) -> None:
        """Use ``query_engine`` to answer."""
        self.query_engine = query_engine

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Replace the agent's reply functions with the graph query; the agent must have no llm_config."""
        self._answer_only_from_the_graph(agent, self._reply_using_native_neo4j_query)

    def _reply_using_native_neo4j_query(
        self,
        recipient: ConversableAgent,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the engine's answer ("I'm sorry, I don't have an answer for that." when it has none)."""
        return True, self._reply_from_summary(recipient, messages)
