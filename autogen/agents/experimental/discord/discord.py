"""`DiscordAgent`: a ConversableAgent whose model can post to and read a Discord channel."""

from __future__ import annotations

from typing import Any

from ....agentchat.conversable_agent import ConversableAgent
from ....tools.experimental.messageplatform import DiscordRetrieveTool, DiscordSendTool
from .._platform import offer_tools, platform_system_message

__all__ = ["DiscordAgent"]


class DiscordAgent(ConversableAgent):
    """An assistant offered `DiscordSendTool` and `DiscordRetrieveTool` on one channel of one guild (package
    ``discord``, extra ``commsagent-discord``). The tools are only offered to its model: register them for
    execution on the agent that runs tools.

    Args:
        name: the agent's name.
        system_message: the system message; defaults to ``DEFAULT_SYSTEM_MESSAGE``.
        bot_token: the Discord bot token.
        channel_name: the channel the tools send to and read from.
        guild_name: the guild (server) holding that channel.
        has_writing_instructions: append Discord's formatting guidelines to the system message.
        **kwargs: passed to `ConversableAgent` (llm_config, ...).
    """

    DEFAULT_SYSTEM_MESSAGE = (
        "You are a helpful AI assistant that communicates through Discord. "
        "Remember that Discord uses Markdown for formatting and has a character limit. "
        "Keep messages clear and concise, and consider using appropriate formatting when helpful."
    )
    _GUIDELINES = (
        "\nFormat guidelines for Discord:\n"
        "1. Max message length: 2000 characters\n"
        "2. Supports Markdown formatting\n"
        "3. Can use ** for bold, * for italic, ``` for code blocks\n"
        "4. Consider using appropriate emojis when suitable\n"
    )

    def __init__(
        self,
        name: str,
        system_message: str | None = None,
        *,
        bot_token: str,
        channel_name: str,
        guild_name: str,
        has_writing_instructions: bool = True,
        **kwargs: Any,
    ) -> None:
        where = {"bot_token": bot_token, "channel_name": channel_name, "guild_name": guild_name}
        self._send_tool = DiscordSendTool(**where)
        self._retrieve_tool = DiscordRetrieveTool(**where)
        message = platform_system_message(
            system_message, self.DEFAULT_SYSTEM_MESSAGE, self._GUIDELINES, has_writing_instructions
        )
        super().__init__(name=name, system_message=message, **kwargs)
        offer_tools(self, [self._send_tool, self._retrieve_tool])
