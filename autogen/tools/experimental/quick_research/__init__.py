"""QuickResearchTool: parallel web research (Tavily search, page fetch, LLM summaries)."""

from .quick_research import QuickResearchTool

__all__ = ["QuickResearchTool"]
