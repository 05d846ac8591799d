"""Agent capabilities: pluggable behaviour added to agents through their hooks.

The message-transform names are re-exported here for convenience; the modules hold the code.
"""

from autogen.agentchat.contrib.capabilities.agent_capability import AgentCapability
from autogen.agentchat.contrib.capabilities.transform_messages import TransformMessages
from autogen.agentchat.contrib.capabilities.transforms import (
    MessageHistoryLimiter,
    MessageTokenLimiter,
    MessageTransform,
    TextMessageCompressor,
    TextMessageContentName,
)

__all__ = [
    "AgentCapability",
    "MessageHistoryLimiter",
    "MessageTokenLimiter",
    "MessageTransform",
    "TextMessageCompressor",
    "TextMessageContentName",
    "TransformMessages",
]
