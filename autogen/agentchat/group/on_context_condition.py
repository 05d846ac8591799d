"""`OnContextCondition`: a deterministic handoff decided on the context variables, before any LLM call."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator

from .available_condition import AvailableCondition
from .context_condition import ContextCondition, ExpressionContextCondition, StringContextCondition
from .context_expression import ContextExpression
from .targets.transition_target import TransitionTarget

__all__ = ["OnContextCondition"]


class OnContextCondition(BaseModel):
    """``OnContextCondition(target=..., condition=..., available=None)``; ``condition=None`` always holds.

    Also the shape of after-works (see `Handoffs.add_after_work`).
    """

    target: TransitionTarget
    condition: ContextCondition | None = None
    available: AvailableCondition | None = None

    @field_validator("condition", mode="before")
    @classmethod
    def _shorthand_condition(cls, value: Any) -> Any:
        """The legacy swarm shorthands (a variable name, a ContextExpression) become conditions;
        anything else is validated as the original does."""
        if isinstance(value, str):
            return StringContextCondition(variable_name=value)
        if isinstance(value, ContextExpression):
            return ExpressionContextCondition(expression=value)
        return value

    def has_target_type(self, target_type: type) -> bool:
        return isinstance(self.target, target_type)

    def target_requires_wrapping(self) -> bool:
        return self.target.needs_agent_wrapper()

    def describe(self) -> str:
        """A short description for error messages."""
        cond = self.condition.describe() if self.condition is not None else "always"
        return f"OnContextCondition(target={self.target.display_name()!r}, condition={cond})"
