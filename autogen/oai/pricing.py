"""Built-in price table for OpenAI models and the cost of one model response.

Prices are US dollars per 1,000 tokens as ``(prompt, completion)``. Model names returned by the API
often carry a date or version suffix (``gpt-4o-2024-08-06``); those are priced by the longest table
entry they extend. An unknown model costs 0 and is reported with one warning per model name per
process, so long chats do not flood the log.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "OAI_PRICE1K",
    "cost_from_tokens",
    "lookup_price",
    "normalize_price",
    "response_cost",
    "warn_unpriced_once",
]

logger = logging.getLogger(__name__)

Price = tuple[float, float]

# USD per 1K tokens: (prompt, completion). Sources: OpenAI's public pricing pages (2024-2025).
OAI_PRICE1K: dict[str, Price | float] = {
    # GPT-5 family
    "gpt-5": (0.00125, 0.01),
    "gpt-5-chat-latest": (0.00125, 0.01),
    "gpt-5-codex": (0.00125, 0.01),
    "gpt-5-mini": (0.00025, 0.002),
    "gpt-5-nano": (0.00005, 0.0004),
    "gpt-5-pro": (0.015, 0.12),
    "gpt-5.1": (0.00125, 0.01),
    "gpt-5.1-chat-latest": (0.00125, 0.01),
    "gpt-5.1-codex": (0.00125, 0.01),
    "gpt-5.1-codex-mini": (0.00025, 0.002),
    # GPT-4.1 family
    "gpt-4.1": (0.002, 0.008),
    "gpt-4.1-mini": (0.0004, 0.0016),
    "gpt-4.1-nano": (0.0001, 0.0004),
    # GPT-4o family
    "gpt-4o": (0.0025, 0.01),
    "gpt-4o-2024-05-13": (0.005, 0.015),
    "chatgpt-4o-latest": (0.005, 0.015),
    "gpt-4o-mini": (0.00015, 0.0006),
    "gpt-4o-audio-preview": (0.0025, 0.01),
    "gpt-4o-search-preview": (0.0025, 0.01),
    "gpt-4o-mini-search-preview": (0.00015, 0.0006),
    # reasoning models
    "o1": (0.015, 0.06),
    "o1-preview": (0.015, 0.06),
    "o1-mini": (0.0011, 0.0044),
    "o1-pro": (0.15, 0.6),
    "o3": (0.002, 0.008),
    "o3-pro": (0.02, 0.08),
    "o3-mini": (0.0011, 0.0044),
    "o3-deep-research": (0.01, 0.04),
    "o4-mini": (0.0011, 0.0044),
    "o4-mini-deep-research": (0.002, 0.008),
    # GPT-4 (legacy)
    "gpt-4": (0.03, 0.06),
    "gpt-4-0314": (0.03, 0.06),
    "gpt-4-0613": (0.03, 0.06),
    "gpt-4-32k": (0.06, 0.12),
    "gpt-4-32k-0314": (0.06, 0.12),
    "gpt-4-32k-0613": (0.06, 0.12),
    "gpt-4-turbo": (0.01, 0.03),
    "gpt-4-turbo-preview": (0.01, 0.03),
    "gpt-4-1106-preview": (0.01, 0.03),
    "gpt-4-0125-preview": (0.01, 0.03),
    "gpt-4-vision-preview": (0.01, 0.03),
    "gpt-4-1106-vision-preview": (0.01, 0.03),
    # GPT-3.5 (legacy)
    "gpt-3.5-turbo": (0.0005, 0.0015),
    "gpt-3.5-turbo-0125": (0.0005, 0.0015),
    "gpt-3.5-turbo-1106": (0.001, 0.002),
    "gpt-3.5-turbo-0613": (0.0015, 0.002),
    "gpt-3.5-turbo-0301": (0.0015, 0.002),
    "gpt-3.5-turbo-16k": (0.003, 0.004),
    "gpt-3.5-turbo-16k-0613": (0.003, 0.004),
    "gpt-3.5-turbo-instruct": (0.0015, 0.002),
    # Azure spells GPT-3.5 without the dot
    "gpt-35-turbo": (0.0005, 0.0015),
    "gpt-35-turbo-0125": (0.0005, 0.0015),
    "gpt-35-turbo-1106": (0.001, 0.002),
    "gpt-35-turbo-0613": (0.0015, 0.002),
    "gpt-35-turbo-16k": (0.003, 0.004),
    "gpt-35-turbo-instruct": (0.0015, 0.002),
    # DeepSeek (api_type "deepseek" goes through the openai client)
    "deepseek-chat": (0.00027, 0.0011),
    # legacy completion models
    "davinci-002": 0.002,
    "babbage-002": 0.0004,
}

# What may follow a table name for a dated / versioned model id to share its price.
_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4}|\d{2}-\d{2}|latest|preview(-\d{4}-\d{2}-\d{2})?)$")

_warned_unknown: set[str] = set()
_warned_single_price: set[float] = set()
_warn_lock = threading.Lock()


def lookup_price(model: str) -> Price | None:
    """Return ``(prompt, completion)`` USD per 1K tokens for ``model``, or None when unknown.

    Exact names win; otherwise the longest table name that ``model`` extends with a date or
    version suffix (e.g. ``gpt-4o-mini-2024-07-18`` -> ``gpt-4o-mini``). A provider prefix such as
    ``openai/`` is ignored.
    """
    # Called once per response; the table scan is cached per model (and redone if entries are added).
    return _lookup_price(model, len(OAI_PRICE1K))


@functools.lru_cache(maxsize=512)
def _lookup_price(model: str, table_size: int) -> Price | None:
    if not model:
        return None
    name = model.rsplit("/", 1)[-1].lower()
    price = OAI_PRICE1K.get(name)
    if price is None:
        best = ""
        for key in OAI_PRICE1K:
            if len(key) > len(best) and name.startswith(key) and _SUFFIX.fullmatch(name[len(key) :]):
                best = key
        if best:
            price = OAI_PRICE1K[best]
    if price is None:
        return None
    return (price, price) if isinstance(price, (int, float)) else (float(price[0]), float(price[1]))


def normalize_price(price: object) -> Price | None:
    """Turn a config entry's ``price`` into ``(prompt, completion)`` per 1K tokens.

    A single number is accepted for both directions (with one warning per value); anything other
    than a number or a pair of numbers is a ValueError that says what is expected.
    """
    if price is None:
        return None
    if isinstance(price, (int, float)) and not isinstance(price, bool):
        with _warn_lock:
            first = float(price) not in _warned_single_price
            _warned_single_price.add(float(price))
        if first:
            warnings.warn(
                f"price={price!r} is a single number; it is used for both prompt and completion tokens. "
                "Give [prompt_price_per_1k, completion_price_per_1k] to price them separately.",
                UserWarning,
                stacklevel=3,
            )
        return (float(price), float(price))
    if (
        isinstance(price, Sequence)
        and not isinstance(price, str)
        and len(price) == 2
        and all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in price)
    ):
        return (float(price[0]), float(price[1]))
    raise ValueError(
        f"price must be [prompt_price_per_1k, completion_price_per_1k] (two numbers, USD per 1,000 tokens); "
        f"got {price!r}"
    )


def cost_from_tokens(model: str, prompt_tokens: int, completion_tokens: int, price: Price | None = None) -> float:
    """USD cost of a response: ``price`` when given, else the built-in table; unknown model -> 0.0.

    The first time an unknown model name is seen in this process a warning explains how to set
    ``price`` in the config entry.
    """
    if price is None:
        price = lookup_price(model)
    if price is None:
        if model in _warned_unknown:
            return 0.0
        with _warn_lock:
            first = model not in _warned_unknown
            _warned_unknown.add(model)
        if first:
            # logged (not warnings.warn): a notice about accounting, once per model, without a line of
            # library source in the middle of a transcript
            logger.warning(
                "Model %r is not in the price table, so its cost is counted as 0. Set 'price': "
                "[prompt_price_per_1k, completion_price_per_1k] in its config entry to track cost.",
                model,
            )
        return 0.0
    return (price[0] * (prompt_tokens or 0) + price[1] * (completion_tokens or 0)) / 1000


def warn_unpriced_once(warned: set[str], model: str, message: str, stacklevel: int = 1) -> None:
    """Warn ``message`` (a UserWarning) the first time ``model`` is added to ``warned``.

    ``stacklevel`` counts from the caller, as it would for its own ``warnings.warn``.
    """
    if model in warned:
        return
    warned.add(model)
    warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def response_cost(response: Any, cost_of: Callable[[str, int, int], float]) -> float:
    """USD cost of ``response``: the ``.cost`` set when it was built, else ``cost_of(model, prompt, completion)``
    on its usage (0 without usage)."""
    cost = getattr(response, "cost", None)
    if isinstance(cost, (int, float)):
        return float(cost)
    usage = getattr(response, "usage", None)
    if usage is None:
        return 0.0
    return cost_of(str(response.model), usage.prompt_tokens or 0, usage.completion_tokens or 0)
