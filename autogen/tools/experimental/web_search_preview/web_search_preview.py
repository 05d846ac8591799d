"""WebSearchPreviewTool: a web search answered by an OpenAI model with the Responses API's
``web_search_preview`` tool. Deprecated in ag2 0.13 (to be removed in 0.14), as in the original."""

import copy
import logging
import os
import warnings
from typing import Annotated, Any, Literal

from pydantic import BaseModel

from ....oai.endpoints import secret_value
from ...tool import Tool
from .._external import require_package

__all__ = ["WebSearchPreviewTool"]

logger = logging.getLogger(__name__)


class WebSearchPreviewTool(Tool):
    """Search the web through OpenAI's ``web_search_preview`` (first ``gpt-4*`` OpenAI entry of ``llm_config``)."""

    def __init__(
        self,
        *,
        llm_config: Any,
        search_context_size: Literal["low", "medium", "high"] = "medium",
        user_location: dict[str, str] | None = None,
        instructions: str | None = None,
        text_format: type[BaseModel] | None = None,
    ) -> None:
        """Create the tool.

        Args:
            llm_config: an LLMConfig or dict with a ``config_list``; its first OpenAI ``gpt-4*`` entry is used.
            search_context_size: "low", "medium" (default) or "high".
            user_location: the user's approximate location (``city``, ``country``, ``region``, ``timezone``).
            instructions: a system (developer) message put first in the model's context.
            text_format: a pydantic model to parse the answer into; the answer is text without one.
        """
        warnings.warn(
            "WebSearchPreviewTool is deprecated and will be removed in v0.14. "
            "Use autogen.beta.tools.WebSearchTool instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        require_package("openai", "openai", "WebSearchPreviewTool")
        self.web_search_tool_param: dict[str, Any] = {
            "type": "web_search_preview",
            "search_context_size": search_context_size,
            "user_location": {"type": "approximate", **user_location} if user_location else None,
        }
        self.instructions = instructions
        self.text_format = text_format

        config = llm_config.model_dump() if hasattr(llm_config, "model_dump") else copy.deepcopy(dict(llm_config))
        if "config_list" not in config:
            raise ValueError("llm_config must contain 'config_list' key")
        entry = next(
            (
                e
                for e in config["config_list"]
                if e["model"].startswith("gpt-4") and e.get("api_type", "openai") == "openai"
            ),
            None,
        )
        if entry is None:
            raise ValueError(
                "No OpenAI model starting with 'gpt-4' found in llm_config, other models do not support "
                "web_search_preview"
            )
        self.model: str = entry["model"]
        self.api_key = secret_value(entry.get("api_key")) or os.getenv("OPENAI_API_KEY")
        # the original reached api.openai.com only; the entry's base_url is honoured here
        self.base_url = entry.get("base_url")
        if not self.model.startswith(("gpt-4.1", "gpt-4o-search-preview")):
            logger.warning(
                f"We recommend using a model starting with 'gpt-4.1' or 'gpt-4o-search-preview' for "
                f"web_search_preview, but found {self.model}. This may result in suboptimal performance."
            )

        def web_search_preview(
            query: Annotated[str, "The search query. Add all relevant context to the query."],
        ) -> str | BaseModel | None:
            openai = require_package("openai", "openai", "WebSearchPreviewTool")
            client = openai.OpenAI(api_key=self.api_key, base_url=self.base_url)
            request: dict[str, Any] = {
                "model": self.model,
                "tools": [{k: v for k, v in self.web_search_tool_param.items() if v is not None}],
                "input": query,
            }
            if self.instructions is not None:
                request["instructions"] = self.instructions
            if self.text_format is not None:
                return client.responses.parse(text_format=self.text_format, **request).output_parsed
            response = client.responses.create(**request)
            return "\n".join(
                part.text
                for item in response.output
                if item.type == "message"
                for part in item.content
                if part.type == "output_text"
            )

        super().__init__(
            name="web_search_preview",
            description="Tool used to perform a web search. It can be used as google search or directly searching "
            "a specific website.",
            func_or_tool=web_search_preview,
        )
