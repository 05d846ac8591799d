"""Events of pattern-based group chats (transitions between agents)."""

from .transition_events import (
    AfterWorksTransitionEvent,
    OnConditionLLMTransitionEvent,
    OnContextConditionTransitionEvent,
    ReplyResultTransitionEvent,
)

__all__ = [
    "AfterWorksTransitionEvent",
    "OnConditionLLMTransitionEvent",
    "OnContextConditionTransitionEvent",
    "ReplyResultTransitionEvent",
]
