from .wikipedia import WikipediaPageLoadTool, WikipediaQueryRunTool

__all__ = ["WikipediaPageLoadTool", "WikipediaQueryRunTool"]
