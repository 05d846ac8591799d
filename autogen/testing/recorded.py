"""What the fake LLM records of each request it receives (read by tests, and by scripted replies
that are callables)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

__all__ = ["RecordedRequest"]

_PATH_MODEL = re.compile(r"/model/([^/]+)/|/models/([^/:]+)")


@dataclass
class RecordedRequest:
    """One request the fake LLM received, as a test would want to inspect it."""

    path: str
    """URL path without the query string, e.g. "/v1/chat/completions"."""
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    """Request headers with lower-case names."""
    body: dict[str, Any] = field(default_factory=dict)
    """The parsed JSON body ({} when there was none or it was not a JSON object)."""
    method: str = "POST"
    """HTTP method."""
    query: str = ""
    """The raw query string (after "?"), "" when absent."""

    @property
    def messages(self) -> list[dict[str, Any]]:
        """``body["messages"]`` (an empty list when absent)."""
        msgs = self.body.get("messages")
        return msgs if isinstance(msgs, list) else []

    @property
    def input(self) -> list[Any]:
        """``body["input"]``: the Responses dialect's input items (a string input as one user message)."""
        items = self.body.get("input")
        if isinstance(items, str):
            return [{"role": "user", "content": items}]
        return items if isinstance(items, list) else []

    @property
    def system(self) -> Any:
        """``body["system"]``: the Anthropic dialect's top-level system prompt (None when absent)."""
        return self.body.get("system")

    @property
    def model(self) -> str | None:
        """The model name the client asked for (in the body, or in the path: ``/model/{id}/...``,
        ``/models/{id}:...``)."""
        model = self.body.get("model")
        if model is None:
            match = _PATH_MODEL.search(self.path)
            if match:
                return unquote(match.group(1) or match.group(2))
        return model
