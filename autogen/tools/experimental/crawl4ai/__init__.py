from .crawl4ai import Crawl4AITool

__all__ = ["Crawl4AITool"]
