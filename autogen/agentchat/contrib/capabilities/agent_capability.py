"""Base class for capabilities that plug extra behaviour into an agent through its hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autogen.agentchat.conversable_agent import ConversableAgent

__all__ = ["AgentCapability"]


class AgentCapability:
    """A reusable piece of behaviour that can be added to any ConversableAgent.

    Subclasses implement ``add_to_agent``, usually by calling ``agent.register_hook(...)``.
    """

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Give ``agent`` this capability. Subclasses must implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement add_to_agent(agent)")
