from .web_search_preview import WebSearchPreviewTool

__all__ = ["WebSearchPreviewTool"]
