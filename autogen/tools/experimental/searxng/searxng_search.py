"""SearxngSearchTool: web search through a SearxNG instance's JSON API (no key, no extra package)."""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
import warnings
from typing import Annotated, Any

from ...tool import Tool

__all__ = ["SearxngSearchTool"]

logger = logging.getLogger(__name__)

_DEFAULT_URL = "https://searxng.site/search"


def _execute_searxng_query(
    query: str,
    max_results: int = 5,
    categories: list[str] | None = None,
    language: str | None = None,
    base_url: str = _DEFAULT_URL,
) -> list[dict[str, Any]]:
    """GET ``base_url?q=...&format=json`` and return the ``results`` that are objects; any failure is logged
    and gives an empty list."""
    params: dict[str, Any] = {"q": query, "format": "json", "language": language or "en-US", "count": max_results}
    if categories:
        params["categories"] = ",".join(categories)
    url = f"{base_url}{'&' if '?' in base_url else '?'}{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=10
        ) as r:
            data = json.loads(r.read().decode("utf-8"))
    except Exception as e:  # noqa: BLE001 - a failed search is an empty result, as in the original
        logger.error(f"SearxNG Search failed: {e}")
        return []
    results = data.get("results", []) if isinstance(data, dict) else []
    if not isinstance(results, list):
        return []
    return [item for item in results if isinstance(item, dict)]


def _searxng_search(
    query: str,
    max_results: int = 5,
    categories: list[str] | None = None,
    language: str | None = None,
    base_url: str = _DEFAULT_URL,
) -> list[dict[str, Any]]:
    """Search and reduce each hit to ``{"title", "link", "snippet"}``."""
    found = _execute_searxng_query(
        query=query, max_results=max_results, categories=categories, language=language, base_url=base_url
    )
    return [{"title": r.get("title", ""), "link": r.get("url", ""), "snippet": r.get("content", "")} for r in found]


class SearxngSearchTool(Tool):
    """Search the web with a SearxNG instance (deprecated in ag2 0.13, as in the original)."""

    def __init__(self, base_url: str = _DEFAULT_URL) -> None:
        """Create the tool.

        Args:
            base_url: the instance's search endpoint, e.g. ``http://localhost:8888/search``.
        """
        warnings.warn(
            "SearxngSearchTool is deprecated and will be removed in v0.14. "
            "Use DuckDuckGoSearchTool or TavilySearchTool instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.base_url = base_url
        super().__init__(
            name="searxng_search",
            description="Use the SearxNG API to perform a search.",
            func_or_tool=self.searxng_search,
        )

    def searxng_search(
        self,
        query: Annotated[str, "The search query."],
        max_results: Annotated[int, "The number of results to return."] = 5,
        categories: Annotated[list[str] | None, "List of categories to search in."] = None,
        language: Annotated[str | None, "Language code (e.g., 'en-US')."] = None,
    ) -> list[dict[str, Any]]:
        """Search and return ``{"title", "link", "snippet"}`` per hit (an empty list when the search fails)."""
        return _searxng_search(
            query=query, max_results=max_results, categories=categories, language=language, base_url=self.base_url
        )
