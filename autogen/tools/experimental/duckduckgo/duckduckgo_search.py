"""DuckDuckGoSearchTool: web search through the ``duckduckgo_search`` package (no key needed)."""

from __future__ import annotations

from typing import Annotated, Any

from ...tool import Tool
from .._external import require_package

__all__ = ["DuckDuckGoSearchTool"]


class DuckDuckGoSearchTool(Tool):
    """Search DuckDuckGo; returns a list of ``{"title", "link", "snippet"}``."""

    def __init__(self) -> None:
        ddg = require_package("duckduckgo_search", "duckduckgo", "DuckDuckGoSearchTool")

        def duckduckgo_search(
            query: Annotated[str, "The search query."],
            num_results: Annotated[int, "The number of results to return."] = 5,
        ) -> list[dict[str, Any]]:
            with ddg.DDGS() as client:
                found = client.text(query, max_results=num_results) or []
            return [
                {"title": r.get("title", ""), "link": r.get("href", ""), "snippet": r.get("body", "")} for r in found
            ]

        super().__init__(
            name="duckduckgo_search",
            description="Use the DuckDuckGo Search API to perform a search.",
            func_or_tool=duckduckgo_search,
        )
