"""CrewAI interoperability: CrewAI tools as ag2 tools."""

from .crewai import CrewAIInteroperability

__all__ = ["CrewAIInteroperability"]
