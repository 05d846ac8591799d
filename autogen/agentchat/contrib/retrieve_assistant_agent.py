"""`RetrieveAssistantAgent` (deprecated: use `AssistantAgent`; kept for old retrieve-chat scripts)."""

from __future__ import annotations

import warnings
from typing import Any

from ..agent import Agent
from ..assistant_agent import AssistantAgent

__all__ = ["RetrieveAssistantAgent"]


class RetrieveAssistantAgent(AssistantAgent):
    """An AssistantAgent that ends the chat after successful code runs and echoes UPDATE CONTEXT requests.

    Deprecated: `AssistantAgent` works with `RetrieveUserProxyAgent` directly; this class goes in v0.14.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            "RetrieveAssistantAgent is deprecated and will be removed in v0.14; use AssistantAgent instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(*args, **kwargs)
        self.register_reply(Agent, RetrieveAssistantAgent._generate_retrieve_assistant_reply)

    def _generate_retrieve_assistant_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, str | None]:
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if not messages:
            return False, None
        content = messages[-1].get("content")
        if not isinstance(content, str):
            return False, None
        if "exitcode: 0 (execution succeeded)" in content:
            return True, "TERMINATE"  # the code ran; nothing left to do
        if "UPDATE CONTEXT" in content[-20:].upper() or "UPDATE CONTEXT" in content[:20].upper():
            return True, "UPDATE CONTEXT"
        return False, None
