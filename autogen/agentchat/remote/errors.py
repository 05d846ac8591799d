"""Errors raised by remote agents."""

from __future__ import annotations

__all__ = ["RemoteAgentError", "RemoteAgentNotFoundError"]


class RemoteAgentError(Exception):
    """Base class for errors of remote agents."""


class RemoteAgentNotFoundError(RemoteAgentError):
    """The remote agent could not be reached or described itself with no usable card."""

    def __init__(self, agent_name: str) -> None:
        self.agent_name = agent_name
        super().__init__(f"Remote agent `{agent_name}` not found")
