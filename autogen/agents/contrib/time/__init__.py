from .time_reply_agent import TimeReplyAgent
from .time_tool_agent import TimeToolAgent

__all__ = ["TimeReplyAgent", "TimeToolAgent"]
