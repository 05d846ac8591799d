"""Slack tools (package ``slack_sdk``, extra ``commsagent-slack``).

The constructors check the package and the required settings. Talking to Slack itself is not
implemented in this version: with the package installed, constructing a tool raises NotImplementedError.
"""

from __future__ import annotations

from typing import Any

from ....tool import Tool
from ..._external import not_here, require_package

__all__ = ["SlackRetrieveRepliesTool", "SlackRetrieveTool", "SlackSendTool"]


def _check(feature: str, **settings: Any) -> None:
    missing = [name for name, value in settings.items() if not value]
    if missing:
        raise ValueError(f"{feature} needs {', '.join(missing)}.")
    require_package("slack_sdk", "commsagent-slack", feature)
    raise not_here(feature)


class SlackSendTool(Tool):
    """Sends a message to a Slack channel."""

    def __init__(self, *, bot_token: str, channel_id: str) -> None:
        _check("SlackSendTool", bot_token=bot_token, channel_id=channel_id)
        super().__init__(
            name="slack_send", description="Sends a message to a Slack channel.", func_or_tool=lambda: None
        )  # pragma: no cover


class SlackRetrieveTool(Tool):
    """Retrieves messages from a Slack channel."""

    def __init__(self, *, bot_token: str, channel_id: str) -> None:
        _check("SlackRetrieveTool", bot_token=bot_token, channel_id=channel_id)
        super().__init__(
            name="slack_retrieve", description="Retrieves messages from a Slack channel.", func_or_tool=lambda: None
        )  # pragma: no cover


class SlackRetrieveRepliesTool(Tool):
    """Retrieves replies to a specific Slack message from both threads and the channel."""

    def __init__(self, *, bot_token: str, channel_id: str) -> None:
        _check("SlackRetrieveRepliesTool", bot_token=bot_token, channel_id=channel_id)
        super().__init__(
            name="slack_retrieve_replies",
            description="Retrieves replies to a specific Slack message from both threads and the channel.",
            func_or_tool=lambda: None,
        )  # pragma: no cover
