"""Pattern-based group chats: context variables, handoff conditions, transition targets, patterns.

Names are loaded on first use: `conversable_agent` imports `group.context_variables`, and the rest of
this package (pydantic models, the group runner) must not load with it.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "ContextVariables": ".context_variables",
    "ReplyResult": ".reply_result",
    "ContextExpression": ".context_expression",
    "ContextStr": ".context_str",
    "Handoffs": ".handoffs",
    "OnCondition": ".on_condition",
    "OnContextCondition": ".on_context_condition",
    "LLMCondition": ".llm_condition",
    "StringLLMCondition": ".llm_condition",
    "ContextStrLLMCondition": ".llm_condition",
    "ContextCondition": ".context_condition",
    "StringContextCondition": ".context_condition",
    "ExpressionContextCondition": ".context_condition",
    "AvailableCondition": ".available_condition",
    "StringAvailableCondition": ".available_condition",
    "ExpressionAvailableCondition": ".available_condition",
    "AgentTarget": ".targets.transition_target",
    "AgentNameTarget": ".targets.transition_target",
    "AskUserTarget": ".targets.transition_target",
    "NestedChatTarget": ".targets.transition_target",
    "RevertToUserTarget": ".targets.transition_target",
    "StayTarget": ".targets.transition_target",
    "TerminateTarget": ".targets.transition_target",
    "FunctionTarget": ".targets.function_target",
    "FunctionTargetResult": ".targets.function_target",
    "FunctionTargetMessage": ".targets.function_target",
    "GroupChatConfig": ".targets.group_chat_target",
    "GroupChatTarget": ".targets.group_chat_target",
    "SpeakerSelectionResult": ".speaker_selection_result",
    "GroupChatState": ".state",
}

__all__ = [
    "AgentNameTarget",
    "AgentTarget",
    "AskUserTarget",
    "ContextExpression",
    "ContextStr",
    "ContextStrLLMCondition",
    "ContextVariables",
    "ExpressionAvailableCondition",
    "ExpressionContextCondition",
    "FunctionTarget",
    "FunctionTargetResult",
    "GroupChatConfig",
    "GroupChatTarget",
    "Handoffs",
    "NestedChatTarget",
    "OnCondition",
    "OnContextCondition",
    "ReplyResult",
    "RevertToUserTarget",
    "SpeakerSelectionResult",
    "StayTarget",
    "StringAvailableCondition",
    "StringContextCondition",
    "StringLLMCondition",
    "TerminateTarget",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autogen.agentchat.group' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
