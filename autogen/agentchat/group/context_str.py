"""`ContextStr`: a text template filled from the group's context variables."""

from __future__ import annotations

import string
from typing import Any

from pydantic import BaseModel

from .context_variables import ContextVariables

__all__ = ["ContextStr", "format_template"]


def template_fields(template: str) -> list[str]:
    """The ``{name}`` fields of a str.format template (raises ValueError for a malformed one)."""
    names = []
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None and field != "":
            names.append(field.split(".")[0].split("[")[0])
    return names


def format_template(template: str, context_variables: ContextVariables | dict[str, Any] | None, what: str) -> str:
    """Fill ``template`` with the context values; an empty context leaves it as written.

    A placeholder naming a variable that is not set raises KeyError naming the variable and ``what``.
    """
    data = context_variables.to_dict() if isinstance(context_variables, ContextVariables) else dict(context_variables or {})
    if not data:
        return template
    try:
        return template.format(**data)
    except KeyError as e:
        name = e.args[0] if e.args else "?"
        raise KeyError(
            f"{what} uses the context variable '{name}', which is not set "
            f"(set ones: {sorted(data)}). Set it in the pattern's context_variables or escape the braces as '{{{{' '}}}}'."
        ) from None


class ContextStr(BaseModel):
    """``ContextStr(template="Order {order_id} is {status}")``, filled from context variables."""

    template: str

    def format(self, context_variables: ContextVariables) -> str:
        """The template with its ``{var}`` fields filled from ``context_variables``."""
        return format_template(self.template, context_variables, f"ContextStr {self.template!r}")

    def __str__(self) -> str:
        return f"ContextStr, unformatted: {self.template}"
