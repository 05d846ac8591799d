"""Slack tools (package ``slack_sdk``, extra ``commsagent-slack``).

The constructors check the package and the required settings. Talking to Slack itself is not
implemented in this version: with the package installed, constructing a tool raises NotImplementedError.
"""

from __future__ import annotations

from functools import partial

from ....tool import Tool
from ..._external import unimplemented_service

__all__ = ["SlackRetrieveRepliesTool", "SlackRetrieveTool", "SlackSendTool"]


# the settings, then the package, are checked; then NotImplementedError
_check = partial(unimplemented_service, "slack_sdk", "commsagent-slack")


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
