"""The provider-independent response of a v2 model client."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field

from .content_blocks import BaseContent, ReasoningContent
from .unified_message import UnifiedMessage

__all__ = ["UnifiedResponse"]


class UnifiedResponse(BaseModel):
    """A model's answer as typed messages, with usage, cost, status and the provider's own metadata.

    Plain data (no client attached): it serializes with ``model_dump`` / ``model_dump_json`` and is
    rebuilt with ``model_validate``.
    """

    STANDARD_STATUSES: ClassVar[list[str]] = ["completed", "in_progress", "failed"]

    id: str
    model: str
    messages: list[UnifiedMessage]
    usage: dict[str, int | float] = Field(default_factory=dict)
    cost: float | None = None
    provider: str
    provider_metadata: dict[str, Any] = Field(default_factory=dict)
    finish_reason: str | None = None
    status: str | None = None

    @property
    def text(self) -> str:
        """The text of all messages, joined by spaces."""
        return " ".join(message.get_text() for message in self.messages)

    @property
    def reasoning(self) -> list[ReasoningContent]:
        """The reasoning blocks of all messages."""
        return [block for message in self.messages for block in message.get_reasoning()]

    def get_content_by_type(self, content_type: str) -> list[BaseContent]:
        """The blocks of every message whose ``type`` is ``content_type``."""
        return [block for message in self.messages for block in message.get_content_by_type(content_type)]

    def is_standard_status(self) -> bool:
        """Whether ``status`` is one of completed, in_progress and failed."""
        return bool(self.status) and self.status in self.STANDARD_STATUSES
