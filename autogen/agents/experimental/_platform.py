"""What the messaging-platform agents (Slack, Discord, Telegram) share: their system message and tools."""

from __future__ import annotations

from collections.abc import Iterable

from ...agentchat.conversable_agent import ConversableAgent
from ...tools.tool import Tool

__all__ = ["offer_tools", "platform_system_message"]


def platform_system_message(
    system_message: str | None, default: str, guidelines: str, has_writing_instructions: bool
) -> str:
    """``system_message`` (or ``default`` when empty), followed by the platform's ``guidelines`` if asked for."""
    message = system_message or default
    return message + guidelines if has_writing_instructions else message


def offer_tools(agent: ConversableAgent, tools: Iterable[Tool]) -> None:
    """Offer each tool to ``agent``'s model (running them is left to the agent that executes tools)."""
    for tool in tools:
        agent.register_for_llm()(tool)
