"""Old import path (ag2 0.13): the eligibility policies live in ``autogen.agentchat.groupchat.eligibility``."""

from .groupchat.eligibility import _UNAVAILABLE_PREFIX, AgentDescriptionGuard, AgentEligibilityPolicy, SelectionContext  # noqa: F401

__all__ = ["AgentDescriptionGuard", "AgentEligibilityPolicy", "SelectionContext"]
