"""``ToolsCapability``: give one agent a set of tools it both proposes and executes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autogen.agentchat.conversable_agent import ConversableAgent
    from autogen.tools import Tool

__all__ = ["ToolsCapability"]


class ToolsCapability:
    """Tools added as one capability to a single agent, which is both their caller and executor.

    Subclass it to run code when the capability is created or added.
    """

    def __init__(self, tool_list: Iterable[Tool]) -> None:
        self.tools = list(tool_list)

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Register every tool with ``agent`` for the LLM and for execution."""
        for tool in self.tools:
            tool.register_tool(agent=agent)
