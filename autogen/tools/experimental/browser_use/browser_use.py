"""BrowserUseTool: let a ``browser-use`` agent drive a browser (extra ``browser-use``).

The constructor checks the package and the LLM configuration; driving the browser is not implemented in this
version (NotImplementedError when the package is installed).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator

from ...tool import Tool
from .._external import not_here, require_package

__all__ = ["BrowserUseResult", "BrowserUseTool", "ExtractedContent"]


class ExtractedContent(BaseModel):
    """Content extracted from one page."""

    content: str
    url: str | None

    @field_validator("url")
    @classmethod
    def _blank_page_has_no_url(cls, value: str | None) -> str | None:
        """A page still at ``about:blank`` (nothing loaded) reports no URL."""
        return None if value == "about:blank" else value


class BrowserUseResult(BaseModel):
    """What a browsing task produced."""

    extracted_content: list[ExtractedContent]
    final_result: str | None


class BrowserUseTool(Tool):
    """Run a browsing task with browser-use, its LLM taken from ``llm_config``."""

    def __init__(
        self,
        *,
        llm_config: Any = None,
        browser: Any = None,
        agent_kwargs: dict[str, Any] | None = None,
        browser_config: dict[str, Any] | None = None,
    ) -> None:
        require_package("browser_use", "browser-use", "BrowserUseTool")
        if llm_config is None:
            raise ValueError("llm_config must be provided")
        raise not_here("BrowserUseTool")
