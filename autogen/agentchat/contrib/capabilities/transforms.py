"""Message transforms: reshape the history an agent sends to its model, without touching the history.

Every transform here returns a new list and never modifies the given list or its message dicts
(messages are shared between agents' histories; a changed message is a new dict). Tool calls and
their results are kept or dropped together, and ``None`` content (tool-call messages) is legal.
"""

from __future__ import annotations

import logging
import sys
import warnings
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from autogen.agentchat.contrib.capabilities import transforms_util as util
from autogen.agentchat.contrib.capabilities.text_compressors import LLMLingua, TextCompressor

if TYPE_CHECKING:
    from autogen.cache.abstract_cache_base import AbstractCache

__all__ = [
    "MessageHistoryLimiter",
    "MessageTokenLimiter",
    "MessageTransform",
    "TextMessageCompressor",
    "TextMessageContentName",
    "TransformArgumentError",
]

logger = logging.getLogger(__name__)


@runtime_checkable
class MessageTransform(Protocol):
    """A step that rewrites the list of messages an agent is about to send to its model."""

    def apply_transform(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the transformed messages as a new list; must not modify ``messages`` or its dicts."""
        ...  # pragma: no cover

    def get_logs(
        self, pre_transform_messages: list[dict[str, Any]], post_transform_messages: list[dict[str, Any]]
    ) -> tuple[str, bool]:
        """Describe what the last transform did: ``(text, whether it changed anything)``."""
        ...  # pragma: no cover


class TransformArgumentError(ValueError, TypeError, AssertionError):
    """A transform was given an invalid argument (an AssertionError too, as ag2 asserted its arguments)."""


class MessageHistoryLimiter:
    """Keeps only the most recent messages (optionally also the very first one).

    The history is cut between whole units: a tool call and its results are kept or dropped
    together, and results at the cut whose call is not there are dropped too, so the kept history
    never starts with a tool result. When the
    newest unit is a tool exchange longer than the limit, it is kept whole (exceeding the limit),
    because a result without its call (or nothing at all) cannot be sent to the model.
    """

    def __init__(
        self,
        max_messages: int | None = None,
        keep_first_message: bool = False,
        exclude_names: list[str] | None = None,
    ) -> None:
        """Args:
        max_messages: how many messages to keep (None keeps all); must be at least 1.
        keep_first_message: also keep the first message (typically the task), counted in the limit.
        exclude_names: drop messages whose ``name`` is one of these (with their tool-call partners).
        """
        if max_messages is not None and (not isinstance(max_messages, int) or max_messages < 1):
            raise ValueError(f"max_messages must be None or an integer of at least 1, got {max_messages!r}")
        self._max_messages = max_messages
        self._keep_first_message = keep_first_message
        self._exclude_names = set(exclude_names) if exclude_names else None

    def apply_transform(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the kept messages, oldest first."""
        kept = self._without_excluded_names(messages)
        if self._max_messages is None or len(kept) <= self._max_messages:
            return list(kept)

        spans = util.message_spans(kept)
        head: list[dict[str, Any]] = []
        budget = self._max_messages
        if self._keep_first_message:
            first_start, first_end = spans.pop(0)
            head = kept[first_start:first_end]
            budget -= len(head)

        tail_start = len(kept)
        for position, (start, end) in enumerate(reversed(spans)):
            size = end - start
            if size <= budget:
                budget -= size
                tail_start = start
            elif position == 0 and budget > 0:
                tail_start = start  # the newest tool exchange stays whole
                break
            else:
                break
        # A result whose call is not kept (or never was) cannot open the history: the API refuses it.
        first_kept = tail_start
        while (
            first_kept < len(kept)
            and util.is_tool_response(kept[first_kept])
            and not util.is_tool_call(kept[first_kept])
        ):
            first_kept += 1
        if head or first_kept < len(kept):
            tail_start = first_kept
        return head + kept[tail_start:]

    def _without_excluded_names(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self._exclude_names:
            return messages
        kept: list[dict[str, Any]] = []
        for start, end in util.message_spans(messages):
            unit = messages[start:end]
            # A whole tool exchange goes when any part of it is excluded, so no half pair stays.
            if not any(message.get("name") in self._exclude_names for message in unit):
                kept.extend(unit)
        return kept

    def get_logs(
        self, pre_transform_messages: list[dict[str, Any]], post_transform_messages: list[dict[str, Any]]
    ) -> tuple[str, bool]:
        """Report how many messages were removed."""
        before, after = len(pre_transform_messages), len(post_transform_messages)
        if after < before:
            return (
                f"Removed {before - after} messages. Number of messages reduced from {before} to {after}.",
                True,
            )
        return "No messages were removed.", False


class MessageTokenLimiter:
    """Truncates messages to a per-message and a total token budget, keeping the newest text.

    Steps: when the messages hold fewer than ``min_tokens`` tokens nothing happens. Otherwise the
    messages are walked from newest to oldest; each message's text is cut to
    ``max_tokens_per_message``; the message that crosses ``max_tokens`` is cut to what is left and
    every older message is dropped. The cut falls between whole units, so a tool call and its
    results stay together (older parts of that unit keep their place with their text emptied).

    Only text counts: in multimodal content the text parts share the budget and images are kept.
    Messages excluded by ``filter_dict`` are kept unchanged but their tokens count toward the total.
    """

    def __init__(
        self,
        max_tokens_per_message: int | None = None,
        max_tokens: int | None = None,
        min_tokens: int | None = None,
        model: str = "gpt-3.5-turbo-0613",
        filter_dict: dict[str, Any] | None = None,
        exclude_filter: bool = True,
    ) -> None:
        """Args:
        max_tokens_per_message: most tokens any one message keeps (None: no per-message limit).
        max_tokens: most tokens all messages keep together (None: no total limit).
        min_tokens: do nothing unless the messages hold at least this many tokens.
        model: model whose tokenizer counts the tokens.
        filter_dict: selects messages by field values, e.g. ``{"role": ["system"]}``.
        exclude_filter: True leaves the selected messages alone; False truncates only them.
        """
        self._model = model
        self._max_tokens_per_message = self._validate_max_tokens(max_tokens_per_message, "max_tokens_per_message")
        self._max_tokens = self._validate_max_tokens(max_tokens, "max_tokens")
        self._min_tokens = self._validate_min_tokens(min_tokens, max_tokens)
        self._filter_dict = filter_dict
        self._exclude_filter = exclude_filter

    def apply_transform(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the truncated messages, oldest first."""
        if not util.min_tokens_reached(messages, self._min_tokens, self._model):
            return list(messages)

        kept_units: list[list[dict[str, Any]]] = []  # newest unit first
        used = 0
        for start, end in reversed(util.message_spans(messages)):
            remaining = self._max_tokens - used
            if remaining <= 0 and kept_units:
                break
            unit: list[dict[str, Any]] = []
            crossed_total = False
            for message in reversed(messages[start:end]):
                if not self._has_text(message):
                    unit.append(message)
                    continue
                tokens = util.message_text_tokens(message, self._model)
                if not util.should_transform_message(message, self._filter_dict, self._exclude_filter):
                    unit.append(message)
                    used += tokens
                    continue
                allowed = max(0, min(self._max_tokens_per_message, self._max_tokens - used))
                if tokens > allowed:
                    crossed_total = crossed_total or allowed < self._max_tokens_per_message
                    message = util.truncate_message(message, allowed, self._model)
                    tokens = util.message_text_tokens(message, self._model)
                used += tokens
                unit.append(message)
            unit.reverse()
            kept_units.append(unit)
            if crossed_total:
                break

        result: list[dict[str, Any]] = []
        for unit in reversed(kept_units):
            result.extend(unit)
        return result

    @staticmethod
    def _has_text(message: dict[str, Any]) -> bool:
        return util.is_content_right_type(message.get("content")) or bool(message.get("tool_responses"))

    def get_logs(
        self, pre_transform_messages: list[dict[str, Any]], post_transform_messages: list[dict[str, Any]]
    ) -> tuple[str, bool]:
        """Report how many tokens were cut."""
        before = sum(util.message_text_tokens(m, self._model) for m in pre_transform_messages)
        after = sum(util.message_text_tokens(m, self._model) for m in post_transform_messages)
        if after < before:
            return (
                f"Truncated {before - after} tokens. Number of tokens reduced from {before} to {after}",
                True,
            )
        return "No tokens were truncated.", False

    def _validate_max_tokens(self, value: int | None, name: str) -> int:
        if value is None:
            return sys.maxsize
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be None or an integer of at least 0, got {value!r}")
        limit = self._model_limit()
        if limit is not None and value > limit:
            warnings.warn(
                f"{name} was set to {value}, but {self._model} accepts at most {limit} tokens; using {limit}.",
                UserWarning,
                stacklevel=3,
            )
            return limit
        return value

    def _model_limit(self) -> int | None:
        try:
            from autogen.token_count_utils import get_max_token_limit

            return int(get_max_token_limit(self._model))
        except (ImportError, KeyError, ValueError):  # unknown model: no cap, the model will tell
            logger.debug("no known context size for model %s", self._model)
            return None

    @staticmethod
    def _validate_min_tokens(min_tokens: int | None, max_tokens: int | None) -> int:
        if min_tokens is None:
            return 0
        if not isinstance(min_tokens, int) or min_tokens < 0:
            raise ValueError(f"min_tokens must be None or an integer of at least 0, got {min_tokens!r}")
        if max_tokens is not None and min_tokens > max_tokens:
            raise ValueError(f"min_tokens ({min_tokens}) must not be more than max_tokens ({max_tokens})")
        return min_tokens


class TextMessageCompressor:
    """Shortens message texts with a text compressor (LLMLingua by default).

    Compressed texts can be cached (any ``autogen.cache`` object) so a long history is not
    compressed again on every reply. Tool calls (``None`` content) pass through unchanged.
    """

    def __init__(
        self,
        text_compressor: TextCompressor | None = None,
        min_tokens: int | None = None,
        compression_params: dict[str, Any] = {},  # noqa: B006 (only read, never modified)
        cache: AbstractCache | None = None,
        filter_dict: dict[str, Any] | None = None,
        exclude_filter: bool = True,
    ) -> None:
        """Args:
        text_compressor: object with ``compress_text(text, **params) -> dict``; None builds LLMLingua
            (needs ``pip install "ag2[long-context]"``, i.e. the llmlingua package).
        min_tokens: compress only when the messages hold at least this many tokens (> 0, or None).
        compression_params: keyword arguments passed to ``compress_text``.
        cache: where compressed texts are remembered; None disables caching.
        filter_dict: selects messages by field values, e.g. ``{"role": ["system"]}``.
        exclude_filter: True leaves the selected messages alone; False compresses only them.
        """
        if min_tokens is not None and (not isinstance(min_tokens, int) or min_tokens <= 0):
            raise ValueError(f"min_tokens must be None or an integer greater than 0, got {min_tokens!r}")
        if text_compressor is None:
            text_compressor = LLMLingua()
        if not callable(getattr(text_compressor, "compress_text", None)):
            raise TypeError(
                f"text_compressor must have a compress_text(text, **params) method; got {type(text_compressor).__name__}"
            )
        self._text_compressor = text_compressor
        self._min_tokens = min_tokens
        self._compression_params = dict(compression_params)
        self._cache = cache
        self._filter_dict = filter_dict
        self._exclude_filter = exclude_filter
        self._recent_tokens_savings = 0

    def apply_transform(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the messages with compressed texts (unchanged messages are the same dicts)."""
        self._recent_tokens_savings = 0
        if not messages or not util.min_tokens_reached(messages, self._min_tokens):
            return list(messages)

        total_savings = 0
        result: list[dict[str, Any]] = []
        for message in messages:
            content = message.get("content")
            if (
                not util.is_content_right_type(content)
                or util.is_content_text_empty(content)
                or not util.should_transform_message(message, self._filter_dict, self._exclude_filter)
            ):
                result.append(message)
                continue
            key = util.cache_key(content, self._min_tokens, sorted(self._compression_params.items(), key=str))
            cached = util.cache_content_get(self._cache, key)
            if cached is not None:
                new_content, savings = cached[0], int(cached[1])
            else:
                new_content, savings = self._compress(content)
                util.cache_content_set(self._cache, key, new_content, savings)
            total_savings += savings
            result.append({**message, "content": new_content})
        self._recent_tokens_savings = total_savings
        return result

    def get_logs(
        self, pre_transform_messages: list[dict[str, Any]], post_transform_messages: list[dict[str, Any]]
    ) -> tuple[str, bool]:
        """Report how many tokens the last compression saved."""
        if self._recent_tokens_savings > 0:
            return f"{self._recent_tokens_savings} tokens saved with text compression.", True
        return "No tokens saved with text compression.", False

    def _compress(self, content: str | list[Any]) -> tuple[str | list[Any], int]:
        if isinstance(content, str):
            return self._compress_text(content)
        savings = 0
        parts: list[Any] = []
        for item in content:
            if isinstance(item, str):
                text, saved = self._compress_text(item)
                parts.append(text)
                savings += saved
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                text, saved = self._compress_text(item["text"])
                parts.append({**item, "text": text})
                savings += saved
            else:
                parts.append(item)
        return parts, savings

    def _compress_text(self, text: str) -> tuple[str, int]:
        result = self._text_compressor.compress_text(text, **self._compression_params)
        if not isinstance(result, dict):
            raise TypeError(
                f"{type(self._text_compressor).__name__}.compress_text must return a dict with 'compressed_prompt'; "
                f"got {type(result).__name__}"
            )
        compressed = result.get("compressed_prompt", result.get("compressed_text"))
        if not isinstance(compressed, str):
            raise ValueError(  # noqa: TRY004 (the value is missing, not of a wrong type)
                f"{type(self._text_compressor).__name__}.compress_text returned no 'compressed_prompt' text "
                f"(keys: {sorted(result)})"
            )
        savings = 0
        if "origin_tokens" in result and "compressed_tokens" in result:
            savings = int(result["origin_tokens"]) - int(result["compressed_tokens"])
        return compressed, savings


class TextMessageContentName:
    """Writes each message's sender name into its text, e.g. ``"alice:\\nHello"``.

    Useful for models that ignore the ``name`` field. Messages without a name or without text
    (tool calls) are left alone; in multimodal content the name goes into the first (or, with
    ``position="end"``, the last) text part.
    """

    def __init__(
        self,
        position: str = "start",
        format_string: str = "{name}:\n",
        deduplicate: bool = True,
        filter_dict: dict[str, Any] | None = None,
        exclude_filter: bool = True,
    ) -> None:
        """Args:
        position: "start" to prefix the name, "end" to append it.
        format_string: how the name is written; must contain ``{name}``.
        deduplicate: skip messages whose text already starts (or ends) with the formatted name.
        filter_dict: selects messages by field values, e.g. ``{"role": ["system"]}``.
        exclude_filter: True leaves the selected messages alone; False changes only them.
        """
        if position not in ("start", "end"):
            raise TransformArgumentError(f"position must be 'start' or 'end', got {position!r}")
        if not isinstance(format_string, str) or "{name}" not in format_string:
            raise TransformArgumentError(f"format_string must be a str containing '{{name}}', got {format_string!r}")
        if not isinstance(deduplicate, bool):
            raise TransformArgumentError(f"deduplicate must be True or False, got {deduplicate!r}")
        self._position = position
        self._format_string = format_string
        self._deduplicate = deduplicate
        self._filter_dict = filter_dict
        self._exclude_filter = exclude_filter
        self._messages_changed = 0

    def apply_transform(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the messages with names written into their text."""
        changed = 0
        result: list[dict[str, Any]] = []
        for message in messages:
            new_message = self._with_name(message)
            if new_message is not message:
                changed += 1
            result.append(new_message)
        self._messages_changed = changed
        return result

    def _with_name(self, message: dict[str, Any]) -> dict[str, Any]:
        content, name = message.get("content"), message.get("name")
        if not isinstance(name, str) or not name or util.is_content_text_empty(content):
            return message
        if not util.should_transform_message(message, self._filter_dict, self._exclude_filter):
            return message
        label = self._format_string.format(name=name)
        if isinstance(content, str):
            new_text = self._apply(content, label)
            return message if new_text is None else {**message, "content": new_text}

        # Multimodal: the first (start) or last (end) text part carries the name.
        indexes = range(len(content)) if self._position == "start" else range(len(content) - 1, -1, -1)
        for index in indexes:
            item = content[index]
            text = item if isinstance(item, str) else item.get("text") if isinstance(item, dict) else None
            if not isinstance(text, str) or not text:
                continue
            new_text = self._apply(text, label)
            if new_text is None:
                return message
            parts = list(content)
            parts[index] = new_text if isinstance(item, str) else {**item, "text": new_text}
            return {**message, "content": parts}
        return message

    def _apply(self, text: str, label: str) -> str | None:
        # None means "already labelled": nothing to change.
        if self._position == "start":
            return None if self._deduplicate and text.startswith(label) else label + text
        return None if self._deduplicate and text.endswith(label) else text + label

    def get_logs(
        self, pre_transform_messages: list[dict[str, Any]], post_transform_messages: list[dict[str, Any]]
    ) -> tuple[str, bool]:
        """Report how many messages got a name written in."""
        if self._messages_changed > 0:
            return f"{self._messages_changed} message(s) changed to incorporate name.", True
        return "No messages changed to incorporate name.", False
