"""Wikipedia tools on the ``wikipedia-api`` package (extra ``wikipedia``).

Searches go to the MediaWiki API (``list=search``) with ``requests``; pages (summary, text) are read
through ``wikipediaapi``. Errors come back to the model as text, never as exceptions.
"""

from __future__ import annotations

import importlib.metadata
import re
from typing import Any

from pydantic import BaseModel

from ...tool import Tool
from .._external import require_package

try:
    import requests
except ImportError:  # named with its extra when a client is made
    requests = None  # type: ignore[assignment]

__all__ = ["Document", "WikipediaClient", "WikipediaPageLoadTool", "WikipediaQueryRunTool"]

MAX_QUERY_LENGTH = 300
"""Queries are cut to this many characters."""
MAX_PAGE_RETRIEVE = 100
"""The most pages one search returns."""
MAX_ARTICLE_LENGTH = 10000
"""The most characters of a page `WikipediaPageLoadTool` returns."""

_NO_RESULT = "No good Wikipedia Search Result was found"


class Document(BaseModel):
    """A Wikipedia page's text (possibly cut) with its ``metadata``: source URL, title, pageid,
    timestamp, wordcount and size (all strings)."""

    page_content: str
    metadata: dict[str, str]


def _version(distribution: str) -> tuple[int, ...]:
    try:
        text = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ()
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _endpoint_transport(api_url: str) -> Any:
    """An httpx transport sending every request to ``api_url`` (same query) instead of wikipedia.org."""
    import httpx

    target = httpx.URL(api_url)

    class EndpointTransport(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.url = request.url.copy_with(
                scheme=target.scheme, host=target.host, port=target.port, path=target.path
            )
            return super().handle_request(request)

    return EndpointTransport()


class WikipediaClient:
    """Searches and reads one language edition of Wikipedia.

    Args:
        language: the edition's code (``"en"``, ``"es"``, ...).
        tool_name: put in the User-Agent header (``autogen.Agent (<tool_name>)``).
        base_url: another MediaWiki API endpoint (``.../w/api.php``) to use instead of
            ``https://<language>.wikipedia.org/w/api.php`` (needs wikipedia-api 0.16 or later).
    """

    def __init__(self, language: str = "en", tool_name: str = "wikipedia-client", base_url: str | None = None) -> None:
        wikipediaapi = require_package("wikipediaapi", "wikipedia", "WikipediaClient")
        require_package("requests", "wikipedia", "WikipediaClient")
        self.base_url = base_url or f"https://{language}.wikipedia.org/w/api.php"
        self.headers = {"User-Agent": f"autogen.Agent ({tool_name})"}
        options: dict[str, Any] = {}
        if base_url is not None:
            if _version("wikipedia-api") < (0, 16):
                raise ImportError(
                    "WikipediaClient(base_url=...) needs wikipedia-api 0.16 or later (the first release taking a "
                    'custom transport). Upgrade it with: pip install -U "ag2[wikipedia]"'
                )
            options["transport"] = _endpoint_transport(base_url)
        self.wiki = wikipediaapi.Wikipedia(
            language=language,
            extract_format=wikipediaapi.ExtractFormat.WIKI,
            user_agent=f"autogen.Agent ({tool_name})",
            **options,
        )

    def search(self, query: str, limit: int = 3) -> Any:
        """The search hits for ``query``: dicts with ``title``, ``pageid``, ``size``, ``wordcount``,
        ``timestamp`` (``requests.HTTPError`` when the API answers with an error status)."""
        params = {
            "action": "query",
            "format": "json",
            "list": "search",
            "srsearch": query,
            "srlimit": str(limit),
            "srprop": "size|wordcount|timestamp",
        }
        response = requests.get(url=self.base_url, params=params, headers=self.headers, timeout=30)
        response.raise_for_status()
        return response.json().get("query", {}).get("search", [])

    def get_page(self, title: str) -> Any | None:
        """The ``wikipediaapi`` page titled ``title``, or None when it does not exist."""
        page = self.wiki.page(title)
        return page if page.exists() else None


class WikipediaQueryRunTool(Tool):
    """Searches Wikipedia and returns the summaries of the best pages (``"Page: <title>\\nSummary: <text>"``).

    Args:
        language: the Wikipedia edition to search.
        top_k: how many pages (at most ``MAX_PAGE_RETRIEVE``).
        verbose: print each query.
    """

    def __init__(self, language: str = "en", top_k: int = 3, verbose: bool = False) -> None:
        require_package("wikipediaapi", "wikipedia", "WikipediaQueryRunTool")
        self.language = language
        self.tool_name = "wikipedia-query-run"
        self.wiki_cli = WikipediaClient(language, self.tool_name)
        self.top_k = min(top_k, MAX_PAGE_RETRIEVE)
        self.verbose = verbose
        super().__init__(
            name=self.tool_name,
            description="Run a Wikipedia query and return page summaries.",
            func_or_tool=self.query_run,
        )

    def query_run(self, query: str) -> list[str] | str:
        """Search Wikipedia for ``query``; the pages' summaries, or a message saying why there are none."""
        try:
            query = query[:MAX_QUERY_LENGTH]
            if self.verbose:
                print(f"INFO\t [{self.tool_name}] search query='{query}' top_k={self.top_k}")
            summaries = []
            for hit in self.wiki_cli.search(query, limit=self.top_k):
                page = self.wiki_cli.get_page(hit["title"])
                if page is not None and page.summary:
                    summaries.append(f"Page: {hit['title']}\nSummary: {page.summary}")
            return summaries or _NO_RESULT
        except Exception as e:  # noqa: BLE001 - the model reads what went wrong
            return f"wikipedia search failed: {e}"


class WikipediaPageLoadTool(Tool):
    """Searches Wikipedia and returns the best pages' text (cut at ``truncate`` characters) as `Document`s.

    Args:
        language: the Wikipedia edition to search.
        top_k: how many pages (at most ``MAX_PAGE_RETRIEVE``).
        truncate: characters kept of each page (at most ``MAX_ARTICLE_LENGTH``).
        verbose: print each query.
    """

    def __init__(self, language: str = "en", top_k: int = 3, truncate: int = 4000, verbose: bool = False) -> None:
        require_package("wikipediaapi", "wikipedia", "WikipediaPageLoadTool")
        self.language = language
        self.top_k = min(top_k, MAX_PAGE_RETRIEVE)
        self.truncate = min(truncate, MAX_ARTICLE_LENGTH)
        self.verbose = verbose
        self.tool_name = "wikipedia-page-load"
        self.wiki_cli = WikipediaClient(language, self.tool_name)
        super().__init__(
            name=self.tool_name,
            description=(
                "Search Wikipedia for relevant pages using a language-specific client. "
                "Returns a list of documents with truncated content and metadata including title, URL, "
                "page ID, timestamp, word count, and page size. Configure number of results with the 'top_k' parameter "
                "and content length with 'truncate'. Useful for research, summarization, or contextual enrichment."
            ),
            func_or_tool=self.content_search,
        )

    def content_search(self, query: str) -> list[Document] | str:
        """Search Wikipedia for ``query``; the pages' text with metadata, or a message saying why there is none."""
        try:
            query = query[:MAX_QUERY_LENGTH]
            if self.verbose:
                print(f"INFO\t [{self.tool_name}] search query='{query}' top_k={self.top_k}")
            docs = []
            for hit in self.wiki_cli.search(query, limit=self.top_k):
                page = self.wiki_cli.get_page(hit["title"])
                if page is None or not page.text:
                    continue
                metadata = {
                    "source": f"https://{self.language}.wikipedia.org/?curid={hit['pageid']}",
                    "title": hit["title"],
                    **{key: str(hit[key]) for key in ("pageid", "timestamp", "wordcount", "size")},
                }
                docs.append(Document(page_content=page.text[: self.truncate], metadata=metadata))
            return docs or _NO_RESULT
        except Exception as e:  # noqa: BLE001 - the model reads what went wrong
            return f"wikipedia search failed: {e}"
