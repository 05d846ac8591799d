"""`SummaryTaskAvailableCondition`: the DocAgent's task manager may hand over to the summary agent only
when every ingestion and query is done and at least one task completed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....agentchat.group.available_condition import AvailableCondition

if TYPE_CHECKING:
    from ....agentchat.conversable_agent import ConversableAgent

__all__ = ["SummaryTaskAvailableCondition"]


class SummaryTaskAvailableCondition(AvailableCondition):
    """Available when nothing is left to ingest or query and the completed task count is non-zero."""

    documents_var: str = "DocumentsToIngest"
    """Context variable listing the documents still to ingest."""
    queries_var: str = "QueriesToRun"
    """Context variable listing the queries still to run."""
    completed_var: str = "CompletedTaskCount"
    """Context variable counting the completed tasks."""

    def is_available(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> bool:
        """True when the agent's context says every task is done."""
        context = agent.context_variables
        return (
            len(context.get(self.documents_var, []) or []) == 0
            and len(context.get(self.queries_var, []) or []) == 0
            and bool(context.get(self.completed_var, 0))
        )
