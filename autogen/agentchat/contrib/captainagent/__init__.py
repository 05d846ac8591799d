"""CaptainAgent and AgentBuilder (AutoBuild): build a team of expert agents for a task and run it."""

from .agent_builder import AgentBuilder
from .captainagent import CaptainAgent
from .tool_retriever import ToolBuilder, format_ag2_tool, get_full_tool_description

__all__ = ["AgentBuilder", "CaptainAgent", "ToolBuilder", "format_ag2_tool", "get_full_tool_description"]
