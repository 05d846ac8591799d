"""Discord tools (package ``discord``, extra ``commsagent-discord``).

The constructors check the package and the required settings. Talking to Discord itself is not
implemented in this version: with the package installed, constructing a tool raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any

from ....tool import Tool
from ..._external import not_here, require_package

__all__ = ["DiscordRetrieveTool", "DiscordSendTool"]


def _check(feature: str, **settings: Any) -> None:
    missing = [name for name, value in settings.items() if not value]
    if missing:
        raise ValueError(f"{feature} needs {', '.join(missing)}.")
    require_package("discord", "commsagent-discord", feature)
    raise not_here(feature)


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
