"""`Handoffs`: an agent's handoff conditions (context conditions, LLM conditions, after-works)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from .on_condition import OnCondition
from .on_context_condition import OnContextCondition
from .targets.transition_target import TransitionTarget

__all__ = ["Handoffs", "handoff_tool_name"]

_ILLEGAL = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_TOOL_NAME = 64


def handoff_tool_name(stem: str, suffix: str = "") -> str:
    """A tool name the OpenAI API accepts ([A-Za-z0-9_-], at most 64 characters), whatever the
    agent names are: illegal characters become "_" and the stem is shortened before the suffix."""
    clean = _ILLEGAL.sub("_", stem).strip("_") or "handoff"
    room = _MAX_TOOL_NAME - len(suffix)
    return clean[:room].rstrip("_") + suffix if len(clean) > room else clean + suffix


def _check_all(conditions: list[Any], kind: type) -> None:
    """Raise TypeError, before anything is added, when one of ``conditions`` is not a ``kind``."""
    if not all(isinstance(condition, kind) for condition in conditions):
        raise TypeError(f"All conditions must be of type {kind.__name__}")


class Handoffs(BaseModel):
    """Where an agent hands the conversation over, and when.

    - ``context_conditions``: checked first in the agent's turn, before its LLM is called;
    - ``llm_conditions``: offered to the LLM as ``transfer_to_*`` tools;
    - ``after_works``: evaluated when the agent has finished and nothing else chose the next speaker.
    Every mutator returns the Handoffs, so calls chain.
    """

    context_conditions: list[OnContextCondition] = Field(default_factory=list)
    llm_conditions: list[OnCondition] = Field(default_factory=list)
    after_works: list[OnContextCondition] = Field(default_factory=list)

    # ---------------------------------------------------------------- adding

    def add_context_condition(self, condition: OnContextCondition) -> Handoffs:
        """Add one OnContextCondition."""
        if not isinstance(condition, OnContextCondition):
            raise TypeError(f"Expected an OnContextCondition instance, got {type(condition).__name__}")
        self.context_conditions.append(condition)
        return self

    def add_context_conditions(self, conditions: list[OnContextCondition]) -> Handoffs:
        """Add several OnContextConditions, in order (none is added when one has the wrong type)."""
        _check_all(conditions, OnContextCondition)
        self.context_conditions.extend(conditions)
        return self

    def add_llm_condition(self, condition: OnCondition) -> Handoffs:
        """Add one OnCondition."""
        if not isinstance(condition, OnCondition):
            raise TypeError(f"Expected an OnCondition instance, got {type(condition).__name__}")
        self.llm_conditions.append(condition)
        return self

    def add_llm_conditions(self, conditions: list[OnCondition]) -> Handoffs:
        """Add several OnConditions, in order (none is added when one has the wrong type)."""
        _check_all(conditions, OnCondition)
        self.llm_conditions.extend(conditions)
        return self

    def set_after_work(self, target: TransitionTarget) -> Handoffs:
        """Replace every after-work with one that always goes to ``target``."""
        if not isinstance(target, TransitionTarget):
            raise TypeError(f"Expected a TransitionTarget instance, got {type(target).__name__}")
        self.after_works = [OnContextCondition(target=target, condition=None)]
        return self

    def add_after_work(self, condition: OnContextCondition) -> Handoffs:
        """Add an after-work. Conditional ones keep insertion order; the unconditional one (at most
        one; a new one replaces it) always stays last."""
        if not isinstance(condition, OnContextCondition):
            raise TypeError(f"Expected an OnContextCondition instance, got {type(condition).__name__}")
        conditional = [aw for aw in self.after_works if aw.condition is not None]
        unconditional = [aw for aw in self.after_works if aw.condition is None]
        if condition.condition is None:
            unconditional = [condition]
        else:
            conditional.append(condition)
        self.after_works = conditional + unconditional
        return self

    def add_after_works(self, conditions: list[OnContextCondition]) -> Handoffs:
        """Add several after-works (none is added when one has the wrong type)."""
        _check_all(conditions, OnContextCondition)
        for condition in conditions:
            self.add_after_work(condition)
        return self

    def add(self, condition: OnCondition | OnContextCondition) -> Handoffs:
        """Add an OnCondition or an OnContextCondition."""
        if isinstance(condition, OnContextCondition):
            return self.add_context_condition(condition)
        if isinstance(condition, OnCondition):
            return self.add_llm_condition(condition)
        raise TypeError(f"Unsupported condition type: {type(condition).__name__}")

    def add_many(self, conditions: list[OnCondition | OnContextCondition]) -> Handoffs:
        """Add several conditions of either kind (none is added when one has another type)."""
        for condition in conditions:
            if not isinstance(condition, (OnContextCondition, OnCondition)):
                raise TypeError(f"Unsupported condition type: {type(condition).__name__}")
        for condition in conditions:
            self.add(condition)
        return self

    def clear(self) -> Handoffs:
        """Remove every condition and after-work."""
        self.context_conditions.clear()
        self.llm_conditions.clear()
        self.after_works.clear()
        return self

    # ---------------------------------------------------------------- queries

    def get_llm_conditions_by_target_type(self, target_type: type) -> list[OnCondition]:
        return [c for c in self.llm_conditions if isinstance(c.target, target_type)]

    def get_context_conditions_by_target_type(self, target_type: type) -> list[OnContextCondition]:
        return [c for c in self.context_conditions if isinstance(c.target, target_type)]

    def get_llm_conditions_requiring_wrapping(self) -> list[OnCondition]:
        return [c for c in self.llm_conditions if c.target_requires_wrapping()]

    def get_context_conditions_requiring_wrapping(self) -> list[OnContextCondition]:
        return [c for c in self.context_conditions if c.target_requires_wrapping()]

    def set_llm_function_names(self) -> None:
        """Name each OnCondition's tool ``transfer_to_<target>_<n>`` (n = 1-based position), unless named."""
        for index, condition in enumerate(self.llm_conditions, start=1):
            # (read with getattr: a condition standing in for an OnCondition may lack the field)
            if getattr(condition, "llm_function_name", None) is None:
                condition.llm_function_name = handoff_tool_name(
                    f"transfer_to_{condition.target.normalized_name()}", f"_{index}"
                )
