"""The Groq model client (``api_type="groq"``), over the ``groq`` SDK.

Config entry, as in ag2::

    {"api_type": "groq", "model": "llama-3.3-70b-versatile", "api_key": os.environ["GROQ_API_KEY"]}

``base_url`` may be Groq's OpenAI-compatible URL (``https://api.groq.com/openai/v1``) or the SDK's
(``https://api.groq.com``). Replies stream with ``stream=True`` (tool calls too). Message names are not
sent, ``response_format`` is ignored with a warning, as in ag2. The request is sent by the shared
implementation in :mod:`autogen.oai._chat_completions_sdk`.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

from ..llm_config.entry import GroqLLMConfigEntry
from ._chat_completions_sdk import ChatSDKClient, ChatSDKProvider, ParamRule, register_provider

__all__ = [
    "GROQ_PRICING_1K",
    "GroqClient",
    "GroqLLMConfigEntry",
    "calculate_groq_cost",
    "oai_messages_to_groq_messages",
]

# USD per 1K tokens (input, output), from Groq's price list ($ per million / 1000).
GROQ_PRICING_1K: dict[str, tuple[float, float]] = {
    "llama3-70b-8192": (0.00059, 0.00079),
    "mixtral-8x7b-32768": (0.00024, 0.00024),
    "llama3-8b-8192": (0.00005, 0.00008),
    "gemma-7b-it": (0.00007, 0.00007),
    "llama-3.3-70b-versatile": (0.00059, 0.00079),
    "llama-3.1-8b-instant": (0.00005, 0.00008),
}


def calculate_groq_cost(input_tokens: int, output_tokens: int, model: str) -> float:
    """USD cost of a Groq reply from ``GROQ_PRICING_1K``; an unknown model costs 0 (with a warning)."""
    price = GROQ_PRICING_1K.get(model)
    if price is None:
        warnings.warn(f"Cost calculation not available for model {model}", UserWarning)
        return 0.0
    return (input_tokens / 1000) * price[0] + (output_tokens / 1000) * price[1]


_TOOL_CHOICES = ["none", "auto", "required"]

GROQ = register_provider(
    ChatSDKProvider(
        api_type="groq",
        label="Groq",
        format_label="Groq API",
        extra="groq",
        module="groq",
        sync_class="Groq",
        async_class="AsyncGroq",
        key_env="GROQ_API_KEY",
        route_prefix=lambda sdk: "/openai/v1",
        rules=(
            ParamRule("frequency_penalty", (int, float), bounds=(-2, 2)),
            ParamRule("max_tokens", int, bounds=(0, None)),
            ParamRule("temperature", (int, float), default=1, bounds=(0, 2)),
            ParamRule("top_p", (int, float)),
            ParamRule("presence_penalty", (int, float), bounds=(-2, 2)),
            ParamRule("seed", int),
            ParamRule("stream", bool, default=False),
            ParamRule("tool_choice", str, allowed=_TOOL_CHOICES, only_if_given=True),
        ),
        cost=calculate_groq_cost,
        forwarded=frozenset({"stop", "user", "parallel_tool_calls", "reasoning_effort"}),
    )
)


class GroqClient(ChatSDKClient):
    """Groq's chat completions through the ``groq`` SDK (``GroqClient(**config_entry)`` as in ag2)."""

    PROVIDER = GROQ


def oai_messages_to_groq_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of ``messages`` without their ``name`` fields (ag2's conversion; requests go through
    :func:`autogen.oai._chat_completions_sdk.to_chat_messages`, which also does this)."""
    converted = copy.deepcopy(messages)
    for message in converted:
        message.pop("name", None)
    return converted
