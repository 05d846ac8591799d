"""Old import path: eligibility policies live in ``autogen.agentchat.groupchat.eligibility`` (re-exported here)."""

from ..groupchat.eligibility import AgentDescriptionGuard, AgentEligibilityPolicy, SelectionContext

__all__ = ["AgentDescriptionGuard", "AgentEligibilityPolicy", "SelectionContext"]
