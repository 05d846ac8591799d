"""GoogleSearchTool: Google Programmable Search (package ``google-api-python-client``), or the model's own search."""

from __future__ import annotations

from typing import Annotated, Any

from ...tool import Tool
from .._external import require_package

__all__ = ["GoogleSearchTool"]


class GoogleSearchTool(Tool):
    """Search Google with a Programmable Search Engine key and id.

    Without them and with ``use_internal_llm_tool_if_available`` the tool stands for the model's built-in search
    (Gemini's ``google_search``), and calling it directly is an error.
    """

    def __init__(
        self,
        *,
        search_api_key: str | None = None,
        search_engine_id: str | None = None,
        use_internal_llm_tool_if_available: bool = True,
    ) -> None:
        self.search_api_key = search_api_key
        self.search_engine_id = search_engine_id
        self.use_internal_llm_tool_if_available = use_internal_llm_tool_if_available
        if not use_internal_llm_tool_if_available and (search_api_key is None or search_engine_id is None):
            raise ValueError(
                "search_api_key and search_engine_id must be provided if use_internal_llm_tool_if_available is False"
            )
        if use_internal_llm_tool_if_available and (search_api_key is not None or search_engine_id is not None):
            raise ValueError(
                "search_api_key and search_engine_id must be None if use_internal_llm_tool_if_available is True"
            )
        if search_api_key is not None:
            require_package("googleapiclient.discovery", "google-search", "GoogleSearchTool")

        def google_search(
            query: Annotated[str, "The search query."],
            num_results: Annotated[int, "The number of results to return."] = 10,
        ) -> list[dict[str, Any]]:
            if self.search_api_key is None or self.search_engine_id is None:
                raise ValueError(
                    "search_api_key and search_engine_id must be provided to search without the LLM's tool"
                )
            discovery = require_package("googleapiclient.discovery", "google-search", "GoogleSearchTool")
            service = discovery.build("customsearch", "v1", developerKey=self.search_api_key)
            found = service.cse().list(q=query, cx=self.search_engine_id, num=num_results).execute()
            return [
                {"title": i.get("title", ""), "link": i.get("link", ""), "snippet": i.get("snippet", "")}
                for i in found.get("items", [])
            ]

        super().__init__(
            name="prebuilt_google_search",
            description="Use this tool to search the web with Google Search.",
            func_or_tool=google_search,
        )
