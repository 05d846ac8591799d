"""ag2's package of the new-style ("v2") model clients.

Here every provider is reached through :mod:`autogen.oai`; this package keeps ag2's import paths
for the v2 config entries (defined in :mod:`autogen.llm_config.entry`), resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "AnthropicV2LLMConfigEntry": "autogen.llm_config.entry",
    "BedrockV2LLMConfigEntry": "autogen.llm_config.entry",
    "OpenAIV2LLMConfigEntry": "autogen.llm_config.entry",
    "OpenAIResponsesV2LLMConfigEntry": "autogen.llm_config.entry",
}

__all__ = [
    "AnthropicV2LLMConfigEntry",
    "BedrockV2LLMConfigEntry",
    "OpenAIResponsesV2LLMConfigEntry",
    "OpenAIV2LLMConfigEntry",
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
