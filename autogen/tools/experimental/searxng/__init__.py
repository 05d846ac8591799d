from .searxng_search import SearxngSearchTool

__all__ = ["SearxngSearchTool"]
