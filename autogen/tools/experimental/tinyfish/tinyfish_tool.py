"""TinyFish tools (package ``tinyfish``, key ``TINYFISH_API_KEY``): goal-directed scraping, web search and
page fetching. Failures come back in the result (``error``/``errors``) rather than as exceptions."""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import urlparse

from pydantic import BaseModel

from ...dependency_injection import Depends, on
from ...tool import Tool
from .._external import require_package

__all__ = ["TinyFishFetchTool", "TinyFishSearchTool", "TinyFishTool"]

logger = logging.getLogger(__name__)

# Agent runs and fetches are tagged with this integration name (the client reads it from the environment).
_API_INTEGRATION = "ag2"
_API_INTEGRATION_ENV_VAR = "TF_API_INTEGRATION"
_SAFE_URL_SCHEMES = {"http", "https"}

# The client class, bound on first use so that importing this module needs no package.
TinyFish: Any = None
# The API's base URL; None is the client's default hosts. Tests point it at a local server.
_base_url: str | None = None

_KEY_MESSAGE = "tinyfish_api_key must be provided either as an argument or via TINYFISH_API_KEY env var"


def _client(api_key: str) -> Any:
    global TinyFish
    if TinyFish is None:
        TinyFish = require_package("tinyfish", "tinyfish", "TinyFishTool").TinyFish
    return TinyFish(api_key=api_key) if _base_url is None else TinyFish(api_key=api_key, base_url=_base_url)


def _safe_url(url: str) -> bool:
    return urlparse(url).scheme.lower() in _SAFE_URL_SCHEMES


@contextmanager
def _tinyfish_api_integration() -> Iterator[None]:
    """Set ``TF_API_INTEGRATION=ag2`` for the block, then restore what was there."""
    before = os.environ.get(_API_INTEGRATION_ENV_VAR)
    os.environ[_API_INTEGRATION_ENV_VAR] = _API_INTEGRATION
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(_API_INTEGRATION_ENV_VAR, None)
        else:
            os.environ[_API_INTEGRATION_ENV_VAR] = before


def _execute_tinyfish_scrape(url: str, goal: str, tinyfish_api_key: str) -> dict[str, Any]:
    """Run the TinyFish agent on ``url`` with ``goal``: its result (a dict, or ``{"result": ...}``), else
    ``{"status": "error"|"no_result", "error": ...}``."""
    client = _client(tinyfish_api_key)
    try:
        with _tinyfish_api_integration():
            run = client.agent.run(url=url, goal=goal)
    finally:
        client.close()
    if run.status == "COMPLETED" and run.result:
        return run.result if isinstance(run.result, dict) else {"result": run.result}
    if run.error:
        error = run.error
        # the client's error model as a plain dict, so that the result stays JSON
        return {
            "status": "error",
            "error": error.model_dump(exclude_none=True) if isinstance(error, BaseModel) else error,
        }
    return {"status": "no_result", "error": "No result returned."}


def _execute_tinyfish_search(
    query: str, tinyfish_api_key: str, location: str | None = None, language: str | None = None
) -> dict[str, Any]:
    """One TinyFish Search query: ``{"query", "total_results", "results": [...]}``."""
    client = _client(tinyfish_api_key)
    try:
        found = client.search.query(query=query, location=location, language=language)
    finally:
        client.close()
    return {
        "query": found.query,
        "total_results": found.total_results,
        "results": [
            {"position": r.position, "site_name": r.site_name, "title": r.title, "snippet": r.snippet, "url": r.url}
            for r in found.results
        ],
    }


def _execute_tinyfish_fetch(
    urls: list[str],
    tinyfish_api_key: str,
    format: str | None = None,
    links: bool | None = None,
    image_links: bool | None = None,
) -> dict[str, Any]:
    """One TinyFish Fetch request: ``{"results": [page...], "errors": [{"url", "error"}...]}``."""
    client = _client(tinyfish_api_key)
    try:
        with _tinyfish_api_integration():
            fetched = client.fetch.get_contents(urls=urls, format=format, links=links, image_links=image_links)
    finally:
        client.close()
    fields = ("url", "final_url", "title", "description", "language", "author", "published_date", "text", "format")
    return {
        "results": [
            {
                **{name: getattr(page, name) for name in fields},
                "links": list(page.links or []),
                "image_links": list(page.image_links or []),
            }
            for page in fetched.results
        ],
        "errors": [{"url": e.url, "error": e.error} for e in fetched.errors],
    }


def _tinyfish_scrape(url: str, goal: str, tinyfish_api_key: str) -> dict[str, Any]:
    """``{"url", "goal", "data"}``, with ``data={}`` and ``error`` when the call fails."""
    try:
        data = _execute_tinyfish_scrape(url=url, goal=goal, tinyfish_api_key=tinyfish_api_key)
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"TinyFish scrape failed: {e}")
        return {"url": url, "goal": goal, "data": {}, "error": str(e)}
    return {"url": url, "goal": goal, "data": data}


