"""TimeToolAgent: an LLM agent offered the TimeTool (a reference for tool-based agents)."""

from __future__ import annotations

from typing import Any

from ....agentchat.conversable_agent import ConversableAgent
from ....tools.contrib import TimeTool

__all__ = ["TimeToolAgent"]


class TimeToolAgent(ConversableAgent):
    """An agent whose model calls the TimeTool and answers with the date and time."""

    DEFAULT_SYSTEM_MESSAGE = (
        "You are a calendar agent that uses tools to return the date and time. "
        "When you reply, say 'Tick, tock, the current date/time is ' followed by the date and time in the "
        "exact format the tool provided."
    )

    def __init__(self, date_time_format: str = "%Y-%m-%d %H:%M:%S", **kwargs: Any) -> None:
        """Create the agent.

        Args:
            date_time_format: the tool's default ``strftime`` format.
            **kwargs: passed to ConversableAgent (``system_message`` defaults to DEFAULT_SYSTEM_MESSAGE).
        """
        system_message = kwargs.pop("system_message", self.DEFAULT_SYSTEM_MESSAGE)
        self._date_time_format = date_time_format
        self._time_tool = TimeTool(date_time_format=date_time_format)
        super().__init__(system_message=system_message, **kwargs)
        self.register_for_llm()(self._time_tool)
