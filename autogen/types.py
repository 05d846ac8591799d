"""Type names for message content, as ag2 exposes them in ``autogen.types``."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

__all__ = ["MessageContentType", "UserMessageImageContentPart", "UserMessageTextContentPart"]

MessageContentType = str | list[dict[str, Any] | str] | None
"""A message's ``content``: text, a list of content parts (multimodal), or None (tool-call messages)."""


class UserMessageTextContentPart(TypedDict):
    """A text part of a multimodal user message."""

    type: Literal["text"]
    text: str


class UserMessageImageContentPart(TypedDict):
    """An image part of a multimodal user message: ``{"type": "image_url", "image_url": {"url": ...}}``."""

    type: Literal["image_url"]
    image_url: dict[Literal["url"], str]
