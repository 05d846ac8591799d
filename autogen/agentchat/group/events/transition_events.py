"""Transition banners: which rule moved the conversation from one agent to the next target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import field_validator

from ....events.base_event import AgentName, BaseEvent, wrap_event

__all__ = [
    "AfterWorksTransitionEvent",
    "OnConditionLLMTransitionEvent",
    "OnContextConditionTransitionEvent",
    "ReplyResultTransitionEvent",
]


def _target_name(value: Any) -> Any:
    if isinstance(value, str) or value is None:
        return value
    display = getattr(value, "display_name", None)
    return display() if callable(display) else str(value)


class _TransitionEvent(BaseEvent):
    source_agent: AgentName
    transition_target: str

    # a ClassVar, not a pydantic private attribute (which would cost a post-init per event)
    _LABEL: ClassVar[str] = "Transition"

    @field_validator("transition_target", mode="before")
    @classmethod
    def _name_of_target(cls, value: Any) -> Any:
        return _target_name(value)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print "<label> (<source>): <target>" in magenta."""
        from ....events.agent_events import _colored

        f = f or print
        f(_colored(f"***** {self._LABEL} ({self.source_agent}): {self.transition_target} *****", "magenta"), flush=True)


@wrap_event
class AfterWorksTransitionEvent(_TransitionEvent):
    """An after-work (of the agent or of the group) chose the next target."""

    _LABEL: ClassVar[str] = "AfterWork handoff"


@wrap_event
class OnContextConditionTransitionEvent(_TransitionEvent):
    """A context condition handed the conversation over, before the agent's LLM was called."""

    _LABEL: ClassVar[str] = "OnContextCondition handoff"


@wrap_event
class OnConditionLLMTransitionEvent(_TransitionEvent):
    """The LLM called a handoff tool."""

    _LABEL: ClassVar[str] = "LLM-based OnCondition handoff"


@wrap_event
class ReplyResultTransitionEvent(_TransitionEvent):
    """A tool's ReplyResult chose the next target."""

    _LABEL: ClassVar[str] = "ReplyResult transition"
