"""SlackAgent: an assistant that talks through a Slack channel."""

from .slack import SlackAgent

__all__ = ["SlackAgent"]
