"""WebSurferAgent: an agent with one web tool (a browser, a crawler or a search API) registered for its LLM.

The tool is built from ``web_tool`` when the agent is; a tool whose package is missing raises the ImportError
naming its extra (e.g. ``pip install "ag2[browser-use]"`` for the default "browser_use").
"""

from __future__ import annotations

import importlib
from typing import Any, Literal

from ....agentchat.conversable_agent import ConversableAgent
from ....llm_config import LLMConfig
from ....tools.tool import Tool

__all__ = ["WebSurferAgent"]

WebTool = Literal["browser_use", "crawl4ai", "duckduckgo", "firecrawl", "perplexity", "tavily", "searxng"]

# web_tool -> (tool class, whether it takes the web tool's llm_config)
_WEB_TOOLS: dict[str, tuple[str, bool]] = {
    "browser_use": ("BrowserUseTool", True),
    "crawl4ai": ("Crawl4AITool", True),
    "firecrawl": ("FirecrawlTool", True),
    "perplexity": ("PerplexitySearchTool", False),
    "tavily": ("TavilySearchTool", True),
    "duckduckgo": ("DuckDuckGoSearchTool", False),
    "searxng": ("SearxngSearchTool", False),
}


def _web_tool(web_tool: str, llm_config: Any, kwargs: dict[str, Any]) -> Tool:
    if web_tool not in _WEB_TOOLS:
        raise ValueError(f"Unsupported {web_tool=}.")
    class_name, takes_llm_config = _WEB_TOOLS[web_tool]
    tool_class = getattr(importlib.import_module("autogen.tools.experimental"), class_name)
    return tool_class(llm_config=llm_config, **kwargs) if takes_llm_config else tool_class(**kwargs)


class WebSurferAgent(ConversableAgent):
    """An agent that uses a web tool (``self.tool``) to interact with the web."""

    def __init__(
        self,
        *,
        llm_config: LLMConfig | dict[str, Any] | None = None,
        web_tool_llm_config: LLMConfig | dict[str, Any] | None = None,
        web_tool: WebTool = "browser_use",
        web_tool_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Create the agent and its web tool.

        Args:
            llm_config: the agent's LLM.
            web_tool_llm_config: the LLM of the web tool (browser_use, crawl4ai, firecrawl, tavily); default ``llm_config``.
            web_tool: which tool: "browser_use" (default), "crawl4ai", "duckduckgo", "firecrawl", "perplexity",
                "tavily" or "searxng".
            web_tool_kwargs: keyword arguments of the tool's constructor.
            **kwargs: passed to ConversableAgent (``name`` among them).
        """
        self.tool: Tool = _web_tool(web_tool, web_tool_llm_config or llm_config, dict(web_tool_kwargs or {}))
        super().__init__(llm_config=llm_config, **kwargs)
        self.register_for_llm()(self.tool)
