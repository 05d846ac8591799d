from .duckduckgo_search import DuckDuckGoSearchTool

__all__ = ["DuckDuckGoSearchTool"]
