"""Transition banners: which rule moved the conversation from one agent to the next target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import ConfigDict, field_serializer

from ....events.base_event import BaseEvent, wrap_event

__all__ = [
    "AfterWorksTransitionEvent",
    "OnConditionLLMTransitionEvent",
    "OnContextConditionTransitionEvent",
    "ReplyResultTransitionEvent",
]


def _agent_label(agent: Any) -> str:
    name = getattr(agent, "name", None)
    return name if isinstance(name, str) else str(agent)


def _target_label(target: Any) -> str:
    display = getattr(target, "display_name", None)
    if callable(display):
        try:
            return str(display())
        except Exception:  # noqa: BLE001 - a target that cannot name itself is shown as it prints
            pass
    return str(target)


class _TransitionEvent(BaseEvent):
    """The agent (or its name) and the target it handed to. Both are kept as given, so watchers
    can inspect them; a dump carries their names (events stay JSON-ready)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    source_agent: Any
    transition_target: Any

    # a ClassVar, not a pydantic private attribute (which would cost a post-init per event)
    _LABEL: ClassVar[str] = "Transition"

    @field_serializer("source_agent")
    def _dump_agent(self, value: Any) -> str:
        return _agent_label(value)

    @field_serializer("transition_target")
    def _dump_target(self, value: Any) -> str:
        return _target_label(value)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print "<label> (<source>): <target>" in magenta."""
        from ....events.agent_events import _colored

        f = f or print
        text = f"***** {self._LABEL} ({_agent_label(self.source_agent)}): {_target_label(self.transition_target)} *****"
        f(_colored(text, "magenta"), flush=True)


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
