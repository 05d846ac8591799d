"""Crawl4AITool: crawl a web page with ``crawl4ai`` (extra ``crawl4ai``).

The constructor checks the package; crawling itself is not implemented in this version (NotImplementedError
when the package is installed).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ...tool import Tool
from .._external import not_here, require_package

__all__ = ["Crawl4AITool"]


class Crawl4AITool(Tool):
    """Crawl a URL, optionally extracting ``extraction_model`` fields with an LLM."""

    def __init__(
        self,
        llm_config: Any = None,
        extraction_model: type[BaseModel] | None = None,
        llm_strategy_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if llm_config is None and (extraction_model is not None or llm_strategy_kwargs is not None):
            raise ValueError("llm_config must be provided if extraction_model or llm_strategy_kwargs is provided.")
        require_package("crawl4ai", "crawl4ai", "Crawl4AITool")
        raise not_here("Crawl4AITool")
