"""A small text-mode web browser (like Lynx) for agents: pages become Markdown read one viewport at a time.

``SimpleTextBrowser`` fetches pages with requests, turns HTML into Markdown (markdownify), PDFs into text
(pdfminer.six, when installed) and saves other downloads to ``downloads_folder``. Addresses starting with
``bing:`` run a Bing Web Search API query and show the results as a page. Needs ``pip install "ag2[websurfer]"``.
"""

from __future__ import annotations

import importlib.util
import io
import mimetypes
import os
import re
import uuid
from typing import Any
from urllib.parse import urljoin, urlparse

from .import_utils import optional_import

__all__ = ["SimpleTextBrowser"]

_EXTRA = "websurfer"

IS_PDF_CAPABLE = importlib.util.find_spec("pdfminer") is not None

_SPACES = (" ", "\t", "\r", "\n")


def _requests() -> Any:
    return optional_import("requests", _EXTRA, feature="SimpleTextBrowser")


def _is_web_address(address: str) -> bool:
    return address.startswith(("http:", "https:"))


def _html_to_markdown(html: str, url: str) -> tuple[str | None, str]:
    """(title, Markdown text) of an HTML page; Wikipedia articles keep only the article body."""
    bs4 = optional_import("bs4", _EXTRA, feature="SimpleTextBrowser")
    markdownify = optional_import("markdownify", _EXTRA, feature="SimpleTextBrowser")
    soup = bs4.BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.extract()
    title = soup.title.string if soup.title else None
    converter = markdownify.MarkdownConverter()
    body = soup.find("div", {"id": "mw-content-text"}) if url.startswith("https://en.wikipedia.org/") else None
    if body is not None:
        heading = soup.find("span", {"class": "mw-page-title-main"})
        main_title = heading.string if heading is not None and heading.string else title
        text = f"# {main_title}\n\n" + converter.convert_soup(body)
    else:
        text = converter.convert_soup(soup)
    text = text.replace("\r\n", "\n")
    return title, re.sub(r"\n{2,}", "\n\n", text).strip()


def _decoded(response: Any) -> str:
    # requests assumes ISO-8859-1 for text/* without a charset; guess from the bytes instead
    charset_given = "charset" in response.headers.get("content-type", "").lower()
    encoding = response.encoding if charset_given else response.apparent_encoding
    return response.content.decode(encoding or "utf-8", errors="replace")