def _tinyfish_search(
    query: str, tinyfish_api_key: str, location: str | None = None, language: str | None = None
) -> dict[str, Any]:
    """The search result, or an empty one with ``error`` when the call fails."""
    try:
        return _execute_tinyfish_search(
            query=query, tinyfish_api_key=tinyfish_api_key, location=location, language=language
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"TinyFish search failed: {e}")
        return {"query": query, "results": [], "total_results": 0, "error": str(e)}


def _tinyfish_fetch(
    urls: list[str],
    tinyfish_api_key: str,
    format: str | None = None,
    links: bool | None = None,
    image_links: bool | None = None,
) -> dict[str, Any]:
    """The fetch result; URLs other than http(s) are refused before any call, and a failed call is an error
    for every URL."""
    unsafe = [u for u in urls if not _safe_url(u)]
    if unsafe:
        return {"results": [], "errors": [{"url": u, "error": "Only http/https URLs are supported."} for u in unsafe]}
    try:
        return _execute_tinyfish_fetch(
            urls=urls, tinyfish_api_key=tinyfish_api_key, format=format, links=links, image_links=image_links
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"TinyFish fetch failed: {e}")
        return {"results": [], "errors": [{"url": u, "error": str(e)} for u in urls]}


def _api_key(given: str | None) -> str:
    key = given or os.getenv("TINYFISH_API_KEY")
    if key is None:
        raise ValueError(_KEY_MESSAGE)
    return key


class TinyFishTool(Tool):
    """Deep-scrape a page with TinyFish: give a URL and, in plain words, what to extract."""

    def __init__(self, *, llm_config: Any = None, tinyfish_api_key: str | None = None) -> None:
        """Create the tool.

        Args:
            llm_config: unused (kept for the original's signature).
            tinyfish_api_key: the API key; default ``TINYFISH_API_KEY``.
        """
        self.tinyfish_api_key = _api_key(tinyfish_api_key)

        def tinyfish_scrape(
            url: Annotated[str, "The URL to scrape."],
            goal: Annotated[str, "A natural language description of what information to extract from the page."],
            tinyfish_api_key: Annotated[str | None, Depends(on(self.tinyfish_api_key))],
        ) -> dict[str, Any]:
            if tinyfish_api_key is None:
                raise ValueError("TinyFish API key is missing.")
            return _tinyfish_scrape(url=url, goal=goal, tinyfish_api_key=tinyfish_api_key)

        super().__init__(
            name="tinyfish_scrape",
            description="Deep-scrape a URL using TinyFish. Pass a URL and a natural language goal describing what "
            "to extract.",
            func_or_tool=tinyfish_scrape,
        )


class TinyFishSearchTool(Tool):
    """Search the web with TinyFish Search: ranked results with title, snippet, site name and URL."""

    def __init__(self, *, llm_config: Any = None, tinyfish_api_key: str | None = None) -> None:
        """Create the tool.

        Args:
            llm_config: unused (kept for the original's signature).
            tinyfish_api_key: the API key; default ``TINYFISH_API_KEY``.
        """
        self.tinyfish_api_key = _api_key(tinyfish_api_key)

        def tinyfish_search(
            query: Annotated[str, "The search query string."],
            tinyfish_api_key: Annotated[str | None, Depends(on(self.tinyfish_api_key))],
            location: Annotated[str | None, "Optional country or location for geo-targeted results."] = None,
            language: Annotated[str | None, "Optional language code for result language."] = None,
        ) -> dict[str, Any]:
            if tinyfish_api_key is None:
                raise ValueError("TinyFish API key is missing.")
            return _tinyfish_search(
                query=query, tinyfish_api_key=tinyfish_api_key, location=location, language=language
            )

        super().__init__(
            name="tinyfish_search",
            description="Search the web using TinyFish. Returns ranked results with titles, snippets, site names, "
            "and URLs.",
            func_or_tool=tinyfish_search,
        )


class TinyFishFetchTool(Tool):
    """Fetch pages with TinyFish Fetch (rendered in a browser): clean content, metadata and per-URL errors."""

    def __init__(self, *, llm_config: Any = None, tinyfish_api_key: str | None = None) -> None:
        """Create the tool.

        Args:
            llm_config: unused (kept for the original's signature).
            tinyfish_api_key: the API key; default ``TINYFISH_API_KEY``.
        """
        self.tinyfish_api_key = _api_key(tinyfish_api_key)

        def tinyfish_fetch(
            urls: Annotated[list[str], "URLs to fetch and extract. TinyFish supports 1-10 URLs."],
            tinyfish_api_key: Annotated[str | None, Depends(on(self.tinyfish_api_key))],
            format: Annotated[str | None, "Output format: 'markdown', 'html', or 'json'."] = None,
            links: Annotated[bool | None, "Whether to include page links in results."] = None,
            image_links: Annotated[bool | None, "Whether to include image links in results."] = None,
        ) -> dict[str, Any]:
            if tinyfish_api_key is None:
                raise ValueError("TinyFish API key is missing.")
            return _tinyfish_fetch(
                urls=urls, tinyfish_api_key=tinyfish_api_key, format=format, links=links, image_links=image_links
            )

        super().__init__(
            name="tinyfish_fetch",
            description="Fetch and extract clean content from URLs using TinyFish. Returns extracted content and "
            "per-URL errors.",
            func_or_tool=tinyfish_fetch,
        )
