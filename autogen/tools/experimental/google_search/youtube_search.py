"""YoutubeSearchTool: YouTube Data API v3 search (package ``google-api-python-client``)."""

import logging
from typing import Annotated, Any

from ...dependency_injection import Depends, on
from ...tool import Tool
from .._external import require_package
from .._google_api import build_service

__all__ = ["YoutubeSearchTool"]

logger = logging.getLogger(__name__)


def _call(request: Any) -> Any:
    """Execute a request; an HTTP error is logged and raised again."""
    errors = require_package("googleapiclient.errors", "google-search", "YoutubeSearchTool")
    try:
        return request.execute()
    except errors.HttpError as e:
        logger.error(f"An HTTP error occurred: {e}")
        raise


def _execute_search_query(query: str, youtube_api_key: str, max_results: int) -> Any:
    """``search.list`` for videos matching ``query``; returns the response dict."""
    youtube = build_service("youtube", "v3", "YoutubeSearchTool", developerKey=youtube_api_key)
    return _call(youtube.search().list(q=query, part="id,snippet", maxResults=max_results, type="video"))


def _get_video_details(video_ids: list[str], youtube_api_key: str) -> Any:
    """``videos.list`` (snippet, contentDetails, statistics) for ``video_ids``; no call for none."""
    if not video_ids:
        return {"items": []}
    youtube = build_service("youtube", "v3", "YoutubeSearchTool", developerKey=youtube_api_key)
    return _call(youtube.videos().list(id=",".join(video_ids), part="snippet,contentDetails,statistics"))


def _youtube_search(
    query: str, youtube_api_key: str, max_results: int, include_video_details: bool = True
) -> list[dict[str, Any]]:
    """Videos for ``query``: title, description, publishedAt, channelTitle, videoId and url, plus view, like and
    comment counts, duration and definition with ``include_video_details``."""
    found = _execute_search_query(query=query, youtube_api_key=youtube_api_key, max_results=max_results)
    videos: list[dict[str, Any]] = []
    for item in found.get("items", []):
        if item["id"]["kind"] != "youtube#video":
            continue
        snippet, video_id = item["snippet"], item["id"]["videoId"]
        videos.append(
            {
                "title": snippet["title"],
                "description": snippet["description"],
                "publishedAt": snippet["publishedAt"],
                "channelTitle": snippet["channelTitle"],
                "videoId": video_id,
                "url": f"https://www.youtube.com/watch?v={video_id}",
            }
        )
    if include_video_details and videos:
        details = _get_video_details([v["videoId"] for v in videos], youtube_api_key)
        by_id = {d["id"]: d for d in details.get("items", [])}
        for video in videos:
            detail = by_id.get(video["videoId"])
            if detail is None:
                continue
            stats, content = detail["statistics"], detail["contentDetails"]
            video.update(
                {
                    "viewCount": stats.get("viewCount"),
                    "likeCount": stats.get("likeCount"),
                    "commentCount": stats.get("commentCount"),
                    "duration": content.get("duration"),
                    "definition": content.get("definition"),
                }
            )
    return videos


class YoutubeSearchTool(Tool):
    """Search YouTube videos with a YouTube Data API key (the package is needed only to search)."""

    def __init__(self, *, youtube_api_key: str | None = None) -> None:
        self.youtube_api_key = youtube_api_key
        if youtube_api_key is None:
            raise ValueError("youtube_api_key must be provided")

        def youtube_search(
            query: Annotated[str, "The search query for YouTube videos."],
            youtube_api_key: Annotated[str, Depends(on(youtube_api_key))],
            max_results: Annotated[int, "The maximum number of results to return."] = 5,
            include_video_details: Annotated[bool, "Whether to include detailed video information."] = True,
        ) -> list[dict[str, Any]]:
            if youtube_api_key is None:
                raise ValueError("YouTube API key is required")
            return _youtube_search(query, youtube_api_key, max_results, include_video_details)

        super().__init__(
            name="youtube_search",
            description="Search for YouTube videos based on a query, optionally including detailed information.",
            func_or_tool=youtube_search,
        )
