"""GoogleSearchTool: Google Programmable Search (package ``google-api-python-client``), or the model's own search."""

import logging
from typing import Annotated, Any

from ...dependency_injection import Depends, on
from ...tool import Tool
from .._google_api import build_service

__all__ = ["GoogleSearchTool"]

logger = logging.getLogger(__name__)


def _execute_query(query: str, search_api_key: str, search_engine_id: str, num_results: int) -> Any:
    """One Custom Search JSON API call (``cse.list``); returns its response dict."""
    service = build_service("customsearch", "v1", "GoogleSearchTool", developerKey=search_api_key)
    return service.cse().list(q=query, cx=search_engine_id, num=num_results).execute()


def _google_search(query: str, search_api_key: str, search_engine_id: str, num_results: int) -> list[dict[str, Any]]:
    """Search and reduce each item to ``{"title", "link", "snippet"}``."""
    found = _execute_query(
        query=query, search_api_key=search_api_key, search_engine_id=search_engine_id, num_results=num_results
    )
    return [
        {"title": i.get("title", ""), "link": i.get("link", ""), "snippet": i.get("snippet", "")}
        for i in found.get("items", [])
    ]


class GoogleSearchTool(Tool):
    """Search Google with a Programmable Search Engine key and id.

    With ``use_internal_llm_tool_if_available`` (the default) the tool is named ``prebuilt_google_search`` and
    stands for the model's built-in search (Gemini's ``google_search``); given keys are then ignored.
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
            logger.warning("search_api_key and search_engine_id will be ignored if internal LLM tool is available")

        def google_search(
            query: Annotated[str, "The search query."],
            search_api_key: Annotated[str | None, Depends(on(search_api_key))],
            search_engine_id: Annotated[str | None, Depends(on(search_engine_id))],
            num_results: Annotated[int, "The number of results to return."] = 10,
        ) -> list[dict[str, Any]]:
            if search_api_key is None or search_engine_id is None:
                raise ValueError(
                    "Your LLM is not configured to use prebuilt google-search tool.\n"
                    "Please provide search_api_key and search_engine_id.\n"
                )
            return _google_search(query, search_api_key, search_engine_id, num_results)

        super().__init__(
            # the Gemini client recognises the model's own search by this name
            name="prebuilt_google_search" if use_internal_llm_tool_if_available else "google_search",
            description="Use the Google Search API to perform a search.",
            func_or_tool=google_search,
        )
