from .browser_use import BrowserUseResult, BrowserUseTool, ExtractedContent

__all__ = ["BrowserUseResult", "BrowserUseTool", "ExtractedContent"]
