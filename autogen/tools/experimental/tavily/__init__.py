from .tavily_search import TavilySearchTool

__all__ = ["TavilySearchTool"]
