"""Send and read messages on Discord, Slack and Telegram (each behind its package's extra)."""

from .discord import DiscordRetrieveTool, DiscordSendTool
from .slack import SlackRetrieveRepliesTool, SlackRetrieveTool, SlackSendTool
from .telegram import TelegramRetrieveTool, TelegramSendTool

__all__ = [
    "DiscordRetrieveTool",
    "DiscordSendTool",
    "SlackRetrieveRepliesTool",
    "SlackRetrieveTool",
    "SlackSendTool",
    "TelegramRetrieveTool",
    "TelegramSendTool",
]
