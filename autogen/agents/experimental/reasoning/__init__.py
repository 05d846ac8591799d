"""Tree-of-thought reasoning agent."""

from .reasoning_agent import ReasoningAgent, ThinkNode

__all__ = ["ReasoningAgent", "ThinkNode"]
