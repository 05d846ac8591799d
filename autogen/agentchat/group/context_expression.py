"""`ContextExpression`: a small boolean language over context variables.

``${name}`` reads a variable; ``not``/``!``, ``and``/``&``, ``or``/``|`` (symbolic forms surrounded
by spaces; ``!`` only directly before ``${`` or ``(``), comparisons, parentheses, unary minus,
``len(${var})``, numbers, quoted strings, True/False/None. The expression is parsed once, at
construction, into a Python AST that is checked node by node and turned into nested closures
(never ``eval``), so nothing outside this language can run.
"""

from __future__ import annotations

import ast
import functools
import operator
import re
from collections.abc import Callable, Sized
from typing import Any

from pydantic import BaseModel, PrivateAttr

from .context_variables import ContextVariables

__all__ = ["ContextExpression"]

_VAR = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PREFIX = "__ctx_"

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _translate(expression: str) -> tuple[str, list[str]]:
    """Rewrite the user syntax into Python syntax; returns the code and the variable names used."""
    out: list[str] = []
    names: list[str] = []
    i, n = 0, len(expression)
    while i < n:
        ch = expression[i]
        if ch in "'\"":  # copy a quoted string verbatim
            j = i + 1
            while j < n and expression[j] != ch:
                j += 2 if expression[j] == "\\" else 1
            if j >= n:
                raise SyntaxError(f"Unterminated string in context expression {expression!r}.")
            out.append(expression[i : j + 1])
            i = j + 1
            continue
        if ch == "$":
            m = _VAR.match(expression, i)
            if not m:
                raise SyntaxError(f"'$' must start a variable like ${{name}} in context expression {expression!r}.")
            name = m.group(1).strip()
            if "." in name:  # ${a.b} reads an attribute: outside the language, like any attribute access
                raise ValueError(
                    f"Operation type Attribute is not allowed in context expression {expression!r}: ${{{name}}}; "
                    "use flat variable names (e.g. ${user_is_premium})."
                )
            if not _NAME.match(name):
                raise SyntaxError(f"Invalid variable name {name!r} in context expression {expression!r}.")
            names.append(name)
            out.append(f"{_PREFIX}{name}")
            i = m.end()
            continue
        if ch == "!" and not expression.startswith("!=", i):
            rest = expression[i + 1 :]
            if rest.startswith("${") or rest.startswith("("):
                out.append(" not ")
                i += 1
                continue
            raise SyntaxError(f"'!' must be directly followed by ${{...}} or '(' in context expression {expression!r}.")
        if ch in "&|":
            before = expression[i - 1] if i > 0 else ""
            after = expression[i + 1] if i + 1 < n else ""
            if not (before.isspace() and after.isspace()):
                raise SyntaxError(
                    f"'{ch}' must have a space on both sides in context expression {expression!r} "
                    f"(or write {'and' if ch == '&' else 'or'})."
                )
            out.append(" and " if ch == "&" else " or ")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), names


