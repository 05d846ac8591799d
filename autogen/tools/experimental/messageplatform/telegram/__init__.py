from .telegram import TelegramRetrieveTool, TelegramSendTool

__all__ = ["TelegramRetrieveTool", "TelegramSendTool"]
