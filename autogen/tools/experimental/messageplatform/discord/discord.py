"""Discord tools (package ``discord``, extra ``commsagent-discord``).

The constructors check the package and the required settings. Talking to Discord itself is not
implemented in this version: with the package installed, constructing a tool raises NotImplementedError.
"""

from __future__ import annotations

from functools import partial

from ....tool import Tool
from ..._external import unimplemented_service

__all__ = ["DiscordRetrieveTool", "DiscordSendTool"]


# the settings, then the package, are checked; then NotImplementedError
_check = partial(unimplemented_service, "discord", "commsagent-discord")


class DiscordSendTool(Tool):
    """Sends a message to a Discord channel."""

    def __init__(self, *, bot_token: str, channel_name: str, guild_name: str) -> None:
        _check("DiscordSendTool", bot_token=bot_token, channel_name=channel_name, guild_name=guild_name)
        super().__init__(
            name="discord_send", description="Sends a message to a Discord channel.", func_or_tool=lambda: None
        )  # pragma: no cover


class DiscordRetrieveTool(Tool):
    """Retrieves messages from a Discord channel."""

    def __init__(self, *, bot_token: str, channel_name: str, guild_name: str) -> None:
        _check("DiscordRetrieveTool", bot_token=bot_token, channel_name=channel_name, guild_name=guild_name)
        super().__init__(
            name="discord_retrieve", description="Retrieves messages from a Discord channel.", func_or_tool=lambda: None
        )  # pragma: no cover
