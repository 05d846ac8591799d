"""ag2's new-style ("v2") model clients and their unified response data.

A v2 client's ``create`` returns a :class:`UnifiedResponse`: typed content blocks (text, reasoning,
citations, tool calls, and blocks of unknown types kept whole) with usage and cost. ``OpenAIWrapper``
routes ``api_type="openai_v2"`` to :class:`OpenAICompletionsClient`, ``"anthropic_v2"`` to
:class:`AnthropicV2Client`, ``"bedrock_v2"`` to :class:`BedrockV2Client` and ``"responses_v2"`` to
:class:`OpenAIResponsesV2Client`; agents read their replies through the clients' ``message_retrieval``.

Everything here is loaded on first use, so ``import autogen.llm_clients`` imports neither pydantic nor
a provider SDK.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODELS = "autogen.llm_clients.models"
_LAZY: dict[str, str] = {
    "ModelClientV2": "autogen.llm_clients.client_v2",
    "OpenAICompletionsClient": "autogen.llm_clients.openai_completions_client",
    "AnthropicV2Client": "autogen.llm_clients.anthropic_v2",
    "BedrockV2Client": "autogen.llm_clients.bedrock_v2",
    "OpenAIResponsesV2Client": "autogen.llm_clients.openai_responses_v2",
    "AudioContent": _MODELS,
    "BaseContent": _MODELS,
    "CitationContent": _MODELS,
    "ContentBlock": _MODELS,
    "ContentParser": _MODELS,
    "GenericContent": _MODELS,
    "ImageContent": _MODELS,
    "ReasoningContent": _MODELS,
    "TextContent": _MODELS,
    "ToolCallContent": _MODELS,
    "ToolResultContent": _MODELS,
    "VideoContent": _MODELS,
    "UnifiedMessage": _MODELS,
    "UnifiedResponse": _MODELS,
    "AnthropicV2LLMConfigEntry": "autogen.llm_config.entry",
    "BedrockV2LLMConfigEntry": "autogen.llm_config.entry",
    "OpenAIV2LLMConfigEntry": "autogen.llm_config.entry",
    "OpenAIResponsesV2LLMConfigEntry": "autogen.llm_config.entry",
}

__all__ = [
    "AnthropicV2Client",
    "AnthropicV2LLMConfigEntry",
    "AudioContent",
    "BaseContent",
    "BedrockV2Client",
    "BedrockV2LLMConfigEntry",
    "CitationContent",
    "ContentBlock",
    "ContentParser",
    "GenericContent",
    "ImageContent",
    "ModelClientV2",
    "OpenAICompletionsClient",
    "OpenAIResponsesV2Client",
    "OpenAIResponsesV2LLMConfigEntry",
    "OpenAIV2LLMConfigEntry",
    "ReasoningContent",
    "TextContent",
    "ToolCallContent",
    "ToolResultContent",
    "UnifiedMessage",
    "UnifiedResponse",
    "VideoContent",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autogen.llm_clients' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
