"""Experimental tools. Each lives in its own subpackage, loaded when its name is first used."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "PythonCodeExecutionTool": "code_execution",
    "DuckDuckGoSearchTool": "duckduckgo",
    "WikipediaQueryRunTool": "wikipedia",
    "WikipediaPageLoadTool": "wikipedia",
    "TavilySearchTool": "tavily",
    "PerplexitySearchTool": "perplexity",
    "ReliableTool": "reliable",
    "ReliableToolError": "reliable",
    "SuccessfulExecutionParameters": "reliable",
    "ToolExecutionDetails": "reliable",
    "GoogleSearchTool": "google_search",
    "YoutubeSearchTool": "google_search",
    "Crawl4AITool": "crawl4ai",
    "BrowserUseTool": "browser_use",
    "DeepResearchTool": "deep_research",
    "QuickResearchTool": "quick_research",
    "DiscordRetrieveTool": "messageplatform",
    "DiscordSendTool": "messageplatform",
    "SlackRetrieveRepliesTool": "messageplatform",
    "SlackRetrieveTool": "messageplatform",
    "SlackSendTool": "messageplatform",
    "TelegramRetrieveTool": "messageplatform",
    "TelegramSendTool": "messageplatform",
    "FirecrawlTool": "firecrawl",
    "SearxngSearchTool": "searxng",
    "TinyFishTool": "tinyfish",
    "TinyFishSearchTool": "tinyfish",
    "TinyFishFetchTool": "tinyfish",
    "WebSearchPreviewTool": "web_search_preview",
}

__all__ = sorted(_WHERE)  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    sub = _WHERE.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{sub}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
