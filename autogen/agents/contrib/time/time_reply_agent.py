"""TimeReplyAgent: replies with the date and time from a reply function, without a model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ....agentchat.agent import Agent
from ....agentchat.conversable_agent import ConversableAgent

__all__ = ["TimeReplyAgent"]


class TimeReplyAgent(ConversableAgent):
    """An agent whose only reply is the current date and time (a reference for reply-based agents)."""

    DEFAULT_SYSTEM_MESSAGE = "You are a calendar agent that just returns the date and time."

    def __init__(
        self,
        date_time_format: str = "%Y-%m-%d %H:%M:%S",
        output_prefix: str = "Tick, tock, the current date/time is ",
        **kwargs: Any,
    ) -> None:
        """Create the agent.

        Args:
            date_time_format: ``strftime`` format of the reply's date and time.
            output_prefix: the text before the date and time.
            **kwargs: passed to ConversableAgent (``system_message`` defaults to DEFAULT_SYSTEM_MESSAGE).
        """
        system_message = kwargs.pop("system_message", self.DEFAULT_SYSTEM_MESSAGE)
        self._date_time_format = date_time_format
        self._output_prefix = output_prefix
        super().__init__(system_message=system_message, **kwargs)

        def get_date_time_reply(
            agent: ConversableAgent,
            messages: list[dict[str, Any]] | None = None,
            sender: Agent | None = None,
            config: Any = None,
        ) -> tuple[bool, dict[str, Any]]:
            now = datetime.now().strftime(self._date_time_format)
            return True, {"content": f"{self._output_prefix}{now}."}

        # the only reply this agent gives, whoever asks
        self.register_reply([Agent, None], get_date_time_reply, remove_other_reply_funcs=True)
