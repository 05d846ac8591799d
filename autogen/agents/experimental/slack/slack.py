"""`SlackAgent`: a ConversableAgent whose model can post to and read a Slack channel."""

from __future__ import annotations

from typing import Any

from ....agentchat.conversable_agent import ConversableAgent
from ....tools.experimental.messageplatform import SlackRetrieveRepliesTool, SlackRetrieveTool, SlackSendTool
from .._platform import offer_tools, platform_system_message

__all__ = ["SlackAgent"]


class SlackAgent(ConversableAgent):
    """An assistant offered three tools on one Slack channel: `SlackSendTool`, `SlackRetrieveTool` and
    `SlackRetrieveRepliesTool` (package ``slack_sdk``, extra ``commsagent-slack``). The tools are only
    offered to its model: register them for execution on the agent that runs tools.

    Args:
        name: the agent's name.
        system_message: the system message; defaults to ``DEFAULT_SYSTEM_MESSAGE``.
        bot_token: the Bot User OAuth token ("xoxb-...").
        channel_id: the channel the tools send to and read from.
        has_writing_instructions: append Slack's formatting guidelines to the system message.
        **kwargs: passed to `ConversableAgent` (llm_config, ...).
    """

    DEFAULT_SYSTEM_MESSAGE = (
        "You are a helpful AI assistant that communicates through Slack. "
        "Remember that Slack uses Markdown-like formatting and has message length limits. "
        "Keep messages clear and concise, and consider using appropriate formatting when helpful."
    )
    # the original states its heading twice; kept, since the system message is what the model sees
    _GUIDELINES = (
        "\nFormat guidelines for Slack:\n"
        "Format guidelines for Slack:\n"
        "1. Max message length: 40,000 characters\n"
        "2. Supports Markdown-like formatting:\n"
        "   - *text* for italic\n"
        "   - **text** for bold\n"
        "   - `code` for inline code\n"
        "   - ```code block``` for multi-line code\n"
        "3. Supports message threading for organized discussions\n"
        "4. Can use :emoji_name: for emoji reactions\n"
        "5. Supports block quotes with > prefix\n"
        "6. Can use <!here> or <!channel> for notifications"
    )

    def __init__(
        self,
        name: str,
        system_message: str | None = None,
        *,
        bot_token: str,
        channel_id: str,
        has_writing_instructions: bool = True,
        **kwargs: Any,
    ) -> None:
        self._send_tool = SlackSendTool(bot_token=bot_token, channel_id=channel_id)
        self._retrieve_tool = SlackRetrieveTool(bot_token=bot_token, channel_id=channel_id)
        self._retrieve_replies_tool = SlackRetrieveRepliesTool(bot_token=bot_token, channel_id=channel_id)
        message = platform_system_message(
            system_message, self.DEFAULT_SYSTEM_MESSAGE, self._GUIDELINES, has_writing_instructions
        )
        super().__init__(name=name, system_message=message, **kwargs)
        offer_tools(self, [self._send_tool, self._retrieve_tool, self._retrieve_replies_tool])
