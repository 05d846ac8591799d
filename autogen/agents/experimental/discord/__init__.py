"""DiscordAgent: an assistant that talks through a Discord channel."""

from .discord import DiscordAgent

__all__ = ["DiscordAgent"]
