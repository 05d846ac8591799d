"""Re-export of ``openai.types.chat.chat_completion_message`` (ag2's module path)."""

from openai.types.chat.chat_completion_message import ChatCompletionMessage, FunctionCall

__all__ = ["ChatCompletionMessage", "FunctionCall"]
