"""The ``ModelClientV2`` protocol and what every v2 client shares: reading a :class:`UnifiedResponse`
back as the messages agents take, its usage, and its ChatCompletion form.

A v2 client's ``create`` returns a :class:`UnifiedResponse`. To serve agents through
``OpenAIWrapper`` it also answers the ``ModelClient`` protocol on that response:
``message_retrieval`` (:func:`retrieve_messages`), ``cost`` and ``get_usage`` (:func:`usage_of`);
``create_v1_compatible`` gives the flattened ChatCompletion form (:func:`chat_completion_dict`).

A new v2 client for ``OpenAIWrapper`` offers, besides that, ``from_wrapper_config(config, *,
response_format, config_index)`` and ``CONNECTION_KEYS`` (as the native clients of :mod:`autogen.oai` do),
optionally an async ``a_create``, and is named in ``autogen.oai.client.NATIVE_CLIENTS`` for its api_type.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from .models import (
    AudioContent,
    ImageContent,
    TextContent,
    ToolCallContent,
    UnifiedMessage,
    UnifiedResponse,
    UserRoleEnum,
    VideoContent,
)

__all__ = [
    "RESPONSE_USAGE_KEYS",
    "ModelClientV2",
    "chat_completion_dict",
    "content_parts",
    "message_dict",
    "retrieve_messages",
    "role_name",
    "usage_of",
]

RESPONSE_USAGE_KEYS = ["prompt_tokens", "completion_tokens", "total_tokens", "cost", "model"]


class ModelClientV2(Protocol):
    """A model client whose ``create`` returns a :class:`UnifiedResponse` (typed content blocks),
    with ``create_v1_compatible`` for code that wants the flattened ChatCompletion form."""

    RESPONSE_USAGE_KEYS: ClassVar[list[str]] = RESPONSE_USAGE_KEYS

    def create(self, params: dict[str, Any]) -> UnifiedResponse:
        """Send one request; the answer with every content block kept."""
        ...

    def create_v1_compatible(self, params: dict[str, Any]) -> Any:
        """Send one request; the answer flattened to a ChatCompletion (reasoning and citations may be lost)."""
        ...

    def cost(self, response: UnifiedResponse) -> float:
        """USD cost of ``response``."""
        ...

    @staticmethod
    def get_usage(response: UnifiedResponse) -> dict[str, Any]:
        """The ``RESPONSE_USAGE_KEYS`` of ``response``."""
        ...


def role_name(role: Any) -> str:
    """A message role as a plain string."""
    return role.value if isinstance(role, UserRoleEnum) else str(role)


def usage_of(response: UnifiedResponse) -> dict[str, Any]:
    """Token counts, cost and model of ``response`` (the ModelClient usage keys)."""
    usage = response.usage
    return {
        "prompt_tokens": usage.get("prompt_tokens", 0),
        "completion_tokens": usage.get("completion_tokens", 0),
        "total_tokens": usage.get("total_tokens", 0),
        "cost": response.cost or 0.0,
        "model": response.model,
    }


def _is_media(block: Any) -> bool:
    return isinstance(block, (ImageContent, AudioContent, VideoContent))


def content_parts(message: UnifiedMessage) -> list[dict[str, Any]]:
    """The message's text and media as OpenAI content parts (audio and video as their text)."""
    parts: list[dict[str, Any]] = []
    for block in message.content:
        if isinstance(block, TextContent):
            parts.append({"type": "text", "text": block.text})
        elif isinstance(block, ImageContent):
            url = block.image_url or block.data_uri or ""
            parts.append({"type": "image_url", "image_url": {"url": url, "detail": block.detail or "auto"}})
        elif isinstance(block, (AudioContent, VideoContent)):
            text = block.get_text()
            if text:
                parts.append({"type": "text", "text": text})
    return parts or [{"type": "text", "text": message.get_text()}]


def _text_without_calls(message: UnifiedMessage) -> str:
    return " ".join(t for t in (b.get_text() for b in message.content if not isinstance(b, ToolCallContent)) if t)


def message_dict(message: UnifiedMessage) -> dict[str, Any]:
    """The OpenAI chat message for a message with tool calls or media: ``role``, ``content`` (text of
    the non-call blocks, or None; content parts with media), ``tool_calls``, and ``name`` if set."""
    calls = message.get_tool_calls()
    out: dict[str, Any] = {"role": role_name(message.role), "content": _text_without_calls(message) or None}
    if message.name:
        out["name"] = message.name
    if calls:
        out["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}} for c in calls
        ]
    if any(_is_media(b) for b in message.content):
        out["content"] = content_parts(message)
    return out


def retrieve_messages(response: UnifiedResponse, response_format: Any = None) -> list[Any]:
    """What agents take from ``response``, one item per message: its text (formatted for a
    ``response_format`` model with ``format()``), or an OpenAI message dict when it calls tools or
    carries media."""
    from ..oai.structured import format_structured_content

    out: list[Any] = []
    for message in response.messages:
        if message.get_tool_calls() or any(_is_media(b) for b in message.content):
            out.append(message_dict(message))
        else:
            text = message.get_text() or _refusal(message)
            out.append(format_structured_content(response_format, text))
    return out


def _refusal(message: UnifiedMessage) -> str:
    # a refusal (OpenAI's ``refusal`` field) is what the model said when it gave no content
    return " ".join(str(getattr(b, "refusal", "") or "") for b in message.get_content_by_type("refusal")).strip()


def chat_completion_dict(response: UnifiedResponse, content: str | None = None) -> dict[str, Any]:
    """``response`` flattened to a ``chat.completion`` dict (one choice; its text is ``content`` when
    given, else all the response's text); tool calls are kept."""
    first = response.messages[0] if response.messages else None
    calls = [c for m in response.messages for c in m.get_tool_calls()]
    if content is None:
        content = (
            " ".join(_text_without_calls(m) for m in response.messages).strip() or None if calls else response.text
        )
    message: dict[str, Any] = {"role": role_name(first.role) if first is not None else "assistant", "content": content}
    if calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}} for c in calls
        ]
    return {
        "id": response.id,
        "model": response.model,
        "created": response.provider_metadata.get("created"),
        "object": "chat.completion",
        "choices": [{"index": 0, "message": message, "finish_reason": response.finish_reason}],
        "usage": dict(response.usage),
        "cost": response.cost,
    }
