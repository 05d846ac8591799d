"""FirecrawlTool (package ``firecrawl-py``, key ``FIRECRAWL_API_KEY``): scrape, crawl, map, search and deep
research through Firecrawl's v1 API, on its hosted service or a self-hosted one (``firecrawl_api_url``).

Deprecated in ag2 0.13 (to be removed in 0.14), as in the original.
"""

import functools
import logging
import os
import warnings
from typing import Annotated, Any

from ...dependency_injection import Depends, on
from ...tool import Tool
from .._external import require_package

__all__ = ["FirecrawlTool"]

logger = logging.getLogger(__name__)

# The v1 client class and its scrape-options model, bound on first use (``firecrawl.v1`` in firecrawl-py 3+,
# the package's top level before).
FirecrawlApp: Any = None
ScrapeOptions: Any = None


def _app(api_key: str, api_url: str | None) -> Any:
    global FirecrawlApp, ScrapeOptions
    if FirecrawlApp is None:
        firecrawl = require_package("firecrawl", "firecrawl", "FirecrawlTool")
        try:
            v1 = require_package("firecrawl.v1.client", "firecrawl", "FirecrawlTool")
            FirecrawlApp, ScrapeOptions = v1.V1FirecrawlApp, v1.V1ScrapeOptions
        except ImportError:  # firecrawl-py 1.x/2.x: the top-level client speaks v1
            FirecrawlApp, ScrapeOptions = firecrawl.FirecrawlApp, firecrawl.ScrapeOptions
    return FirecrawlApp(api_key=api_key, api_url=api_url)


def _plain(value: Any) -> Any:
    """The client's response as plain dicts and lists (its models dumped by their API names)."""
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(by_alias=True, exclude_none=True))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _execute_firecrawl_scrape(
    url: str,
    firecrawl_api_key: str,
    firecrawl_api_url: str | None = None,
    formats: list[str] | None = None,
    include_tags: list[str] | None = None,
    exclude_tags: list[str] | None = None,
    headers: dict[str, str] | None = None,
    wait_for: int | None = None,
    timeout: int | None = None,
) -> dict[str, Any]:
    """Scrape one page (``formats`` default ``["markdown"]``); the API's document as a dict."""
    app = _app(firecrawl_api_key, firecrawl_api_url)
    options: dict[str, Any] = {"include_tags": include_tags, "exclude_tags": exclude_tags, "headers": headers}
    options.update({"wait_for": wait_for, "timeout": timeout})
    options = {k: v for k, v in options.items() if v is not None}
    return _plain(app.scrape_url(url, formats=formats or ["markdown"], **options))


def _execute_firecrawl_crawl(
    url: str,
    firecrawl_api_key: str,
    firecrawl_api_url: str | None = None,
    limit: int = 5,
    formats: list[str] | None = None,
    include_paths: list[str] | None = None,
    exclude_paths: list[str] | None = None,
    max_depth: int | None = None,
    allow_backward_crawling: bool = False,
    allow_external_content_links: bool = False,
) -> dict[str, Any]:
    """Crawl from ``url`` and wait for the job; its status with the pages under ``data``."""
    app = _app(firecrawl_api_key, firecrawl_api_url)
    return _plain(
        app.crawl_url(
            url,
            limit=limit,
            scrape_options=ScrapeOptions(formats=formats or ["markdown"]),
            include_paths=include_paths,
            exclude_paths=exclude_paths,
            max_depth=max_depth,
            allow_backward_links=allow_backward_crawling,
            allow_external_links=allow_external_content_links,
        )
    )


def _execute_firecrawl_map(
    url: str,
    firecrawl_api_key: str,
    firecrawl_api_url: str | None = None,
    search: str | None = None,
    ignore_sitemap: bool = False,
    include_subdomains: bool = False,
    limit: int = 5000,
) -> dict[str, Any]:
    """The site's URLs under ``links``."""
    app = _app(firecrawl_api_key, firecrawl_api_url)
    return _plain(
        app.map_url(
            url, search=search, ignore_sitemap=ignore_sitemap, include_subdomains=include_subdomains, limit=limit
        )
    )


