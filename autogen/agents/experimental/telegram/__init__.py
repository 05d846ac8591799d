"""TelegramAgent: an assistant that talks through a Telegram chat."""

from .telegram import TelegramAgent

__all__ = ["TelegramAgent"]
