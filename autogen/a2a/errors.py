"""Errors of the A2A remote agent."""

from __future__ import annotations

from ..agentchat.remote import RemoteAgentError, RemoteAgentNotFoundError

__all__ = ["A2aAgentNotFoundError", "A2aClientError"]


class A2aClientError(RemoteAgentError):
    """An A2A exchange failed: the server is unreachable, or the task failed or was rejected."""


class A2aAgentNotFoundError(A2aClientError, RemoteAgentNotFoundError):
    """The agent card could not be fetched."""
