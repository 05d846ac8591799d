"""Re-export of ``openai.types.completion_usage`` (ag2's module path)."""

from openai.types.completion_usage import CompletionTokensDetails, CompletionUsage, PromptTokensDetails

__all__ = ["CompletionTokensDetails", "CompletionUsage", "PromptTokensDetails"]
