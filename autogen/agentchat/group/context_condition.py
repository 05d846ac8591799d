"""Deterministic conditions evaluated on the context variables (no LLM involved)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .context_expression import ContextExpression
from .context_variables import ContextVariables

__all__ = ["ContextCondition", "ExpressionContextCondition", "StringContextCondition"]


class ContextCondition(BaseModel):
    """Base class: ``evaluate(context_variables) -> bool``."""

    def evaluate(self, context_variables: ContextVariables) -> bool:
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.evaluate().")

    def describe(self) -> str:
        """A short description for error messages and events."""
        return type(self).__name__


class StringContextCondition(ContextCondition):
    """True while the named variable is truthy (a missing one counts as False). Keyword-only."""

    variable_name: str

    def evaluate(self, context_variables: ContextVariables) -> bool:
        return bool(context_variables.get(self.variable_name, False))

    def describe(self) -> str:
        return f"StringContextCondition(variable_name={self.variable_name!r})"


class ExpressionContextCondition(ContextCondition):
    """True while a `ContextExpression` holds (a missing variable raises KeyError)."""

    expression: ContextExpression

    def __init__(self, expression: ContextExpression | str | None = None, **data: Any) -> None:
        if expression is not None:
            data["expression"] = ContextExpression(expression) if isinstance(expression, str) else expression
        super().__init__(**data)

    def evaluate(self, context_variables: ContextVariables) -> bool:
        return self.expression.evaluate(context_variables)

    def describe(self) -> str:
        return f"ExpressionContextCondition({self.expression.expression!r})"
