from .firecrawl_tool import FirecrawlTool

__all__ = ["FirecrawlTool"]
