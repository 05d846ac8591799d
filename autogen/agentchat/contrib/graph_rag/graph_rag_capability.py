"""`GraphRagCapability`: the base of capabilities that make an agent answer from a `GraphQueryEngine`.

The database-specific capabilities (FalkorDB, Neo4j) replace every reply function of the agent with one
that sends the conversation (or its last message) to the engine and replies with the engine's answer,
so the reply comes from the graph and not from an LLM of the agent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...conversable_agent import ConversableAgent
from ..capabilities.agent_capability import AgentCapability
from .graph_query_engine import GraphQueryEngine

__all__ = ["GraphRagCapability"]

NO_ANSWER_REPLY = "I'm sorry, I don't have an answer for that."
"""The reply when the engine finds no answer."""


class GraphRagCapability(AgentCapability):
    """Give a ConversableAgent graph-based RAG through a graph query engine.

    Usage::

        engine.init_db([Document(DocumentType.TEXT, path_or_url="movies.txt")])
        agent = ConversableAgent("graph_rag_agent", llm_config=False)
        SomeGraphRagCapability(engine).add_to_agent(agent)
        user.initiate_chat(agent, message="Who played in 'The Matrix'?")

    This base class only keeps the engine; the FalkorDB and Neo4j subclasses register the reply.
    """

    def __init__(self, query_engine: GraphQueryEngine) -> None:
        """Use ``query_engine`` to answer."""
        self.query_engine = query_engine

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Add the capability to ``agent`` (nothing to add for the base class)."""

    def _answer_only_from_the_graph(self, agent: ConversableAgent, reply_func: Callable[..., Any]) -> None:
        """Make ``reply_func`` the agent's only reply function; the agent must have no LLM."""
        self.graph_rag_agent = agent
        if agent.llm_config not in (None, False):
            raise ValueError(
                "Agents with GraphRAG capabilities do not use an LLM configuration. "
                "Please set your llm_config to None or False."
            )
        agent.register_reply([ConversableAgent, None], reply_func, position=0, remove_other_reply_funcs=True)

    @staticmethod
    def _messages_summary(messages: list[dict[str, Any]] | str | None, system_message: str) -> str:
        """The conversation as one question: "name: content" per message (tool calls and tool responses
        left out), after "IMPORTANT: <system message>\\nContext:\\n\\n" when the agent has a system message."""
        if isinstance(messages, str):
            return (f"IMPORTANT: {system_message}\n" if system_message else "") + f"Context:\n\n{messages}"
        if not isinstance(messages, list):
            raise ValueError("Invalid messages format. Must be a list of messages or a string.")  # noqa: TRY004 - as ag2
        summary = "".join(
            f"{m.get('name', '')}: {m.get('content', '')}\n\n"
            for m in messages
            if "content" in m and "tool_calls" not in m and "tool_responses" not in m
        )
        return f"IMPORTANT: {system_message}\nContext:\n\n{summary}" if system_message else summary

    def _reply_from_summary(self, recipient: ConversableAgent, messages: list[dict[str, Any]] | None) -> str:
        """Ask the engine about the whole conversation; its answer, or NO_ANSWER_REPLY."""
        result = self.query_engine.query(self._messages_summary(messages, recipient.system_message))
        return result.answer if result.answer else NO_ANSWER_REPLY
