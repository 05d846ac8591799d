"""Telegram tools (package ``telethon``, extra ``commsagent-telegram``).

The constructors check the package and the required settings. Talking to Telegram itself is not
implemented in this version: with the package installed, constructing a tool raises NotImplementedError.
"""

from __future__ import annotations

from functools import partial

from ....tool import Tool
from ..._external import unimplemented_service

__all__ = ["TelegramRetrieveTool", "TelegramSendTool"]


# the settings, then the package, are checked; then NotImplementedError
_check = partial(unimplemented_service, "telethon", "commsagent-telegram")


class TelegramSendTool(Tool):
    """Sends a message to a personal channel, bot channel, group, or channel."""

    def __init__(self, *, api_id: str, api_hash: str, chat_id: str) -> None:
        _check("TelegramSendTool", api_id=api_id, api_hash=api_hash, chat_id=chat_id)
        super().__init__(
            name="telegram_send",
            description="Sends a message to a personal channel, bot channel, group, or channel.",
            func_or_tool=lambda: None,
        )  # pragma: no cover


class TelegramRetrieveTool(Tool):
    """Retrieves messages from a Telegram channel."""

    def __init__(self, *, api_id: str, api_hash: str, chat_id: str) -> None:
        _check("TelegramRetrieveTool", api_id=api_id, api_hash=api_hash, chat_id=chat_id)
        super().__init__(
            name="telegram_retrieve",
            description="Retrieves messages from a Telegram channel.",
            func_or_tool=lambda: None,
        )  # pragma: no cover
