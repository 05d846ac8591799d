"""Typed content blocks of a unified model response (text, media, reasoning, citations, tool calls).

Every block has a ``type``; blocks of a type this module does not know are kept whole as
:class:`GenericContent` (all their fields preserved), so a provider's new content kind never breaks a
reply. :class:`ContentParser` turns block dicts into the right class through a registry that can be
extended with :meth:`ContentParser.register`.
"""

from __future__ import annotations

import warnings
from enum import Enum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AudioContent",
    "BaseContent",
    "CitationContent",
    "ContentBlock",
    "ContentParser",
    "ContentType",
    "GenericContent",
    "ImageContent",
    "ReasoningContent",
    "TextContent",
    "ToolCallContent",
    "ToolResultContent",
    "VideoContent",
]


class ContentType(str, Enum):
    """The content types known here; other types are plain strings (see :class:`GenericContent`)."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    REASONING = "reasoning"
    CITATION = "citation"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"


class BaseContent(BaseModel):
    """What every content block has: a ``type``, an ``extra`` dict for provider data, and unknown fields
    kept as pydantic extras."""

    model_config = ConfigDict(extra="allow")

    type: ContentType | str
    extra: dict[str, Any] = Field(default_factory=dict)

    def get_text(self) -> str:
        """The block as text (empty for blocks that carry none)."""
        return ""


class TextContent(BaseContent):
    """Plain text."""

    type: Literal[ContentType.TEXT] = ContentType.TEXT
    text: str

    def get_text(self) -> str:
        return self.text


class ImageContent(BaseContent):
    """An image given by URL (``image_url``) or inline as a ``data:`` URI (``data_uri``)."""

    type: Literal[ContentType.IMAGE] = ContentType.IMAGE
    image_url: str | None = None
    data_uri: str | None = None
    detail: Literal["auto", "low", "high"] | None = None


class AudioContent(BaseContent):
    """Audio by URL or ``data:`` URI, with its transcript when there is one."""

    type: Literal[ContentType.AUDIO] = ContentType.AUDIO
    audio_url: str | None = None
    data_uri: str | None = None
    transcript: str | None = None

    def get_text(self) -> str:
        return f"audio transcript:{self.transcript}" if self.transcript else ""


class VideoContent(BaseContent):
    """Video by URL or ``data:`` URI."""

    type: Literal[ContentType.VIDEO] = ContentType.VIDEO
    video_url: str | None = None
    data_uri: str | None = None


class ReasoningContent(BaseContent):
    """The model's reasoning (OpenAI reasoning models, Anthropic extended thinking)."""

    type: Literal[ContentType.REASONING] = ContentType.REASONING
    reasoning: str
    summary: str | None = None

    def get_text(self) -> str:
        return self.reasoning


class CitationContent(BaseContent):
    """A source the answer cites (web search result, document passage)."""

    type: Literal[ContentType.CITATION] = ContentType.CITATION
    url: str
    title: str
    snippet: str
    relevance_score: float | None = None

    def get_text(self) -> str:
        return f"citation: {self.title}" if self.title else ""


class ToolCallContent(BaseContent):
    """A tool (function) call requested by the model; ``arguments`` is a JSON string."""

    type: Literal[ContentType.TOOL_CALL] = ContentType.TOOL_CALL
    id: str
    name: str
    arguments: str

    def get_text(self) -> str:
        return f"tool call name: {self.name} tool call arguments: {self.arguments}"


class ToolResultContent(BaseContent):
    """The output of a tool call, answering the call ``tool_call_id``."""

    type: Literal[ContentType.TOOL_RESULT] = ContentType.TOOL_RESULT
    tool_call_id: str
    output: str

    def get_text(self) -> str:
        return f"tool result: {self.output}"


class GenericContent(BaseContent):
    """A block of a type without a class of its own; every field it came with is kept.

    Fields are read as attributes (``block.confidence``) or with :meth:`get`.
    """

    type: ContentType | str

    def get(self, key: str, default: Any = None) -> Any:
        """The field ``key`` (declared or extra), or ``default``."""
        extras = self.model_extra
        if extras and key in extras:
            return extras[key]
        return getattr(self, key, default)

    def get_all_fields(self) -> dict[str, Any]:
        """Every field, declared and extra, as a dict."""
        return self.model_dump()

    def get_extra_fields(self) -> dict[str, Any]:
        """Only the fields the block came with beyond the declared ones."""
        return self.model_extra or {}

    def has_field(self, key: str) -> bool:
        """Whether the block has the field ``key``."""
        return hasattr(self, key)

    @property
    def data(self) -> dict[str, Any]:
        """The extra fields (older name of :meth:`get_extra_fields`)."""
        return self.get_extra_fields()


class ContentParser:
    """Builds the block class registered for a dict's ``type``; unknown types, and dicts a known class
    rejects (with a warning), become :class:`GenericContent`."""

    _registry: ClassVar[dict[ContentType | str, type[BaseContent]]] = {}

    @classmethod
    def register(cls, content_type: str, content_class: type[BaseContent]) -> None:
        """Parse blocks of ``content_type`` as ``content_class`` from now on."""
        cls._registry[content_type] = content_class

    @classmethod
    def parse(cls, data: dict[str, Any]) -> BaseContent:
        """The block for ``data``; never raises for an unknown or malformed block."""
        content_type = data.get("type", "unknown")
        key = content_type.value if isinstance(content_type, ContentType) else content_type
        content_class = cls._registry.get(key) if isinstance(key, str) else None
        if content_class is None:
            return GenericContent(**{**data, "type": content_type})
        try:
            return content_class(**data)
        except (ValueError, TypeError) as e:  # pydantic's ValidationError is a ValueError
            warnings.warn(
                f"Failed to parse {key} as {content_class.__name__}: {e}. Using GenericContent instead.",
                UserWarning,
                stacklevel=2,
            )
            return GenericContent(**data)


_BUILTIN_BLOCKS: tuple[type[BaseContent], ...] = (
    TextContent,
    ImageContent,
    AudioContent,
    VideoContent,
    ReasoningContent,
    CitationContent,
    ToolCallContent,
    ToolResultContent,
)
for _kind in _BUILTIN_BLOCKS:
    _tag = _kind.model_fields["type"].default
    ContentParser._registry[_tag] = _kind
    ContentParser._registry[_tag.value] = _kind

# Any content block; GenericContent, which takes every type, comes last.
ContentBlock = (
    TextContent
    | ImageContent
    | AudioContent
    | VideoContent
    | ReasoningContent
    | CitationContent
    | ToolCallContent
    | ToolResultContent
    | GenericContent
)
