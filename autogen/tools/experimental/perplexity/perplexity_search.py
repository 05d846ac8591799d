"""PerplexitySearchTool: web search answered by Perplexity's chat-completions API (key ``PERPLEXITY_API_KEY``)."""

from __future__ import annotations

import json
import os
from typing import Any

from pydantic import BaseModel, ValidationError

from ...tool import Tool

__all__ = [
    "Choice",
    "Message",
    "PerplexityChatCompletionResponse",
    "PerplexitySearchTool",
    "SearchResponse",
    "Usage",
]


class Message(BaseModel):
    role: str
    content: str


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    search_context_size: str


class Choice(BaseModel):
    index: int
    finish_reason: str
    message: Message


class PerplexityChatCompletionResponse(BaseModel):
    """The parts of Perplexity's reply the tool reads."""

    id: str
    model: str
    created: int
    usage: Usage
    citations: list[str]
    object: str
    choices: list[Choice]


class SearchResponse(BaseModel):
    """The answer text and its citations, or the error that prevented them."""

    content: str | None
    citations: list[str] | None
    error: str | None


class PerplexitySearchTool(Tool):
    """Ask Perplexity (``model``, default "sonar") a question; the answer comes with its source URLs."""

    def __init__(
        self,
        model: str = "sonar",
        api_key: str | None = None,
        max_tokens: int = 1000,
        search_domain_filter: list[str] | None = None,
    ) -> None:
        self.api_key = api_key or os.getenv("PERPLEXITY_API_KEY")
        self._validate_tool_config(model, self.api_key, max_tokens, search_domain_filter)
        self.url = "https://api.perplexity.ai/chat/completions"
        self.model = model
        self.max_tokens = max_tokens
        self.search_domain_filters = search_domain_filter
        super().__init__(
            name="perplexity-search",
            description="Perplexity AI search tool for web search, news search, and conversational search "
            "for finding answers to everyday questions, conducting in-depth research and analysis.",
            func_or_tool=self.search,
        )

    @staticmethod
    def _validate_tool_config(
        model: str, api_key: str | None, max_tokens: int, search_domain_filter: list[str] | None
    ) -> None:
        if not api_key:
            raise ValueError("Perplexity API key is missing")
        if model is None or model == "":
            raise ValueError("model cannot be empty")
        if max_tokens <= 0:
            raise ValueError("max_tokens must be positive")
        if search_domain_filter is not None and not isinstance(search_domain_filter, list):
            raise ValueError("search_domain_filter must be a list")

    def _execute_query(self, payload: dict[str, Any]) -> PerplexityChatCompletionResponse:
        """POST ``payload`` to ``self.url``; any failure becomes a RuntimeError saying what went wrong."""
        import requests

        headers = {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"}
        try:
            response = requests.request("POST", self.url, json=payload, headers=headers, timeout=10)
        except requests.exceptions.Timeout as e:
            raise RuntimeError(f"Perplexity API => Request timed out: {e}") from e
        except requests.exceptions.RequestException as e:
            raise RuntimeError(f"Perplexity API => Error during request: {e}") from e
        try:
            response.raise_for_status()
        except requests.exceptions.HTTPError as e:
            raise RuntimeError(
                f"Perplexity API => HTTP error occurred: {response.text}. Status code: {response.status_code}"
            ) from e
        try:
            body = response.json()
        except json.JSONDecodeError as e:
            raise RuntimeError(f"Perplexity API => Invalid JSON response received. Error: {e}") from e
        try:
            return PerplexityChatCompletionResponse(**body)
        except ValidationError as e:
            raise RuntimeError("Perplexity API => Validation error when parsing API response: " + str(e)) from e
        except TypeError as e:
            raise RuntimeError(
                "Perplexity API => Failed to parse API response into PerplexityChatCompletionResponse: " + str(e)
            ) from e

    def search(self, query: str) -> SearchResponse:
        """Search for ``query``; errors are returned in ``SearchResponse.error`` rather than raised."""
        if not query or not isinstance(query, str):
            raise ValueError("A valid non-empty query string must be provided.")
        payload = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": "Be precise and concise."},
                {"role": "user", "content": query},
            ],
            "max_tokens": self.max_tokens,
            "search_domain_filter": self.search_domain_filters,
            "web_search_options": {"search_context_size": "high"},
        }
        try:
            reply = self._execute_query(payload)
            return SearchResponse(content=reply.choices[0].message.content, citations=reply.citations, error=None)
        except Exception as e:  # noqa: BLE001 - the model gets the error text instead of a crash
            return SearchResponse(content=None, citations=None, error=f"{e}")
