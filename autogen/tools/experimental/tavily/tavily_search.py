"""TavilySearchTool: web search through Tavily (package ``tavily-python``, key ``TAVILY_API_KEY``)."""

import os
from typing import Annotated, Any

from ...dependency_injection import Depends, on
from ...tool import Tool
from .._external import require_package

__all__ = ["TavilySearchTool"]

# The API's base URL; None is the client's default (https://api.tavily.com). Tests point it at a local server.
_api_base_url: str | None = None


def _execute_tavily_query(
    query: str,
    tavily_api_key: str,
    search_depth: str = "basic",
    topic: str = "general",
    include_answer: str = "basic",
    include_raw_content: bool = False,
    include_domains: list[str] | None = None,
    num_results: int = 5,
) -> Any:
    """Run one search with ``tavily.TavilyClient`` and return its raw response (a dict)."""
    tavily = require_package("tavily", "tavily", "TavilySearchTool")
    client = tavily.TavilyClient(api_key=tavily_api_key, api_base_url=_api_base_url)
    return client.search(
        query=query,
        search_depth=search_depth,
        topic=topic,
        include_answer=include_answer,
        include_raw_content=include_raw_content,
        include_domains=include_domains or [],
        max_results=num_results,
    )


def _tavily_search(
    query: str,
    tavily_api_key: str,
    search_depth: str = "basic",
    topic: str = "general",
    include_answer: str = "basic",
    include_raw_content: bool = False,
    include_domains: list[str] | None = None,
    num_results: int = 5,
) -> list[dict[str, Any]]:
    """Search and reduce each hit to ``{"title", "link", "snippet"}``."""
    response = _execute_tavily_query(
        query=query,
        tavily_api_key=tavily_api_key,
        search_depth=search_depth,
        topic=topic,
        include_answer=include_answer,
        include_raw_content=include_raw_content,
        include_domains=include_domains or [],
        num_results=num_results,
    )
    return [
        {"title": r.get("title", ""), "link": r.get("url", ""), "snippet": r.get("content", "")}
        for r in response.get("results", [])
    ]


class TavilySearchTool(Tool):
    """Search the web with Tavily; returns a list of ``{"title", "link", "snippet"}``.

    The key comes from ``tavily_api_key`` or ``TAVILY_API_KEY``; the package is needed only to search.
    """

    def __init__(self, *, llm_config: Any = None, tavily_api_key: str | None = None) -> None:
        self.tavily_api_key = tavily_api_key or os.getenv("TAVILY_API_KEY")
        if self.tavily_api_key is None:
            raise ValueError("tavily_api_key must be provided either as an argument or via TAVILY_API_KEY env var")

        def tavily_search(
            query: Annotated[str, "The search query."],
            tavily_api_key: Annotated[str | None, Depends(on(self.tavily_api_key))],
            search_depth: Annotated[str | None, "Either 'advanced' or 'basic'"] = "basic",
            include_answer: Annotated[str | None, "Either 'advanced' or 'basic'"] = "basic",
            include_raw_content: Annotated[bool | None, "Include the raw contents"] = False,
            include_domains: Annotated[list[str] | None, "Specific web domains to search"] = [],  # noqa: B006 - the schema's default
            num_results: Annotated[int, "The number of results to return."] = 5,
        ) -> list[dict[str, Any]]:
            if tavily_api_key is None:
                raise ValueError("Tavily API key is missing.")
            return _tavily_search(
                query=query,
                tavily_api_key=tavily_api_key,
                search_depth=search_depth or "basic",
                include_answer=include_answer or "basic",
                include_raw_content=include_raw_content or False,
                include_domains=include_domains or [],
                num_results=num_results,
            )

        super().__init__(
            name="tavily_search",
            description="Use the Tavily Search API to perform a search.",
            func_or_tool=tavily_search,
        )
