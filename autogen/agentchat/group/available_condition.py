"""Availability gates: whether a handoff condition is considered at all this turn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .context_expression import ContextExpression

if TYPE_CHECKING:
    from ..conversable_agent import ConversableAgent

__all__ = ["AvailableCondition", "ExpressionAvailableCondition", "StringAvailableCondition"]


class AvailableCondition(BaseModel):
    """Base class: ``is_available(agent, messages)`` decides whether a condition takes part."""

    def is_available(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> bool:
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.is_available().")


class StringAvailableCondition(AvailableCondition):
    """Available while the named context variable is truthy (a missing one counts as False)."""

    context_variable: str

    def __init__(self, context_variable: str | None = None, **data: Any) -> None:
        if context_variable is not None:
            data["context_variable"] = context_variable
        super().__init__(**data)

    def is_available(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> bool:
        return bool(agent.context_variables.get(self.context_variable, False))


class ExpressionAvailableCondition(AvailableCondition):
    """Available while a `ContextExpression` holds."""

    expression: ContextExpression

    def __init__(self, expression: ContextExpression | str | None = None, **data: Any) -> None:
        if expression is not None:
            data["expression"] = ContextExpression(expression) if isinstance(expression, str) else expression
        super().__init__(**data)

    def is_available(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> bool:
        return self.expression.evaluate(agent.context_variables)
