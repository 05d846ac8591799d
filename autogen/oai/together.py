"""The Together.AI model client (``api_type="together"``), over the ``together`` SDK (2.x and 3.x).

Config entry, as in ag2::

    {"api_type": "together", "model": "mistralai/Mixtral-8x7B-Instruct-v0.1", "api_key": os.environ["TOGETHER_API_KEY"]}

``base_url`` may be Together's OpenAI-compatible URL (``https://api.together.xyz/v1``) or, with the 3.x
SDK, its root. Together's own sampling settings (``top_k``, ``repetition_penalty``, ``min_p``,
``safety_model``) are sent; ``max_tokens`` defaults to 512. A request that offers tools does not
stream (with a warning), and ``response_format`` is ignored with a warning, as in ag2. Cost follows
Together's price tiers by model size. The request is sent by :mod:`autogen.oai._chat_completions_sdk`.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..llm_config.entry import TogetherLLMConfigEntry
from ._chat_completions_sdk import ChatSDKClient, ChatSDKProvider, ParamRule, register_provider, to_chat_messages

__all__ = ["TogetherClient", "TogetherLLMConfigEntry", "calculate_together_cost", "oai_messages_to_together_messages"]

# Billions of parameters of Together's dense chat, language and code models.
chat_lang_code_model_sizes: dict[str, float] = {
    **dict.fromkeys(["Qwen/Qwen1.5-0.5B-Chat"], 0.5),
    **dict.fromkeys(["Qwen/Qwen1.5-1.8B-Chat"], 1.8),
    **dict.fromkeys(["google/gemma-2b-it"], 2),
    **dict.fromkeys(["togethercomputer/RedPajama-INCITE-Chat-3B-v1"], 3),
    **dict.fromkeys(["Qwen/Qwen1.5-4B-Chat"], 4),
    **dict.fromkeys(
        [
            "allenai/OLMo-7B-Instruct", "allenai/OLMo-7B-Twin-2T", "allenai/OLMo-7B", "google/gemma-7b-it",
            "lmsys/vicuna-7b-v1.5", "codellama/CodeLlama-7b-Instruct-hf", "meta-llama/Llama-2-7b-chat-hf",
            "mistralai/Mistral-7B-Instruct-v0.1", "mistralai/Mistral-7B-Instruct-v0.2",
            "mistralai/Mistral-7B-Instruct-v0.3", "NousResearch/Nous-Capybara-7B-V1p9",
            "NousResearch/Nous-Hermes-llama-2-7b", "openchat/openchat-3.5-1210", "Open-Orca/Mistral-7B-OpenOrca",
            "Qwen/Qwen1.5-7B-Chat", "snorkelai/Snorkel-Mistral-PairRM-DPO", "togethercomputer/alpaca-7b",
            "teknium/OpenHermes-2-Mistral-7B", "teknium/OpenHermes-2p5-Mistral-7B",
            "togethercomputer/Llama-2-7B-32K-Instruct", "togethercomputer/RedPajama-INCITE-7B-Chat",
            "togethercomputer/StripedHyena-Nous-7B", "Undi95/Toppy-M-7B",
        ],
        7,
    ),
    **dict.fromkeys(["meta-llama/Llama-3-8b-chat-hf"], 8),
    **dict.fromkeys(["upstage/SOLAR-10.7B-Instruct-v1.0"], 11),
    **dict.fromkeys(
        [
            "Austism/chronos-hermes-13b", "Gryphe/MythoMax-L2-13b", "lmsys/vicuna-13b-v1.5",
            "codellama/CodeLlama-13b-Instruct-hf", "meta-llama/Llama-2-13b-chat-hf",
            "NousResearch/Nous-Hermes-Llama2-13b", "Undi95/ReMM-SLERP-L2-13B", "WizardLM/WizardLM-13B-V1.2",
        ],
        13,
    ),
    **dict.fromkeys(["Qwen/Qwen1.5-14B-Chat"], 14),
    **dict.fromkeys(["Qwen/Qwen1.5-32B-Chat"], 32),
    **dict.fromkeys(["deepseek-ai/deepseek-coder-33b-instruct"], 33),
    **dict.fromkeys(
        ["zero-one-ai/Yi-34B-Chat", "codellama/CodeLlama-34b-Instruct-hf", "NousResearch/Nous-Hermes-2-Yi-34B"], 34
    ),
    **dict.fromkeys(["deepseek-ai/deepseek-llm-67b-chat"], 67),
    **dict.fromkeys(
        [
            "garage-bAInd/Platypus2-70B-instruct", "codellama/CodeLlama-70b-Instruct-hf",
            "meta-llama/Llama-2-70b-chat-hf", "meta-llama/Llama-3-70b-chat-hf",
        ],
        70,
    ),
    **dict.fromkeys(["Qwen/Qwen1.5-72B-Chat", "Qwen/Qwen2-72B-Instruct"], 72),
    **dict.fromkeys(["Qwen/Qwen1.5-110B-Chat"], 110),
}  # fmt: skip

# USD per million tokens for dense models, by the largest size (billions of parameters) of each tier.
chat_lang_code_model_costs: dict[float, float] = {4: 0.1, 8: 0.2, 21: 0.3, 41: 0.8, 80: 0.9, 110: 1.8}

# Billions of parameters (all experts) of Together's mixture-of-experts models.
mixture_model_sizes: dict[str, float] = {
    "NousResearch/Nous-Hermes-2-Mistral-7B-DPO": 7,
    "mistralai/Mixtral-8x7B-Instruct-v0.1": 47,
    "NousResearch/Nous-Hermes-2-Mixtral-8x7B-DPO": 47,
    "NousResearch/Nous-Hermes-2-Mixtral-8x7B-SFT": 47,
    "cognitivecomputations/dolphin-2.5-mixtral-8x7b": 56,
    "databricks/dbrx-instruct": 132,
    "mistralai/Mixtral-8x22B-Instruct-v0.1": 141,
    "Snowflake/snowflake-arctic-instruct": 480,
}

# USD per million tokens for mixture-of-experts models, by the largest size of each tier.
mixture_costs: dict[float, float] = {56: 0.6, 176: 1.2, 480: 2.4}


def _tier_price(size: float, tiers: dict[float, float]) -> float:
    return next((price for top, price in tiers.items() if size <= top), 0)


def calculate_together_cost(input_tokens: int, output_tokens: int, model_name: str) -> float:
    """USD cost of a Together reply: the model's size tier price per million tokens, input and output alike.

    A model missing from the size tables costs 0, with a warning pointing at the entry's ``price``.
    """
    if model_name in chat_lang_code_model_sizes:
        cost_per_mil = _tier_price(chat_lang_code_model_sizes[model_name], chat_lang_code_model_costs)
    elif model_name in mixture_model_sizes:
        cost_per_mil = _tier_price(mixture_model_sizes[model_name], mixture_costs)
    else:
        warnings.warn(
            "The model isn't catered for costing, to apply costs you can use the 'price' key on your config_list.",
            UserWarning,
        )
        return 0
    if cost_per_mil == 0:
        warnings.warn("Model size doesn't align with cost structure.", UserWarning)
    return cost_per_mil * ((input_tokens + output_tokens) / 1e6)


def _route_prefix(sdk: Any) -> str:
    # together 3.x routes to /v1/chat/completions from the host; 2.x to /chat/completions from .../v1
    major = str(getattr(sdk, "__version__", "3")).split(".", 1)[0]
    return "/v1" if major.isdigit() and int(major) >= 3 else ""


TOGETHER = register_provider(
    ChatSDKProvider(
        api_type="together",
        label="Together.AI",
        format_label="Together.AI",
        extra="together",
        module="together",
        sync_class="Together",
        async_class="AsyncTogether",
        key_env="TOGETHER_API_KEY",
        route_prefix=_route_prefix,
        rules=(
            ParamRule("max_tokens", int, default=512, bounds=(0, None)),
            ParamRule("stream", bool, default=False, allow_none=False),
            ParamRule("temperature", (int, float)),
            ParamRule("top_p", (int, float)),
            ParamRule("top_k", int),
            ParamRule("repetition_penalty", float),
            ParamRule("presence_penalty", (int, float), bounds=(-2, 2)),
            ParamRule("frequency_penalty", (int, float), bounds=(-2, 2)),
            ParamRule("min_p", (int, float), bounds=(0, 1)),
            ParamRule("safety_model", str),
            ParamRule("tool_choice", object, only_if_given=True),
        ),
        cost=calculate_together_cost,
        forwarded=frozenset({"stop", "seed", "reasoning_effort"}),
        keep_names=True,
        stream_with_tools=False,
    )
)


class TogetherClient(ChatSDKClient):
    """Together.AI's chat completions through the ``together`` SDK (``TogetherClient(**config_entry)`` as in ag2)."""

    PROVIDER = TOGETHER


def oai_messages_to_together_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages as sent to Together.AI (see :func:`autogen.oai._chat_completions_sdk.to_chat_messages`).

    Departure from ag2: tool results stay ``tool`` messages answering their call (Together's API takes
    them); ag2 turned them into user messages.
    """
    return to_chat_messages(messages, keep_names=True)
