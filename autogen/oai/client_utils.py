"""Helpers shared by the provider clients (ag2's ``autogen.oai.client_utils``): checking a config
parameter against its type / bounds / allowed values, and deciding when to stop offering tools."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ["FormatterProtocol", "should_hide_tools", "validate_parameter"]


@runtime_checkable
class FormatterProtocol(Protocol):
    """A structured-output model that renders itself as text with ``format()``."""

    def format(self) -> str: ...


def _type_names(allowed_types: Any) -> str:
    if isinstance(allowed_types, tuple):
        return "(" + ", ".join(t.__name__ for t in allowed_types) + ")"
    return allowed_types.__name__


def validate_parameter(
    params: Mapping[str, Any],
    param_name: str,
    allowed_types: Any,
    allow_None: bool,  # ag2's keyword name
    default_value: Any,
    numerical_bound: tuple[float | None, float | None] | None,
    allowed_values: list[Any] | None,
) -> Any:
    """``params[param_name]`` when it is valid, else ``default_value`` (with a UserWarning saying why).

    Valid means: an instance of ``allowed_types`` (or None when ``allow_None``), within
    ``numerical_bound`` = (lower, upper) where given (either end may be None), and one of
    ``allowed_values`` where given. A missing parameter is ``default_value`` without a warning.
    """
    if allowed_values is not None and not isinstance(allowed_values, list):
        raise TypeError(f"allowed_values should be a list or None, got {type(allowed_values).__name__}")
    value = params.get(param_name, default_value)
    problem = ""
    if value is None:
        if not allow_None:
            problem = "cannot be None"
    elif not isinstance(value, allowed_types):
        problem = f"must be of type {_type_names(allowed_types)}{' or None' if allow_None else ''}"
    elif numerical_bound:
        low, high = numerical_bound
        if (low is not None and value < low) or (high is not None and value > high):
            limits = [f">= {low}" if low is not None else "", f"<= {high}" if high is not None else ""]
            problem = "has numerical bounds, " + " and ".join(x for x in limits if x)
            if allow_None:
                problem += ", or can be None"
    elif allowed_values and value not in allowed_values:
        problem = f"must be one of these values [{allowed_values}]{', or can be None' if allow_None else ''}"
    if problem:
        warnings.warn(f"Config error - {param_name} {problem}, defaulting to {default_value}.", UserWarning)
        return default_value
    return value


def should_hide_tools(messages: Sequence[Mapping[str, Any]], tools: Any, hide_tools_param: str) -> bool:
    """Whether to leave the tools out of the next request, so a model stops re-calling them.

    ``hide_tools_param``: "never"; "if_any_run" (some tool result is in ``messages``); "if_all_run"
    (every tool offered has a result in ``messages``). Results whose call is not in the history count
    for no tool.
    """
    if hide_tools_param == "never" or not tools:
        return False
    if hide_tools_param == "if_any_run":
        return any("tool_call_id" in m for m in messages)
    if hide_tools_param == "if_all_run":
        pending = {t["function"]["name"] for t in tools if isinstance(t, Mapping) and "function" in t}
        called: dict[Any, str] = {}
        for message in messages:
            if message.get("tool_calls"):
                for call in message["tool_calls"]:
                    called[call.get("id")] = (call.get("function") or {}).get("name", "")
            elif "tool_call_id" in message:
                pending.discard(called.get(message["tool_call_id"], ""))
        return not pending
    raise TypeError(
        f"hide_tools_param is not a valid value ['if_all_run','if_any_run','never'], got '{hide_tools_param}'"
    )