class SimpleTextBrowser:
    """(In preview) An extremely simple text-based web browser comparable to Lynx, for agents.

    Args:
        start_page: the first address to open (default ``about:blank``).
        viewport_size: characters per viewport page of a web page (``None``: the whole page).
        downloads_folder: where files that are not HTML, text or PDF are saved (``None``: not saved).
        bing_base_url: the Bing Web Search endpoint used for ``bing:`` addresses.
        bing_api_key: the key for Bing searches; searching without one raises ``ValueError``.
        request_kwargs: extra keyword arguments for every ``requests.get`` call (headers, proxies...).
    """

    def __init__(
        self,
        start_page: str | None = None,
        viewport_size: int | None = 1024 * 8,
        downloads_folder: str | None = None,
        bing_base_url: str = "https://api.bing.microsoft.com/v7.0/search",
        bing_api_key: str | None = None,
        request_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.start_page: str = start_page if start_page else "about:blank"
        self.viewport_size = viewport_size
        self.downloads_folder = downloads_folder
        self.history: list[str] = []
        self.page_title: str | None = None
        self.viewport_current_page = 0
        self.viewport_pages: list[tuple[int, int]] = []
        self.bing_base_url = bing_base_url
        self.bing_api_key = bing_api_key
        self.request_kwargs = request_kwargs
        self._page_content = ""
        self.set_address(self.start_page)

    # ------------------------------------------------------------------ navigation
    @property
    def address(self) -> str:
        """The address of the current page."""
        return self.history[-1]

    def set_address(self, uri_or_path: str) -> None:
        """Open ``uri_or_path``: ``about:blank``, ``bing: <query>``, or a URL (relative to the current page)."""
        if uri_or_path == "about:blank":
            self.history.append(uri_or_path)
            self.page_title = None
            self._set_page_content("")
        elif uri_or_path.startswith("bing:"):
            self.history.append(uri_or_path)
            self._bing_search(uri_or_path[len("bing:") :].strip())
        else:
            if not _is_web_address(uri_or_path) and self.history:
                uri_or_path = urljoin(self.address, uri_or_path)
            self.history.append(uri_or_path)
            self._fetch_page(uri_or_path)
        self.viewport_current_page = 0

    def visit_page(self, path_or_uri: str) -> str:
        """Open ``path_or_uri`` and return the first viewport of it."""
        self.set_address(path_or_uri)
        return self.viewport

    def page_down(self) -> None:
        """Move the viewport one page down (it stays on the last page)."""
        self.viewport_current_page = min(self.viewport_current_page + 1, len(self.viewport_pages) - 1)

    def page_up(self) -> None:
        """Move the viewport one page up (it stays on the first page)."""
        self.viewport_current_page = max(self.viewport_current_page - 1, 0)

    # ------------------------------------------------------------------ content
    @property
    def viewport(self) -> str:
        """The text of the current viewport page."""
        start, end = self.viewport_pages[self.viewport_current_page]
        return self._page_content[start:end]

    @property
    def page_content(self) -> str:
        """The whole text of the current page."""
        return self._page_content

    def _set_page_content(self, content: str) -> None:
        self._page_content = content
        self._split_pages()
        if self.viewport_current_page >= len(self.viewport_pages):
            self.viewport_current_page = len(self.viewport_pages) - 1

    def _split_pages(self) -> None:
        """Cut a web page into viewport pages of about ``viewport_size`` characters, ending on whitespace."""
        content = self._page_content
        if not _is_web_address(self.address) or not self.viewport_size:
            self.viewport_pages = [(0, len(content))]
            return
        if not content:
            self.viewport_pages = [(0, 0)]
            return
        pages = []
        start = 0
        while start < len(content):
            end = min(start + self.viewport_size, len(content))
            while end < len(content) and content[end - 1] not in _SPACES:
                end += 1
            pages.append((start, end))
            start = end
        self.viewport_pages = pages

    # ------------------------------------------------------------------ search
    def _bing_api_call(self, query: str) -> dict[str, Any]:
        if self.bing_api_key is None:
            raise ValueError("Missing Bing API key.")
        kwargs = dict(self.request_kwargs or {})
        kwargs["headers"] = {**kwargs.get("headers", {}), "Ocp-Apim-Subscription-Key": self.bing_api_key}
        kwargs["params"] = {**kwargs.get("params", {}), "q": query, "textDecorations": False, "textFormat": "raw"}
        kwargs["stream"] = False
        kwargs.setdefault("timeout", 30)
        response = _requests().get(self.bing_base_url, **kwargs)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def _bing_search(self, query: str) -> None:
        results = self._bing_api_call(query)
        web: list[str] = []
        news: list[str] = []
        for page in results.get("webPages", {}).get("value", []):
            web.append(f"{len(web) + 1}. [{page['name']}]({page['url']})\n{page['snippet']}")
            for link in page.get("deepLinks", []):
                web.append(f"{len(web) + 1}. [{link['name']}]({link['url']})\n{link.get('snippet', '')}")
        for page in results.get("news", {}).get("value", []):
            news.append(f"{len(web) + len(news) + 1}. [{page['name']}]({page['url']})\n{page['description']}")
        self.page_title = f"{query} - Search"
        content = (
            f"A Bing search for '{query}' found {len(web) + len(news)} results:\n\n## Web Results\n" + "\n\n".join(web)
        )
        if news:
            content += "\n\n## News Results:\n" + "\n\n".join(news)
        self._set_page_content(content)

    # ------------------------------------------------------------------ fetching
    def _fetch_page(self, url: str) -> None:
        requests = _requests()
        kwargs = dict(self.request_kwargs or {})
        kwargs["stream"] = True
        kwargs.setdefault("timeout", 30)
        try:
            response = requests.get(url, **kwargs)
            response.raise_for_status()
            raw_type = response.headers.get("content-type", "").lower()
            content_type = next((t for t in ("text/html", "text/plain", "application/pdf") if t in raw_type), raw_type)
            if content_type == "text/html":
                self.page_title, text = _html_to_markdown(_decoded(response), url)
                self._set_page_content(text)
            elif content_type == "text/plain":
                self.page_title = None
                self._set_page_content(_decoded(response))
            elif IS_PDF_CAPABLE and content_type == "application/pdf":
                from pdfminer.high_level import extract_text

                self.page_title = None
                self._set_page_content(extract_text(io.BytesIO(response.content)))
            elif self.downloads_folder is not None:
                path = self._download(url, response, content_type)
                self.page_title = "Download complete."
                self._set_page_content(f"Downloaded '{url}' to '{path}'.")
            else:
                self.page_title = f"Error - Unsupported Content-Type '{content_type}'"
                self._set_page_content(self.page_title)
        except requests.exceptions.RequestException as e:
            self.page_title = "Error"
            self._set_page_content(str(e))

    def _download(self, url: str, response: Any, content_type: str) -> str:
        """Save the response body in ``downloads_folder`` under a safe name; return the file's path."""
        name = os.path.basename(urlparse(url).path)
        if importlib.util.find_spec("pathvalidate") is not None:
            from pathvalidate import sanitize_filename

            name = sanitize_filename(name).strip()
        else:
            name = re.sub(r"[^\w.\- ]", "_", name).strip()
        if not name:
            name = str(uuid.uuid4()) + (mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".download")
        path = os.path.abspath(os.path.join(self.downloads_folder or ".", name))
        with open(path, "wb") as f:
            f.writelines(response.iter_content(chunk_size=1 << 16))
        return path
