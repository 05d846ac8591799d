"""DuckDuckGoSearchTool: web search through the ``duckduckgo_search`` package (extra ``duckduckgo``, no key).

The package is imported on the first search, so the tool can be built and offered to a model without it.
Its client honours the ``DDGS_PROXY`` environment variable (an http/https/socks5 proxy URL).
"""

from __future__ import annotations

import warnings
from typing import Annotated, Any

from ...tool import Tool
from .._external import require_package

__all__ = ["DuckDuckGoSearchTool"]


def _execute_duckduckgo_query(query: str, num_results: int = 5) -> list[dict[str, Any]]:
    """The raw results (``{"title", "href", "body"}``) of a worldwide text search; [] when the search fails."""
    ddg = require_package("duckduckgo_search", "duckduckgo", "DuckDuckGoSearchTool")
    # The package sets a global warnings filter when its client is made; keep that from leaking out.
    with warnings.catch_warnings():
        client = ddg.DDGS()
    with client:
        try:
            return list(client.text(query, region="wt-wt", max_results=num_results))  # wt-wt: no region
        except Exception as e:  # noqa: BLE001 - a failed search is an empty result, as in the original
            print(f"DuckDuckGo Search failed: {e}")
            return []


def _duckduckgo_search(query: str, num_results: int = 5) -> list[dict[str, Any]]:
    """The results as ``{"title", "link", "snippet"}`` dicts."""
    found = _execute_duckduckgo_query(query=query, num_results=num_results)
    return [{"title": r.get("title", ""), "link": r.get("href", ""), "snippet": r.get("body", "")} for r in found]


class DuckDuckGoSearchTool(Tool):
    """Search the web with DuckDuckGo; returns a list of ``{"title", "link", "snippet"}``. Needs no API key."""

    def __init__(self) -> None:
        def duckduckgo_search(
            query: Annotated[str, "The search query."],
            num_results: Annotated[int, "The number of results to return."] = 5,
        ) -> list[dict[str, Any]]:
            """Search DuckDuckGo and return the results' titles, links and snippets."""
            return _duckduckgo_search(query=query, num_results=num_results)

        super().__init__(
            name="duckduckgo_search",
            description="Use the DuckDuckGo Search API to perform a search.",
            func_or_tool=duckduckgo_search,
        )
