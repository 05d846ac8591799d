from .discord import DiscordRetrieveTool, DiscordSendTool

__all__ = ["DiscordRetrieveTool", "DiscordSendTool"]
