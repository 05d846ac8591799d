"""QuickResearchTool: research several queries at once: Tavily search, fetch each hit, summarise it with an LLM.

For each query (at most ``MAX_QUERIES``) the top Tavily hits are fetched in parallel (with crawl4ai's browser
when it is installed, else over plain HTTP), reduced to their text, and summarised by the configured model
(long pages in chunks whose summaries are then merged). The tool returns JSON:
``[{"query": ..., "sources": [{"title", "url", "summary"}]}]``. Extra: ``pip install "ag2[quick-research]"``.
"""

import asyncio
import functools
import importlib.util
import json
import logging
import os
import re
import time
from datetime import datetime, timezone
from typing import Annotated, Any
from urllib.parse import urlparse

from ....doc_utils import export_module
from ....import_utils import optional_import
from ....token_count_utils import get_tokenizer
from ...dependency_injection import Depends, on
from ...tool import Tool
from ..tavily import tavily_search

__all__ = ["QuickResearchTool"]

logger = logging.getLogger(__name__)

_EXTRA = "quick-research"

MAX_QUERIES = 5
CRAWL_TIMEOUT = 10.0
SUMMARIZE_TIMEOUT = 30.0
MAX_INPUT_TOKENS = 15_000
MAX_CHUNK_TOKENS = 15_000
OVERLAP_TOKENS = 200

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".avif"}
MEDIA_EXTS = {".mp4", ".mp3", ".wav", ".ogg", ".webm", ".pdf"}

# The clients' classes, imported on first use (None until then; a test may put its own here).
TavilyClient: Any = None
AsyncWebCrawler: Any = None

DEFAULT_CHUNK_PROMPT = "Summarise the chunk, preserving all facts."
DEFAULT_MERGER_PROMPT = "Merge the partial summaries into one coherent overview."
DEFAULT_FULL_PROMPT = "Provide a concise but complete summary."
_TRUNCATED_NOTE = "\n\n[Note: Summary based on first portion of content - original page was truncated due to length]"
_TIMED_OUT_NOTE = "\n\n[Note: Full summarization timed out - showing snippet only]"


# ---------------------------------------------------------------------------------------------- text


@functools.cache
def _domain_extractor() -> Any:
    tldextract = optional_import("tldextract", _EXTRA, feature="QuickResearchTool")
    # the public-suffix list bundled with tldextract: no download at run time
    return tldextract.TLDExtract(suffix_list_urls=())


def _reg_dom(netloc: str) -> str:
    """The registered domain of ``netloc`` ("docs.example.co.uk" -> "example.co.uk")."""
    parts = _domain_extractor()(netloc)
    return f"{parts.domain}.{parts.suffix}" if parts.suffix else parts.domain


def _clean_html(html: str, base_url: str) -> str:
    """The page's text: media, scripts and styles dropped, links to other sites or to files unwrapped."""
    bs4 = optional_import("bs4", _EXTRA, feature="QuickResearchTool")
    soup = bs4.BeautifulSoup(html, "html.parser")
    for tag in soup(["img", "audio", "video", "script", "style"]):
        tag.decompose()
    site = _reg_dom(urlparse(base_url).netloc)
    for link in soup.find_all("a", href=True):
        target = urlparse(str(link["href"]))
        same_site = not target.netloc or _reg_dom(target.netloc) == site
        ext = "." + target.path.rsplit(".", 1)[-1].lower() if "." in target.path else ""
        if not same_site or ext in IMAGE_EXTS or ext in MEDIA_EXTS:
            link.unwrap()
    text = soup.get_text(separator="\n")
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{2,}", "\n\n", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip()


class _CharTokens:
    """Stands in for a tokenizer when none can be loaded offline: one "token" per character."""

    @staticmethod
    def encode(text: str) -> list[int]:
        return [ord(c) for c in text]

    @staticmethod
    def decode(ids: list[int]) -> str:
        return "".join(map(chr, ids))