def _execute_firecrawl_search(
    query: str,
    firecrawl_api_key: str,
    firecrawl_api_url: str | None = None,
    limit: int = 5,
    tbs: str | None = None,
    filter: str | None = None,
    lang: str = "en",
    country: str = "us",
    location: str | None = None,
    timeout: int | None = None,
) -> dict[str, Any]:
    """A web search; the hits under ``data``."""
    app = _app(firecrawl_api_key, firecrawl_api_url)
    options = {"tbs": tbs, "filter": filter, "location": location, "timeout": timeout}
    return _plain(
        app.search(
            query, limit=limit, lang=lang, country=country, **{k: v for k, v in options.items() if v is not None}
        )
    )


def _execute_firecrawl_deep_research(
    query: str,
    firecrawl_api_key: str,
    firecrawl_api_url: str | None = None,
    max_depth: int = 7,
    time_limit: int = 270,
    max_urls: int = 20,
    analysis_prompt: str | None = None,
    system_prompt: str | None = None,
) -> dict[str, Any]:
    """Run a deep-research job to its end; its final status (``data``, ``sources``, ``summaries``...)."""
    app = _app(firecrawl_api_key, firecrawl_api_url)
    return _plain(
        app.deep_research(
            query,
            max_depth=max_depth,
            time_limit=time_limit,
            max_urls=max_urls,
            analysis_prompt=analysis_prompt,
            system_prompt=system_prompt,
        )
    )


def _page(item: dict[str, Any], url: str | None = None) -> dict[str, Any]:
    metadata = item.get("metadata") or {}
    return {
        "title": metadata.get("title", ""),
        "url": url if url is not None else metadata.get("sourceURL", ""),
        "content": item.get("markdown", item.get("html", "")),
        "metadata": metadata,
    }


def _firecrawl_scrape(
    url: str, firecrawl_api_key: str, firecrawl_api_url: str | None = None, **options: Any
) -> list[dict[str, Any]]:
    """``[{"title", "url", "content", "metadata"}]`` for the page; ``[]`` when the scrape fails."""
    try:
        found = _execute_firecrawl_scrape(
            url=url, firecrawl_api_key=firecrawl_api_key, firecrawl_api_url=firecrawl_api_url, **options
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"Firecrawl scrape failed: {e}")
        return []
    return [_page(found, url)]


def _firecrawl_crawl(
    url: str, firecrawl_api_key: str, firecrawl_api_url: str | None = None, **options: Any
) -> list[dict[str, Any]]:
    """One ``{"title", "url", "content", "metadata"}`` per crawled page; ``[]`` when the crawl fails."""
    try:
        found = _execute_firecrawl_crawl(
            url=url, firecrawl_api_key=firecrawl_api_key, firecrawl_api_url=firecrawl_api_url, **options
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"Firecrawl crawl failed: {e}")
        return []
    return [_page(item) for item in found.get("data", [])]


def _firecrawl_map(
    url: str, firecrawl_api_key: str, firecrawl_api_url: str | None = None, **options: Any
) -> list[dict[str, Any]]:
    """One ``{"url", "title": "", "content": ""}`` per URL found; ``[]`` when the map fails."""
    try:
        found = _execute_firecrawl_map(
            url=url, firecrawl_api_key=firecrawl_api_key, firecrawl_api_url=firecrawl_api_url, **options
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"Firecrawl map failed: {e}")
        return []
    return [{"url": link, "title": "", "content": ""} for link in found.get("links", [])]


def _firecrawl_search(
    query: str, firecrawl_api_key: str, firecrawl_api_url: str | None = None, **options: Any
) -> list[dict[str, Any]]:
    """One ``{"title", "url", "content", "description", "metadata"}`` per hit; ``[]`` when the search fails."""
    try:
        found = _execute_firecrawl_search(
            query=query, firecrawl_api_key=firecrawl_api_key, firecrawl_api_url=firecrawl_api_url, **options
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"Firecrawl search failed: {e}")
        return []
    return [
        {
            "title": item.get("title", ""),
            "url": item.get("url", ""),
            "content": item.get("markdown", item.get("html", "")),
            "description": item.get("description", ""),
            "metadata": item.get("metadata", {}),
        }
        for item in found.get("data", [])
    ]


