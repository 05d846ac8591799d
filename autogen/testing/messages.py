"""ag2's ``autogen.testing.messages`` path for the scripted tool-call helpers (they live in ``test_agent``)."""

from .test_agent import ToolCall, tools_message

__all__ = ["ToolCall", "tools_message"]
