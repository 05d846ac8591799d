"""One message of a unified response: a role and a list of typed content blocks."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from .content_blocks import (
    _BUILTIN_BLOCKS,
    BaseContent,
    CitationContent,
    ContentBlock,
    ContentParser,
    GenericContent,
    ReasoningContent,
    ToolCallContent,
)

__all__ = ["UnifiedMessage", "UserRoleEnum", "UserRoleType", "normalize_role"]


class UserRoleEnum(str, Enum):
    """The standard message roles."""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


# A standard role, or any other role string a provider may use.
UserRoleType = UserRoleEnum | str

_ROLES = {role.value: role for role in UserRoleEnum}


def normalize_role(role: str | None) -> UserRoleType:
    """The :class:`UserRoleEnum` member for a standard role (any case), the string itself for other
    roles, and ``ASSISTANT`` when there is no role."""
    if not role:
        return UserRoleEnum.ASSISTANT
    return _ROLES.get(role.lower(), role)


def _as_block(value: Any) -> Any:
    # A block given as a dict is parsed by its type (unknown or malformed ones are kept as GenericContent).
    if isinstance(value, dict):
        block = ContentParser.parse(value)
        if not isinstance(block, (*_BUILTIN_BLOCKS, GenericContent)):
            block = GenericContent(**value)
        return block
    return value


class UnifiedMessage(BaseModel):
    """A message with typed content blocks: text, media, reasoning, citations, tool calls and results,
    and blocks of types unknown here (:class:`GenericContent`)."""

    role: UserRoleType
    content: list[Annotated[ContentBlock, BeforeValidator(_as_block)]]
    name: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def get_text(self) -> str:
        """The text of every block that has some, joined by spaces."""
        return " ".join(text for text in (block.get_text() for block in self.content) if text)

    def get_reasoning(self) -> list[ReasoningContent]:
        """The reasoning blocks."""
        return [b for b in self.content if isinstance(b, ReasoningContent)]

    def get_citations(self) -> list[CitationContent]:
        """The citation blocks."""
        return [b for b in self.content if isinstance(b, CitationContent)]

    def get_tool_calls(self) -> list[ToolCallContent]:
        """The tool-call blocks."""
        return [b for b in self.content if isinstance(b, ToolCallContent)]

    def get_content_by_type(self, content_type: str) -> list[BaseContent]:
        """The blocks whose ``type`` is ``content_type`` (known or not)."""
        return [b for b in self.content if b.type == content_type]

    def is_standard_role(self) -> bool:
        """Whether the role is one of user, assistant, system and tool."""
        return isinstance(self.role, UserRoleEnum) or self.role in _ROLES
