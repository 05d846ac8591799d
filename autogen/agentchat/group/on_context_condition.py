"""`OnContextCondition`: a deterministic handoff decided on the context variables, before any LLM call."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .available_condition import AvailableCondition, StringAvailableCondition
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

    def __init__(self, target: Any = None, condition: Any = None, available: Any = None, **data: Any) -> None:
        if target is not None:
            data["target"] = target
        if condition is not None:
            if isinstance(condition, ContextExpression):
                condition = ExpressionContextCondition(condition)
            elif isinstance(condition, str):
                condition = StringContextCondition(variable_name=condition)
            data["condition"] = condition
        if available is not None:
            data["available"] = StringAvailableCondition(available) if isinstance(available, str) else available
        super().__init__(**data)

    def has_target_type(self, target_type: type) -> bool:
        return isinstance(self.target, target_type)

    def target_requires_wrapping(self) -> bool:
        return self.target.needs_agent_wrapper()

    def describe(self) -> str:
        """A short description for error messages."""
        cond = self.condition.describe() if self.condition is not None else "always"
        return f"OnContextCondition(target={self.target.display_name()!r}, condition={cond})"
