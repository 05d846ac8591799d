from .google_search import GoogleSearchTool
from .youtube_search import YoutubeSearchTool

__all__ = ["GoogleSearchTool", "YoutubeSearchTool"]
