"""Re-export of ``openai.types.chat.chat_completion`` (ag2's module path)."""

from openai.types.chat.chat_completion import ChatCompletion, Choice, ChoiceLogprobs

__all__ = ["ChatCompletion", "Choice", "ChoiceLogprobs"]
