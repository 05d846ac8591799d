from .perplexity_search import PerplexitySearchTool, SearchResponse

__all__ = ["PerplexitySearchTool", "SearchResponse"]
