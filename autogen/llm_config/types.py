"""``ConfigEntries``: the union of every provider's config-entry class (ag2's ``autogen.llm_config.types``)."""

from .entry import (
    AnthropicLLMConfigEntry,
    AnthropicV2LLMConfigEntry,
    AzureOpenAILLMConfigEntry,
    BedrockLLMConfigEntry,
    BedrockV2LLMConfigEntry,
    CerebrasLLMConfigEntry,
    CohereLLMConfigEntry,
    DeepSeekLLMConfigEntry,
    GeminiLLMConfigEntry,
    GroqLLMConfigEntry,
    MistralLLMConfigEntry,
    OllamaLLMConfigEntry,
    OpenAILLMConfigEntry,
    OpenAIResponsesLLMConfigEntry,
    OpenAIResponsesV2LLMConfigEntry,
    OpenAIV2LLMConfigEntry,
    TogetherLLMConfigEntry,
)

__all__ = ["ConfigEntries"]

ConfigEntries = (
    AnthropicLLMConfigEntry
    | AnthropicV2LLMConfigEntry
    | CerebrasLLMConfigEntry
    | BedrockV2LLMConfigEntry
    | BedrockLLMConfigEntry
    | AzureOpenAILLMConfigEntry
    | DeepSeekLLMConfigEntry
    | OpenAILLMConfigEntry
    | OpenAIResponsesLLMConfigEntry
    | OpenAIV2LLMConfigEntry
    | CohereLLMConfigEntry
    | GeminiLLMConfigEntry
    | GroqLLMConfigEntry
    | MistralLLMConfigEntry
    | OllamaLLMConfigEntry
    | TogetherLLMConfigEntry
    | OpenAIResponsesV2LLMConfigEntry
)
