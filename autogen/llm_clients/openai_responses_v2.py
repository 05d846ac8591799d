"""ag2's module path of the Responses-API v2 config entry (defined in autogen.llm_config.entry)."""

from ..llm_config.entry import OpenAIResponsesV2LLMConfigEntry

__all__ = ["OpenAIResponsesV2LLMConfigEntry"]
