"""LLM clients: ``OpenAIWrapper``, the ``ModelClient`` protocol, config entries and config helpers.

Names are resolved lazily (PEP 562), so ``import autogen.oai`` imports neither openai nor pydantic
models it does not need.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "OpenAIWrapper": "autogen.oai.client",
    "OpenAIClient": "autogen.oai.client",
    "LLMCallError": "autogen.oai.errors",
    "LLMTimeoutError": "autogen.oai.errors",
    "MissingAPIKeyError": "autogen.oai.errors",
    "UnsupportedAPITypeError": "autogen.oai.errors",
    "OAI_PRICE1K": "autogen.oai.pricing",
    "ModelClient": "autogen.llm_config.client",
    "Cache": "autogen.cache.cache",
    "config_list_from_json": "autogen.llm_config.utils",
    "filter_config": "autogen.llm_config.utils",
    "config_list_from_dotenv": "autogen.llm_config.utils",
    "config_list_from_models": "autogen.llm_config.utils",
    "config_list_gpt4_gpt35": "autogen.llm_config.utils",
    "config_list_openai_aoai": "autogen.llm_config.utils",
    "get_config_list": "autogen.llm_config.utils",
    "get_first_llm_config": "autogen.llm_config.utils",
}

# config entry classes live in autogen.llm_config.entry
_ENTRY_MODULE = "autogen.llm_config.entry"
_ENTRY_CLASSES = (
    "LLMConfigEntry",
    "OpenAILLMConfigEntry",
    "AzureOpenAILLMConfigEntry",
    "OpenAIResponsesLLMConfigEntry",
    "OpenAIV2LLMConfigEntry",
    "OpenAIResponsesV2LLMConfigEntry",
    "DeepSeekLLMConfigEntry",
    "AnthropicLLMConfigEntry",
    "AnthropicV2LLMConfigEntry",
    "BedrockLLMConfigEntry",
    "BedrockV2LLMConfigEntry",
    "GeminiLLMConfigEntry",
    "GeminiVertexLLMConfigEntry",
    "MistralLLMConfigEntry",
    "TogetherLLMConfigEntry",
    "GroqLLMConfigEntry",
    "CohereLLMConfigEntry",
    "OllamaLLMConfigEntry",
    "CerebrasLLMConfigEntry",
)

__all__ = [
    "OAI_PRICE1K",
    "AnthropicLLMConfigEntry",
    "AnthropicV2LLMConfigEntry",
    "AzureOpenAILLMConfigEntry",
    "BedrockLLMConfigEntry",
    "BedrockV2LLMConfigEntry",
    "Cache",
    "CerebrasLLMConfigEntry",
    "CohereLLMConfigEntry",
    "DeepSeekLLMConfigEntry",
    "GeminiLLMConfigEntry",
    "GeminiVertexLLMConfigEntry",
    "GroqLLMConfigEntry",
    "LLMCallError",
    "LLMConfigEntry",
    "LLMTimeoutError",
    "MissingAPIKeyError",
    "MistralLLMConfigEntry",
    "ModelClient",
    "OllamaLLMConfigEntry",
    "OpenAIClient",
    "OpenAILLMConfigEntry",
    "OpenAIResponsesLLMConfigEntry",
    "OpenAIResponsesV2LLMConfigEntry",
    "OpenAIV2LLMConfigEntry",
    "OpenAIWrapper",
    "TogetherLLMConfigEntry",
    "UnsupportedAPITypeError",
    "config_list_from_dotenv",
    "config_list_from_json",
    "config_list_from_models",
    "config_list_gpt4_gpt35",
    "config_list_openai_aoai",
    "filter_config",
    "get_config_list",
    "get_first_llm_config",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None and name.endswith("LLMConfigEntry"):
        module = _ENTRY_MODULE
    if module is None:
        raise AttributeError(f"module 'autogen.oai' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
