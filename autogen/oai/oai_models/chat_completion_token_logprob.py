"""Re-export of ``openai.types.chat.chat_completion_token_logprob`` (ag2's module path)."""

from openai.types.chat.chat_completion_token_logprob import ChatCompletionTokenLogprob, TopLogprob

__all__ = ["ChatCompletionTokenLogprob", "TopLogprob"]