class _Tokens:
    """``encode``/``decode`` over a tiktoken-style tokenizer (special-looking text counted as plain text)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def encode(self, text: str) -> list[int]:
        return self._tokenizer.encode_ordinary(text)  # type: ignore[no-any-return]

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids)  # type: ignore[no-any-return]


def _encoding() -> Any:
    tokenizer = get_tokenizer("cl100k_base")
    return _CharTokens() if tokenizer is None else _Tokens(tokenizer)


def _split_tokens(text: str, enc: Any) -> list[str]:
    """Cut ``text`` into chunks of ``MAX_CHUNK_TOKENS`` tokens, each overlapping the last by ``OVERLAP_TOKENS``."""
    ids = enc.encode(text)
    step = MAX_CHUNK_TOKENS - OVERLAP_TOKENS
    return [enc.decode(ids[i : i + MAX_CHUNK_TOKENS]) for i in range(0, len(ids), step)]


# ---------------------------------------------------------------------------------------------- LLM


def _ask_llm(config_list: list[dict[str, Any]], prompt: str, system_message: str) -> str:
    """One model call (sync); a failure is logged and gives ""."""
    from ....oai.client import OpenAIWrapper

    try:
        wrapper = OpenAIWrapper(config_list=config_list)
        response = wrapper.create(
            messages=[{"role": "system", "content": system_message}, {"role": "user", "content": prompt}],
            temperature=0.7,
            cache_seed=None,
        )
        texts = wrapper.extract_text_or_completion_object(response)
    except Exception as e:  # noqa: BLE001 - a failed summary must not sink the other sources
        logger.warning("[QuickResearch] LLM call failed: %s", e)
        return ""
    if not texts:
        return ""
    first = texts[0]
    content = first if isinstance(first, str) else getattr(first, "content", None)
    return content.strip() if content else ""


async def _ask_llm_async(config_list: list[dict[str, Any]], prompt: str, system_message: str) -> str:
    """`_ask_llm` in a worker thread."""
    return await asyncio.to_thread(_ask_llm, config_list, prompt, system_message)


async def _summarise_text_async(
    config_list: list[dict[str, Any]],
    enc: Any,
    text: str,
    chunk_prompt: str,
    merger_prompt: str,
    full_prompt: str,
) -> str:
    """Summarise ``text`` (cut to ``MAX_INPUT_TOKENS``): in one call, or per chunk in parallel, then merged."""
    tokens = enc.encode(text)
    truncated = len(tokens) > MAX_INPUT_TOKENS
    if truncated:
        tokens = tokens[:MAX_INPUT_TOKENS]
        text = enc.decode(tokens)
    if len(tokens) <= MAX_CHUNK_TOKENS:
        summary = await _ask_llm_async(config_list, text, full_prompt)
    else:
        partials = await asyncio.gather(
            *(_ask_llm_async(config_list, chunk, chunk_prompt) for chunk in _split_tokens(text, enc))
        )
        summary = await _ask_llm_async(config_list, "\n\n".join(partials), merger_prompt)
    return summary + _TRUNCATED_NOTE if truncated else summary


# ---------------------------------------------------------------------------------------------- fetching


def _http_get(url: str) -> str:
    requests = optional_import("requests", _EXTRA, feature="QuickResearchTool")
    response = requests.get(url, timeout=CRAWL_TIMEOUT, headers={"User-Agent": "Mozilla/5.0 (compatible; ag2)"})
    response.raise_for_status()
    return response.text  # type: ignore[no-any-return]


async def _fetch_html(url: str) -> str:
    """The page's HTML: rendered by crawl4ai's browser when crawl4ai is installed, else as served over HTTP."""
    crawler_cls = AsyncWebCrawler
    if crawler_cls is None and importlib.util.find_spec("crawl4ai") is not None:
        from crawl4ai import AsyncWebCrawler as crawler_cls
    if crawler_cls is None:
        return await asyncio.to_thread(_http_get, url)
    async with crawler_cls() as crawler:
        return (await crawler.arun(url)).html  # type: ignore[no-any-return]


async def _crawl_and_summarise(
    url: str,
    config_list: list[dict[str, Any]],
    enc: Any,
    *,
    summarise: bool = True,
    chunk_prompt: str = DEFAULT_CHUNK_PROMPT,
    merger_prompt: str = DEFAULT_MERGER_PROMPT,
    full_prompt: str = DEFAULT_FULL_PROMPT,
) -> dict[str, Any]:
    """Fetch ``url`` and return its summary (or its text) with the time each stage took, in seconds."""
    started = time.time()
    try:
        html = await asyncio.wait_for(_fetch_html(url), timeout=CRAWL_TIMEOUT)
    except asyncio.TimeoutError:
        crawl_time = time.time() - started
        return {
            "url": url,
            "fetched_at": datetime.now(timezone.utc).isoformat(),
            "page_content": None,
            "timing": {"crawl": crawl_time, "clean": 0, "summarize": 0, "total": crawl_time},
        }
    crawl_time = time.time() - started

    clean_started = time.time()
    text = _clean_html(html, url)
    clean_time = time.time() - clean_started

    content: str | None = text
    summarize_time = 0.0
    if summarise:
        summary_started = time.time()
        try:
            content = await asyncio.wait_for(
                _summarise_text_async(config_list, enc, text, chunk_prompt, merger_prompt, full_prompt),
                timeout=SUMMARIZE_TIMEOUT,
            )
        except asyncio.TimeoutError:
            content = (text[:500] + "..." if len(text) > 500 else text) + _TIMED_OUT_NOTE
        summarize_time = time.time() - summary_started

    return {
        "url": url,
        "fetched_at": datetime.now(timezone.utc).isoformat(),
        "page_content": content,
        "timing": {
            "crawl": round(crawl_time, 2),
            "clean": round(clean_time, 2),
            "summarize": round(summarize_time, 2),
            "total": round(time.time() - started, 2),
        },
    }


# ---------------------------------------------------------------------------------------------- research


def _tavily_search(query: str, tavily_api_key: str, num_results: int = 3) -> list[dict[str, str]]:
    """The top ``num_results`` (at most 10) Tavily hits for ``query`` as ``{"title", "url"}``."""
    client_cls = TavilyClient or optional_import("tavily", _EXTRA, feature="QuickResearchTool").TavilyClient
    options = {} if tavily_search._api_base_url is None else {"api_base_url": tavily_search._api_base_url}
    client = client_cls(api_key=tavily_api_key, **options)
    response = client.search(
        query=query,
        search_depth="basic",
        max_results=min(num_results, 10),
        include_answer=False,
        include_raw_content=False,
    )
    return [{"title": hit.get("title", ""), "url": hit.get("url", "")} for hit in response.get("results", [])]


async def _research_single_query(
    query: str,
    tavily_api_key: str,
    config_list: list[dict[str, Any]],
    enc: Any,
    num_results: int = 3,
    chunk_prompt: str = DEFAULT_CHUNK_PROMPT,
    merger_prompt: str = DEFAULT_MERGER_PROMPT,
    full_prompt: str = DEFAULT_FULL_PROMPT,
) -> dict[str, Any]:
    """Search ``query`` and summarise its hits in parallel; hits that fail or give nothing are left out."""
    hits = await asyncio.to_thread(_tavily_search, query, tavily_api_key, num_results)
    pages = await asyncio.gather(
        *(
            _crawl_and_summarise(
                hit["url"],
                config_list,
                enc,
                summarise=True,
                chunk_prompt=chunk_prompt,
                merger_prompt=merger_prompt,
                full_prompt=full_prompt,
            )
            for hit in hits
        ),
        return_exceptions=True,
    )
    sources = [
        {"title": hit["title"], "url": hit["url"], "summary": page["page_content"]}
        for hit, page in zip(hits, pages)
        if not isinstance(page, BaseException) and page.get("page_content")
    ]
    return {"query": query, "sources": sources}


@export_module("autogen.tools.experimental")
class QuickResearchTool(Tool):
    """Research several queries in parallel: Tavily search, fetch each hit, summarise it with an LLM.

    A lighter alternative to ``DeepResearchTool`` for quick fact-finding across topics.

    Args:
        llm_config: the model that summarises the pages (any provider AG2 supports).
        tavily_api_key: the Tavily key; default: the ``TAVILY_API_KEY`` environment variable.
        num_results_per_query: how many hits of each query are fetched and summarised.

    Raises:
        ValueError: no Tavily key was given or found in the environment.
    """

    def __init__(self, *, llm_config: Any, tavily_api_key: str | None = None, num_results_per_query: int = 3) -> None:
        from ....llm_config import LLMConfig

        for module in ("tavily", "bs4", "tldextract", "requests"):
            optional_import(module, _EXTRA, feature="QuickResearchTool")
        self.tavily_api_key = tavily_api_key or os.getenv("TAVILY_API_KEY")
        self.llm_config = llm_config
        self.num_results_per_query = num_results_per_query
        self._config_list = [entry.model_dump() for entry in LLMConfig.ensure_config(llm_config).config_list]
        if self.tavily_api_key is None:
            raise ValueError("tavily_api_key must be provided either as an argument or via TAVILY_API_KEY env var")

        async def quick_research(
            queries: Annotated[list[str], "List of search queries to research (max 5)."],
            tavily_api_key: Annotated[str, Depends(on(self.tavily_api_key))],
            config_list: Annotated[list[dict[str, Any]], Depends(on(self._config_list))],
            num_results_per_query: Annotated[int, Depends(on(self.num_results_per_query))],
            chunk_prompt: Annotated[str, "Prompt for summarizing individual text chunks."] = DEFAULT_CHUNK_PROMPT,
            merger_prompt: Annotated[str, "Prompt for merging chunk summaries."] = DEFAULT_MERGER_PROMPT,
            full_prompt: Annotated[str, "Prompt for summarizing short texts in one pass."] = DEFAULT_FULL_PROMPT,
        ) -> str:
            """Research the queries in parallel; JSON list of {query, sources: [{title, url, summary}]}."""
            if not queries:
                return "[]"
            enc = _encoding()
            results = await asyncio.gather(
                *(
                    _research_single_query(
                        query,
                        tavily_api_key=tavily_api_key,
                        config_list=config_list,
                        enc=enc,
                        num_results=num_results_per_query,
                        chunk_prompt=chunk_prompt,
                        merger_prompt=merger_prompt,
                        full_prompt=full_prompt,
                    )
                    for query in queries[:MAX_QUERIES]
                ),
                return_exceptions=True,
            )
            return json.dumps([r for r in results if not isinstance(r, BaseException)])

        super().__init__(
            name="quick_research",
            description="Research multiple queries in parallel using web search, crawling, and LLM summarization.",
            func_or_tool=quick_research,
        )
