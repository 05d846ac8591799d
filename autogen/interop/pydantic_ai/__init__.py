"""PydanticAI interoperability: PydanticAI tools as ag2 tools."""

from .pydantic_ai import PydanticAIInteroperability

__all__ = ["PydanticAIInteroperability"]
