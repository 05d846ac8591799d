"""Re-export of ``openai.types.chat.chat_completion_audio`` (ag2's module path)."""

from openai.types.chat.chat_completion_audio import ChatCompletionAudio

__all__ = ["ChatCompletionAudio"]
