"""`FalkorGraphRagCapability`: an agent that answers from a FalkorDB knowledge graph."""

from __future__ import annotations

from typing import Any

from ...agent import Agent
from ...conversable_agent import ConversableAgent
from .falkor_graph_query_engine import FalkorGraphQueryEngine
from .graph_rag_capability import GraphRagCapability

__all__ = ["FalkorGraphRagCapability"]


class FalkorGraphRagCapability(GraphRagCapability):
    """Answer every message with `FalkorGraphQueryEngine` (FalkorDB GraphRAG SDK), asked about the whole
    conversation prefixed with the agent's system message."""

    def __init__(self, query_engine: FalkorGraphQueryEngine) -> None:
        """Use ``query_engine`` to answer."""
        self.query_engine = query_engine

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Replace the agent's reply functions with the graph query; the agent must have no llm_config."""
        if not isinstance(agent, ConversableAgent):
            raise TypeError("FalkorDB GraphRAG capability can only be added to a ConversableAgent.")
        self._answer_only_from_the_graph(agent, self._reply_using_falkordb_query)

    def _reply_using_falkordb_query(
        self,
        recipient: ConversableAgent,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the engine's answer ("I'm sorry, I don't have an answer for that." when it has none)."""
        return True, self._reply_from_summary(recipient, messages)
