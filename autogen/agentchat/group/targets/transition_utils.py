"""Names shared by the transition targets."""

from __future__ import annotations

__all__ = ["AGENT_WRAPPER_PREFIX", "__AGENT_WRAPPER_PREFIX__"]

#: Prefix of the hidden agents that run a target needing a wrapper (nested chats, inner group chats).
AGENT_WRAPPER_PREFIX = "wrapped_"
#: The original's name for the same prefix.
__AGENT_WRAPPER_PREFIX__ = AGENT_WRAPPER_PREFIX
