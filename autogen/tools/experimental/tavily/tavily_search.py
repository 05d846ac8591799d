"""TavilySearchTool: web search through Tavily (package ``tavily-python``, key ``TAVILY_API_KEY``)."""

from __future__ import annotations

from typing import Annotated, Any

from ...tool import Tool
from .._external import require_key, require_package

__all__ = ["TavilySearchTool"]


class TavilySearchTool(Tool):
    """Search the web with Tavily; returns a list of ``{"title", "link", "snippet"}``."""

    def __init__(self, *, llm_config: Any = None, tavily_api_key: str | None = None) -> None:
        tavily = require_package("tavily", "tavily", "TavilySearchTool")
        self.tavily_api_key = require_key(
            tavily_api_key,
            "TAVILY_API_KEY",
            "tavily_api_key must be provided either as an argument or via TAVILY_API_KEY env var",
        )

        def tavily_search(
            query: Annotated[str, "The search query."],
            search_depth: Annotated[str | None, "Either 'advanced' or 'basic'"] = "basic",
            include_answer: Annotated[str | None, "Either 'advanced' or 'basic'"] = "basic",
            include_raw_content: Annotated[bool | None, "Include the raw contents"] = False,
            include_domains: Annotated[list[str] | None, "Specific web domains to search"] = None,
            num_results: Annotated[int, "The number of results to return."] = 5,
        ) -> list[dict[str, Any]]:
            client = tavily.TavilyClient(api_key=self.tavily_api_key)
            response = client.search(
                query=query,
                search_depth=search_depth or "basic",
                include_answer=include_answer,
                include_raw_content=include_raw_content,
                include_domains=include_domains or [],
                max_results=num_results,
            )
            return [
                {"title": r.get("title", ""), "link": r.get("url", ""), "snippet": r.get("content", "")}
                for r in response.get("results", [])
            ]

        super().__init__(
            name="tavily_search",
            description="Use the Tavily Search API to perform a search.",
            func_or_tool=tavily_search,
        )
