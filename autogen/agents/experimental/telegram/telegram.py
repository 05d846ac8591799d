"""`TelegramAgent`: a ConversableAgent whose model can post to and read a Telegram chat."""

from __future__ import annotations

from typing import Any

from ....agentchat.conversable_agent import ConversableAgent
from ....tools.experimental.messageplatform import TelegramRetrieveTool, TelegramSendTool
from .._platform import offer_tools, platform_system_message

__all__ = ["TelegramAgent"]


class TelegramAgent(ConversableAgent):
    """An assistant offered `TelegramSendTool` and `TelegramRetrieveTool` on one chat (package ``telethon``,
    extra ``commsagent-telegram``). The tools are only offered to its model: register them for execution on
    the agent that runs tools.

    Args:
        name: the agent's name.
        system_message: the system message; defaults to ``DEFAULT_SYSTEM_MESSAGE``.
        api_id: the Telegram API ID (https://my.telegram.org/apps).
        api_hash: the Telegram API hash.
        chat_id: the channel, group or user the tools send to and read from.
        has_writing_instructions: append Telegram's formatting guidelines to the system message.
        **kwargs: passed to `ConversableAgent` (llm_config, ...).
    """

    DEFAULT_SYSTEM_MESSAGE = (
        "You are a helpful AI assistant that communicates through Telegram. "
        "Remember that Telegram uses Markdown-like formatting and has message length limits. "
        "Keep messages clear and concise, and consider using appropriate formatting when helpful."
    )
    _GUIDELINES = (
        "\nFormat guidelines for Telegram:\n"
        "1. Max message length: 4096 characters\n"
        "2. HTML formatting:\n"
        "   - <b>bold</b>\n"
        "   - <i>italic</i>\n"
        "   - <code>code</code>\n"
        "   - <pre>code block</pre>\n"
        "   - <a href='URL'>link</a>\n"
        "   - <u>underline</u>\n"
        "   - <s>strikethrough</s>\n"
        "3. HTML rules:\n"
        "   - Tags must be properly closed\n"
        "   - Can't nest identical tags\n"
        "   - Links require full URLs (with http://)\n"
        "4. Supports @mentions and emoji"
    )

    def __init__(
        self,
        name: str,
        system_message: str | None = None,
        *,
        api_id: str,
        api_hash: str,
        chat_id: str,
        has_writing_instructions: bool = True,
        **kwargs: Any,
    ) -> None:
        self._send_tool = TelegramSendTool(api_id=api_id, api_hash=api_hash, chat_id=chat_id)
        self._retrieve_tool = TelegramRetrieveTool(api_id=api_id, api_hash=api_hash, chat_id=chat_id)
        message = platform_system_message(
            system_message, self.DEFAULT_SYSTEM_MESSAGE, self._GUIDELINES, has_writing_instructions
        )
        super().__init__(name=name, system_message=message, **kwargs)
        offer_tools(self, [self._send_tool, self._retrieve_tool])