def _check(node: ast.AST, expression: str) -> None:
    """Refuse every construct outside the language (ValueError naming it)."""
    call_funcs = {id(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
    for child in ast.walk(node):
        if isinstance(child, (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Not, ast.USub, ast.Load)):
            continue
        if isinstance(child, ast.UnaryOp):
            if not isinstance(child.op, (ast.Not, ast.USub)):
                raise ValueError(f"Operator {type(child.op).__name__} is not allowed in context expression {expression!r}.")
            continue
        if isinstance(child, ast.Compare):
            for op in child.ops:
                if type(op) not in _COMPARE:
                    raise ValueError(
                        f"Comparison '{type(op).__name__}' is not allowed in context expression {expression!r}; "
                        "use ==, !=, <, <=, >, >=."
                    )
            continue
        if isinstance(child, tuple(_COMPARE)):
            continue
        if isinstance(child, ast.Constant):
            if not isinstance(child.value, (int, float, str, bool, type(None))):
                raise ValueError(f"Literal {child.value!r} is not allowed in context expression {expression!r}.")
            continue
        if isinstance(child, ast.Name):
            if not child.id.startswith(_PREFIX) and not (id(child) in call_funcs and child.id == "len"):
                raise ValueError(
                    f"Name {child.id!r} is not allowed in context expression {expression!r}; "
                    "read variables as ${name} and quote strings."
                )
            continue
        if isinstance(child, ast.Call):
            func = child.func
            if not (isinstance(func, ast.Name) and func.id == "len") or len(child.args) != 1 or child.keywords:
                raise ValueError(f"Only len(${{var}}) may be called in context expression {expression!r}.")
            if not isinstance(child.args[0], ast.Name):
                raise ValueError(f"len() takes one ${{var}} in context expression {expression!r}.")
            continue
        raise ValueError(f"{type(child).__name__} is not allowed in context expression {expression!r}.")


class ContextExpression(BaseModel):
    """A boolean expression over context variables, e.g. ``"${logged_in} and len(${basket}) > 0"``.

    Bad syntax raises SyntaxError and disallowed constructs ValueError, at construction.
    """

    expression: str
    _names: list[str] = PrivateAttr(default_factory=list)

    def __init__(self, expression: str | None = None, **data: Any) -> None:
        if expression is not None:
            data["expression"] = expression
        super().__init__(**data)
        self._names = list(_evaluator(self.expression)[1])  # parses and checks: errors raise here

    @property
    def variable_names(self) -> list[str]:
        """The variables the expression reads, in order of appearance."""
        return list(dict.fromkeys(self._names))

    def evaluate(self, context_variables: ContextVariables | dict[str, Any]) -> bool:
        """True when the expression holds for ``context_variables``; a missing variable raises KeyError."""
        data = context_variables.data if isinstance(context_variables, ContextVariables) else context_variables
        evaluator, names = _evaluator(self.expression)
        for key in names:  # every variable must be set, even one a short-circuit would not read
            if key not in data:
                raise KeyError(_missing(key, self.expression, data))
        return bool(evaluator(data))

    def __str__(self) -> str:
        return f"ContextExpression<{self.expression}>"


# ---------------------------------------------------------------------- evaluation
# An expression text is parsed, checked and turned into nested closures once (conditions are
# evaluated every turn); each closure does what its node means, so evaluation walks no AST and
# dispatches on no node types.

Evaluator = Callable[[Any], Any]


@functools.lru_cache(maxsize=1024)
def _evaluator(expression: str) -> tuple[Evaluator, tuple[str, ...]]:
    """The evaluator of ``expression`` and the variable names it reads (SyntaxError/ValueError when
    it does not parse or uses something outside the language)."""
    code, names = _translate(expression)
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError as e:
        raise SyntaxError(f"Context expression {expression!r} does not parse: {e.msg}.") from None
    _check(tree, expression)
    return _compile(tree.body, expression), tuple(names)


def _compile(node: ast.AST, expression: str) -> Evaluator:
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda data: constant
    if isinstance(node, ast.Name):
        read = _reader(node.id[len(_PREFIX) :], expression)

        def variable(data: Any) -> Any:
            value = read(data)
            if value is None or isinstance(value, (bool, int, float, str)):
                return value
            if isinstance(value, (list, dict, tuple, set)):
                return bool(value)  # collections count by truthiness (use len() for their size)
            return str(value)

        return variable
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, expression) for v in node.values]
        if isinstance(node.op, ast.And):

            def all_of(data: Any) -> Any:
                result: Any = True
                for part in parts:
                    result = part(data)
                    if not result:
                        return result
                return result

            return all_of

        def any_of(data: Any) -> Any:
            result: Any = False
            for part in parts:
                result = part(data)
                if result:
                    return result
            return result

        return any_of
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, expression)
        if isinstance(node.op, ast.Not):
            return lambda data: not operand(data)
        return lambda data: -operand(data)
    if isinstance(node, ast.Compare):
        left_fn = _compile(node.left, expression)
        steps = [(_COMPARE[type(op)], _compile(right, expression)) for op, right in zip(node.ops, node.comparators)]

        def compare(data: Any) -> bool:
            left = left_fn(data)
            for op, right_fn in steps:
                right = right_fn(data)
                try:
                    ok = op(left, right)
                except TypeError as e:
                    raise TypeError(f"Context expression {expression!r} compares incompatible values: {e}.") from None
                if not ok:
                    return False
                left = right
            return True

        return compare
    if isinstance(node, ast.Call):  # len(${var}), checked at construction
        read = _reader(node.args[0].id[len(_PREFIX) :], expression)  # type: ignore[attr-defined]

        def length(data: Any) -> int:
            value = read(data)
            return len(value) if isinstance(value, Sized) else 0

        return length
    raise ValueError(f"Unsupported node in context expression {expression!r}.")  # pragma: no cover


def _reader(key: str, expression: str) -> Evaluator:
    def read(data: Any) -> Any:
        if key in data:
            return data[key]
        raise KeyError(_missing(key, expression, data))

    return read


def _missing(key: str, expression: str, data: Any) -> str:
    return (
        f"Missing context variable: '{key}' (context expression {expression!r} reads ${{{key}}}, which is not set; "
        f"set variables: {sorted(data)})"
    )
