"""Contributed agents (``autogen.agents.contrib``), small references for writing agents."""

from .time import TimeReplyAgent, TimeToolAgent

__all__ = ["TimeReplyAgent", "TimeToolAgent"]
