"""YoutubeSearchTool: YouTube Data API search (package ``google-api-python-client``)."""

from __future__ import annotations

from typing import Annotated, Any

from ...tool import Tool
from .._external import require_package

__all__ = ["YoutubeSearchTool"]


class YoutubeSearchTool(Tool):
    """Search YouTube videos with a YouTube Data API key."""

    def __init__(self, *, youtube_api_key: str | None = None) -> None:
        if youtube_api_key is None:
            raise ValueError("youtube_api_key must be provided")
        discovery = require_package("googleapiclient.discovery", "google-search", "YoutubeSearchTool")
        self.youtube_api_key = youtube_api_key

        def youtube_search(
            query: Annotated[str, "The search query for YouTube videos."],
            max_results: Annotated[int, "The maximum number of results to return."] = 5,
        ) -> list[dict[str, Any]]:
            service = discovery.build("youtube", "v3", developerKey=self.youtube_api_key)
            found = service.search().list(q=query, part="snippet", maxResults=max_results, type="video").execute()
            return [
                {
                    "title": i["snippet"].get("title", ""),
                    "description": i["snippet"].get("description", ""),
                    "url": f"https://www.youtube.com/watch?v={i['id'].get('videoId', '')}",
                }
                for i in found.get("items", [])
            ]

        super().__init__(
            name="youtube_search",
            description="Search for YouTube videos based on a query.",
            func_or_tool=youtube_search,
        )