def _firecrawl_deep_research(
    query: str, firecrawl_api_key: str, firecrawl_api_url: str | None = None, **options: Any
) -> dict[str, Any]:
    """The research outcome as ``{"query", "status", "data", "sources", "summaries", "activities", "success",
    "error"}``; a failure is ``status="failed"`` with the error."""
    try:
        found = _execute_firecrawl_deep_research(
            query=query, firecrawl_api_key=firecrawl_api_key, firecrawl_api_url=firecrawl_api_url, **options
        )
    except Exception as e:  # noqa: BLE001 - a failure is reported in the result, as in the original
        logger.error(f"Firecrawl deep research failed: {e}")
        found = {"status": "failed", "success": False, "error": str(e)}
    return {
        "query": query,
        "status": found.get("status", ""),
        "data": found.get("data", {}),
        "sources": found.get("sources", []),
        "summaries": found.get("summaries", []),
        "activities": found.get("activities", []),
        "success": found.get("success", False),
        "error": found.get("error", ""),
    }


class FirecrawlTool(Tool):
    """Scrape a page with Firecrawl (the tool the model sees); ``scrape``, ``crawl``, ``map``, ``search`` and
    ``deep_research`` are the operations for direct calls.

    The key comes from ``firecrawl_api_key`` or ``FIRECRAWL_API_KEY``; the endpoint from ``firecrawl_api_url``
    or ``FIRECRAWL_API_URL`` (a self-hosted Firecrawl), else the hosted service.
    """

    def __init__(
        self,
        *,
        llm_config: Any = None,
        firecrawl_api_key: str | None = None,
        firecrawl_api_url: str | None = None,
    ) -> None:
        warnings.warn(
            "FirecrawlTool is deprecated and will be removed in v0.14. Use Crawl4AITool or BrowserUseTool instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        self.firecrawl_api_key = firecrawl_api_key or os.getenv("FIRECRAWL_API_KEY")
        self.firecrawl_api_url = firecrawl_api_url or os.getenv("FIRECRAWL_API_URL")
        if self.firecrawl_api_key is None:
            raise ValueError(
                "firecrawl_api_key must be provided either as an argument or via FIRECRAWL_API_KEY env var"
            )
        key = Depends(on(self.firecrawl_api_key))
        api_url = Depends(on(self.firecrawl_api_url))

        def firecrawl_scrape(
            url: Annotated[str, "The URL to scrape."],
            firecrawl_api_key: Annotated[str | None, key],
            firecrawl_api_url: Annotated[str | None, api_url],
            formats: Annotated[list[str] | None, "Output formats (e.g., ['markdown', 'html'])"] = None,
            include_tags: Annotated[list[str] | None, "HTML tags to include"] = None,
            exclude_tags: Annotated[list[str] | None, "HTML tags to exclude"] = None,
            headers: Annotated[dict[str, str] | None, "HTTP headers to use"] = None,
            wait_for: Annotated[int | None, "Time to wait for page load in milliseconds"] = None,
            timeout: Annotated[int | None, "Request timeout in milliseconds"] = None,
        ) -> list[dict[str, Any]]:
            return _firecrawl_scrape(
                url=url,
                firecrawl_api_key=_given(firecrawl_api_key),
                firecrawl_api_url=firecrawl_api_url,
                formats=formats,
                include_tags=include_tags,
                exclude_tags=exclude_tags,
                headers=headers,
                wait_for=wait_for,
                timeout=timeout,
            )

        def firecrawl_crawl(
            url: Annotated[str, "The starting URL to crawl."],
            firecrawl_api_key: Annotated[str | None, key],
            firecrawl_api_url: Annotated[str | None, api_url],
            limit: Annotated[int, "Maximum number of pages to crawl"] = 5,
            formats: Annotated[list[str] | None, "Output formats (e.g., ['markdown', 'html'])"] = None,
            include_paths: Annotated[list[str] | None, "URL patterns to include"] = None,
            exclude_paths: Annotated[list[str] | None, "URL patterns to exclude"] = None,
            max_depth: Annotated[int | None, "Maximum crawl depth"] = None,
            allow_backward_crawling: Annotated[bool | None, "Allow crawling backward links"] = False,
            allow_external_content_links: Annotated[bool | None, "Allow external links"] = False,
        ) -> list[dict[str, Any]]:
            return _firecrawl_crawl(
                url=url,
                firecrawl_api_key=_given(firecrawl_api_key),
                firecrawl_api_url=firecrawl_api_url,
                limit=limit,
                formats=formats,
                include_paths=include_paths,
                exclude_paths=exclude_paths,
                max_depth=max_depth,
                allow_backward_crawling=allow_backward_crawling or False,
                allow_external_content_links=allow_external_content_links or False,
            )

        def firecrawl_map(
            url: Annotated[str, "The website URL to map."],
            firecrawl_api_key: Annotated[str | None, key],
            firecrawl_api_url: Annotated[str | None, api_url],
            search: Annotated[str | None, "Search term to filter URLs"] = None,
            ignore_sitemap: Annotated[bool | None, "Whether to ignore the sitemap"] = False,
            include_subdomains: Annotated[bool | None, "Whether to include subdomains"] = False,
            limit: Annotated[int, "Maximum number of URLs to return"] = 5000,
        ) -> list[dict[str, Any]]:
            return _firecrawl_map(
                url=url,
                firecrawl_api_key=_given(firecrawl_api_key),
                firecrawl_api_url=firecrawl_api_url,
                search=search,
                ignore_sitemap=ignore_sitemap or False,
                include_subdomains=include_subdomains or False,
                limit=limit,
            )

        def firecrawl_search(
            query: Annotated[str, "The search query string."],
            firecrawl_api_key: Annotated[str | None, key],
            firecrawl_api_url: Annotated[str | None, api_url],
            limit: Annotated[int, "Maximum number of results to return"] = 5,
            tbs: Annotated[str | None, "Time filter (e.g., 'qdr:d' for past day)"] = None,
            filter: Annotated[str | None, "Custom result filter"] = None,
            lang: Annotated[str | None, "Language code"] = "en",
            country: Annotated[str | None, "Country code"] = "us",
            location: Annotated[str | None, "Geo-targeting location"] = None,
            timeout: Annotated[int | None, "Request timeout in milliseconds"] = None,
        ) -> list[dict[str, Any]]:
            return _firecrawl_search(
                query=query,
                firecrawl_api_key=_given(firecrawl_api_key),
                firecrawl_api_url=firecrawl_api_url,
                limit=limit,
                tbs=tbs,
                filter=filter,
                lang=lang or "en",
                country=country or "us",
                location=location,
                timeout=timeout,
            )

        def firecrawl_deep_research(
            query: Annotated[str, "The research query or topic to investigate."],
            firecrawl_api_key: Annotated[str | None, key],
            firecrawl_api_url: Annotated[str | None, api_url],
            max_depth: Annotated[int, "Maximum depth of research exploration"] = 7,
            time_limit: Annotated[int, "Time limit in seconds for research"] = 270,
            max_urls: Annotated[int, "Maximum number of URLs to process"] = 20,
            analysis_prompt: Annotated[str | None, "Custom prompt for analysis"] = None,
            system_prompt: Annotated[str | None, "Custom system prompt"] = None,
        ) -> dict[str, Any]:
            # as in the original, the API's answer unformatted and its errors raised
            return _execute_firecrawl_deep_research(
                query=query,
                firecrawl_api_key=_given(firecrawl_api_key),
                firecrawl_api_url=firecrawl_api_url,
                max_depth=max_depth,
                time_limit=time_limit,
                max_urls=max_urls,
                analysis_prompt=analysis_prompt,
                system_prompt=system_prompt,
            )

        super().__init__(
            name="firecrawl_scrape",
            description="Use the Firecrawl API to scrape content from a single URL.",
            func_or_tool=firecrawl_scrape,
        )
        # Each operation for direct calls, with the tool's key and URL unless others are passed.
        keys = {"firecrawl_api_key": self.firecrawl_api_key, "firecrawl_api_url": self.firecrawl_api_url}
        self.scrape = functools.partial(firecrawl_scrape, **keys)
        self.crawl = functools.partial(firecrawl_crawl, **keys)
        self.map = functools.partial(firecrawl_map, **keys)
        self.search = functools.partial(firecrawl_search, **keys)
        self.deep_research = functools.partial(firecrawl_deep_research, **keys)


def _given(api_key: str | None) -> str:
    if api_key is None:
        raise ValueError("Firecrawl API key is missing.")
    return api_key
