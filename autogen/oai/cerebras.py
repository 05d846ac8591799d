"""The Cerebras model client (``api_type="cerebras"``), over the ``cerebras_cloud_sdk`` SDK.

Config entry, as in ag2::

    {"api_type": "cerebras", "model": "llama3.1-8b", "api_key": os.environ["CEREBRAS_API_KEY"]}

``base_url`` may be Cerebras' OpenAI-compatible URL (``https://api.cerebras.ai/v1``) or the SDK's
(``https://api.cerebras.ai``). Replies stream with ``stream=True`` (tool calls too). Message names are
not sent, ``response_format`` is ignored with a warning, as in ag2; the SDK's connection warm-up
request is switched off. The request is sent by :mod:`autogen.oai._chat_completions_sdk`.
"""

from __future__ import annotations

import copy
import math
import warnings
from typing import Any

from ..llm_config.entry import CerebrasLLMConfigEntry
from ._chat_completions_sdk import ChatSDKClient, ChatSDKProvider, ParamRule, register_provider

__all__ = [
    "CEREBRAS_PRICING_1K",
    "CerebrasClient",
    "CerebrasLLMConfigEntry",
    "calculate_cerebras_cost",
    "oai_messages_to_cerebras_messages",
]

# USD per 1K tokens (input, output): Cerebras' per-million prices / 1000.
CEREBRAS_PRICING_1K: dict[str, tuple[float, float]] = {
    "llama3.1-8b": (0.10 / 1000, 0.10 / 1000),
    "llama-3.3-70b": (0.85 / 1000, 1.20 / 1000),
}


def _micro_ceil(usd: float) -> float:
    """``usd`` rounded up to a millionth of a dollar."""
    return math.ceil(usd * 1e6) / 1e6


def calculate_cerebras_cost(input_tokens: int, output_tokens: int, model: str) -> float:
    """USD cost of a Cerebras reply from ``CEREBRAS_PRICING_1K``, each part and the total rounded up to
    $0.000001; an unknown model costs 0 (with a warning)."""
    price = CEREBRAS_PRICING_1K.get(model)
    if price is None:
        warnings.warn(f"Cost calculation not available for model {model}", UserWarning)
        return 0.0
    prompt = _micro_ceil((input_tokens / 1000) * price[0])
    completion = _micro_ceil((output_tokens / 1000) * price[1])
    return _micro_ceil(prompt + completion)


CEREBRAS = register_provider(
    ChatSDKProvider(
        api_type="cerebras",
        label="Cerebras",
        format_label="Cerebras",
        extra="cerebras",
        module="cerebras.cloud.sdk",
        sync_class="Cerebras",
        async_class="AsyncCerebras",
        key_env="CEREBRAS_API_KEY",
        route_prefix=lambda sdk: "/v1",
        rules=(
            ParamRule("max_tokens", int, bounds=(0, None)),
            ParamRule("temperature", (int, float), default=1.0, bounds=(0, 1.5)),
            ParamRule("top_p", (int, float), bounds=(0.0, 1.0)),
            ParamRule("seed", int),
            ParamRule("stream", bool, default=False),
            ParamRule("tool_choice", str, allowed=["none", "auto", "required"]),
        ),
        cost=calculate_cerebras_cost,
        forwarded=frozenset({"stop", "user", "reasoning_effort"}),
        client_options={"warm_tcp_connection": False},
    )
)


class CerebrasClient(ChatSDKClient):
    """Cerebras' chat completions through ``cerebras_cloud_sdk`` (``CerebrasClient(**config_entry)`` as in ag2)."""

    PROVIDER = CEREBRAS


def oai_messages_to_cerebras_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of ``messages`` without their ``name`` fields (ag2's conversion; requests go through
    :func:`autogen.oai._chat_completions_sdk.to_chat_messages`, which also does this)."""
    converted = copy.deepcopy(messages)
    for message in converted:
        message.pop("name", None)
    return converted
