"""Agents and conversations. Names are loaded on first use so importing this package stays light."""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Agent": ".agent",
    "LLMAgent": ".agent",
    "ConversableAgent": ".conversable_agent",
    "register_function": ".conversable_agent",
    "AssistantAgent": ".assistant_agent",
    "UserProxyAgent": ".user_proxy_agent",
    "ChatResult": ".chat",
    "initiate_chats": ".chat",
    "a_initiate_chats": ".chat",
    "gather_usage_summary": ".utils",
    "UpdateSystemMessage": ".update_system_message",
    "ContextVariables": ".group.context_variables",
    "GroupChat": ".groupchat",
    "GroupChatManager": ".groupchat",
    "ReplyResult": ".group.reply_result",
    "initiate_group_chat": ".group.multi_agent_chat",
    "a_initiate_group_chat": ".group.multi_agent_chat",
    "run_group_chat": ".group.multi_agent_chat",
    "a_run_group_chat": ".group.multi_agent_chat",
    "run_group_chat_iter": ".group.multi_agent_chat",
    "a_run_group_chat_iter": ".group.multi_agent_chat",
    "run_swarm": ".contrib.swarm_agent",
    "a_run_swarm": ".contrib.swarm_agent",
    "a_initiate_swarm_chat": ".contrib.swarm_agent",
    "AgentEligibilityPolicy": ".groupchat.eligibility",
    "AgentDescriptionGuard": ".groupchat.eligibility",
    "SelectionContext": ".groupchat.eligibility",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autogen.agentchat' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
