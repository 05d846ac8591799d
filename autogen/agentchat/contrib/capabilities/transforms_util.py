"""Message helpers shared by the message transforms: token counting, truncation, filtering, pairing.

Every helper treats messages as read-only: a function that changes a message returns a new dict
(copy-on-write) and returns the very same object when nothing changed, because histories share
message dicts between agents.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autogen.cache.abstract_cache_base import AbstractCache

__all__ = [
    "cache_content_get",
    "cache_content_set",
    "cache_key",
    "count_text_tokens",
    "is_content_right_type",
    "is_content_text_empty",
    "is_tool_call",
    "is_tool_response",
    "message_spans",
    "message_text_tokens",
    "min_tokens_reached",
    "should_transform_message",
    "truncate_message",
    "truncate_text_to_tokens",
]

DEFAULT_MODEL = "gpt-3.5-turbo-0613"

# -- tokens --------------------------------------------------------------------------------------


def _count(text: str, model: str) -> int:
    # Imported here so this module loads even before the token counter does; the counter itself
    # decides between tiktoken and an offline estimate.
    from autogen.token_count_utils import count_token

    return count_token(text, model=model) if text else 0


def count_text_tokens(content: Any, model: str = DEFAULT_MODEL) -> int:
    """Tokens in the text of a message content: a str, a multimodal list, or None (0 tokens).

    In a multimodal list, plain strings and the ``text`` of ``{"type": "text"}`` parts count;
    images and other non-text parts do not.
    """
    if isinstance(content, str):
        return _count(content, model)
    if isinstance(content, list):
        total = 0
        for item in content:
            if isinstance(item, str):
                total += _count(item, model)
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                total += _count(item["text"], model)
        return total
    return 0


def message_text_tokens(message: dict[str, Any], model: str = DEFAULT_MODEL) -> int:
    """Tokens of the text a message sends to the model.

    A stored tool message carries its results under ``tool_responses`` (unrolled when sent), so
    those results are what counts; its top-level ``content`` is only their joined copy.
    """
    responses = message.get("tool_responses")
    if isinstance(responses, list) and responses:
        return sum(count_text_tokens(r.get("content"), model) for r in responses if isinstance(r, dict))
    return count_text_tokens(message.get("content"), model)


def min_tokens_reached(messages: Sequence[dict[str, Any]], min_tokens: int | None, model: str = DEFAULT_MODEL) -> bool:
    """True when ``min_tokens`` is unset/0 or the messages hold at least that many text tokens."""
    if not min_tokens:
        return True
    total = 0
    for message in messages:
        total += message_text_tokens(message, model)
        if total >= min_tokens:
            return True
    return False


def truncate_text_to_tokens(text: str, max_tokens: int, model: str = DEFAULT_MODEL) -> str:
    """The longest prefix of ``text`` that counts at most ``max_tokens`` tokens.

    Uses only the shared token counter (a binary search over prefix lengths), so truncation agrees
    with counting whether the exact tokenizer or the offline estimate is in use.
    """
    if max_tokens <= 0 or not text:
        return ""
    total = _count(text, model)
    if total <= max_tokens:
        return text
    low, high = 0, len(text)  # invariant: prefix of length `low` fits, of length `high` does not
    # Narrow the search from the average characters per token first; long texts then need only a
    # few counts of short prefixes.
    guess = int(len(text) * max_tokens / total * 1.2) + 1
    if guess < high and _count(text[:guess], model) > max_tokens:
        high = guess
    while high - low > 1:
        middle = (low + high) // 2
        if _count(text[:middle], model) <= max_tokens:
            low = middle
        else:
            high = middle
    return text[:low]


def _truncate_content(content: Any, max_tokens: int, model: str) -> tuple[Any, int]:
    """Truncate a content value to a shared budget; returns (new content, tokens it now holds).

    The same object comes back when it already fits. In a multimodal list the text parts share the
    budget in order (earlier text is kept first) and non-text parts are kept untouched.
    """
    if isinstance(content, str):
        new = truncate_text_to_tokens(content, max_tokens, model)
        return (content if new == content else new), count_text_tokens(new, model)
    if isinstance(content, list):
        remaining = max(max_tokens, 0)
        changed = False
        parts: list[Any] = []
        for item in content:
            text = item if isinstance(item, str) else item.get("text") if isinstance(item, dict) else None
            if not isinstance(text, str):
                parts.append(item)
                continue
            new_text = truncate_text_to_tokens(text, remaining, model)
            remaining -= count_text_tokens(new_text, model)
            if new_text == text:
                parts.append(item)
                continue
            changed = True
            parts.append(new_text if isinstance(item, str) else {**item, "text": new_text})
        used = max(max_tokens, 0) - remaining
        return (parts if changed else content), used
    return content, 0


def truncate_message(message: dict[str, Any], max_tokens: int, model: str = DEFAULT_MODEL) -> dict[str, Any]:
    """A message whose text holds at most ``max_tokens`` tokens (the same dict if it already fits).

    ``None`` content is left alone. Tool results under ``tool_responses`` share the budget in order;
    the top-level ``content`` of such a message is truncated to the same budget on its own.
    """
    updates: dict[str, Any] = {}
    content = message.get("content")
    new_content, _ = _truncate_content(content, max_tokens, model)
    if new_content is not content:
        updates["content"] = new_content

    responses = message.get("tool_responses")
    if isinstance(responses, list) and responses:
        remaining = max(max_tokens, 0)
        new_responses: list[Any] = []
        responses_changed = False
        for response in responses:
            if not isinstance(response, dict):
                new_responses.append(response)
                continue
            old = response.get("content")
            new, used = _truncate_content(old, remaining, model)
            remaining -= used
            if new is old:
                new_responses.append(response)
            else:
                responses_changed = True
                new_responses.append({**response, "content": new})
        if responses_changed:
            updates["tool_responses"] = new_responses

    return {**message, **updates} if updates else message


# -- content checks ------------------------------------------------------------------------------


def is_content_right_type(content: Any) -> bool:
    """Whether a content value is text a transform can work on (a str or a multimodal list)."""
    return isinstance(content, (str, list))


def is_content_text_empty(content: Any) -> bool:
    """True when a content value holds no text at all (None, "", or a list without text)."""
    if isinstance(content, str):
        return content == ""
    if isinstance(content, list):
        for item in content:
            if isinstance(item, str) and item:
                return False
            if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"]:
                return False
        return True
    return True


# -- filtering -----------------------------------------------------------------------------------


def _field_matches(value: Any, accepted: Any) -> bool:
    # A missing field never matches, even when None is among the accepted values (as filter_config).
    if value is None:
        return False
    if isinstance(accepted, (str, bytes)) or not isinstance(accepted, Iterable):
        accepted = [accepted]
    accepted = list(accepted)
    if isinstance(value, list):
        return any(v in accepted for v in value)
    return value in accepted


def should_transform_message(message: dict[str, Any], filter_dict: dict[str, Any] | None, exclude: bool) -> bool:
    """Whether a transform applies to ``message`` under ``filter_dict``.

    A message matches when, for every key of ``filter_dict``, its value is one of the listed values.
    With ``exclude=True`` matching messages are left alone; with ``exclude=False`` only matching
    messages are transformed. No filter means every message is transformed.
    """
    if not filter_dict:
        return True
    matches = all(_field_matches(message.get(key), accepted) for key, accepted in filter_dict.items())
    return not matches if exclude else matches


# -- tool-call pairing ---------------------------------------------------------------------------


def is_tool_call(message: dict[str, Any]) -> bool:
    """An assistant message asking for tools or a function to run."""
    return bool(message.get("tool_calls")) or bool(message.get("function_call"))


def is_tool_response(message: dict[str, Any]) -> bool:
    """A message carrying tool or function results (OpenAI ``role: tool/function`` or ag2 ``tool_responses``)."""
    return message.get("role") in ("tool", "function") or bool(message.get("tool_responses"))


def message_spans(messages: Sequence[dict[str, Any]]) -> list[tuple[int, int]]:
    """Split messages into units that must be kept or dropped together, as ``(start, end)`` ranges.

    A tool call and the result messages right after it form one unit, so a cut between units never
    separates a call from its results (the API rejects a result without its call). Every other
    message is a unit of its own; result messages without a preceding call stay together as well.
    """
    spans: list[tuple[int, int]] = []
    index = 0
    count = len(messages)
    while index < count:
        end = index + 1
        if is_tool_call(messages[index]) or is_tool_response(messages[index]):
            while end < count and is_tool_response(messages[end]) and not is_tool_call(messages[end]):
                end += 1
        spans.append((index, end))
        index = end
    return spans


# -- caching -------------------------------------------------------------------------------------


def cache_key(content: Any, *args: Hashable) -> str:
    """A cache key built from a message content and any extra settings that change the result."""
    return "".join(repr(part) for part in (content, *args))


def cache_content_get(cache: AbstractCache | None, key: str) -> tuple[Any, ...] | None:
    """The cached value under ``key``, or None when there is no cache or no entry."""
    if cache is None:
        return None
    value = cache.get(key)
    return value if value else None


def cache_content_set(cache: AbstractCache | None, key: str, content: Any, *extra_values: Any) -> None:
    """Store ``(content, *extra_values)`` under ``key`` when a cache is given."""
    if cache is not None:
        cache.set(key, (content, *extra_values))
