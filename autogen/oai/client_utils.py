"""Helpers the provider clients share: checking a config parameter and deciding whether to hide tools.

``validate_parameter`` never raises for a bad value: it warns (``UserWarning``) and falls back to the
default, as ag2's provider clients do, so one mistyped setting does not stop a chat.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

__all__ = ["FormatterProtocol", "merge_config_with_tools", "should_hide_tools", "validate_parameter"]

HIDE_TOOLS_VALUES = ["if_all_run", "if_any_run", "never"]

# ag2's log format for the provider clients
logging_formatter = logging.Formatter(
    "[%(name)s: %(asctime)s] {%(lineno)d} %(levelname)s - %(message)s", "%m-%d %H:%M:%S"
)


@runtime_checkable
class FormatterProtocol(Protocol):
    """A structured-output class whose instances render themselves with ``format()``."""

    def format(self) -> str: ...


def _type_names(allowed_types: Any) -> str:
    if isinstance(allowed_types, tuple):
        return "(" + ", ".join(t.__name__ for t in allowed_types) + ")"
    return allowed_types.__name__


def _bound_problem(value: Any, bounds: tuple[float | None, float | None], allow_none: bool) -> str:
    low, high = bounds
    if (low is None or value >= low) and (high is None or value <= high):
        return ""
    parts = []
    if low is not None:
        parts.append(f">= {low!s}")
    if high is not None:
        parts.append(f"<= {high!s}")
    return "has numerical bounds, " + " and ".join(parts) + (", or can be None" if allow_none else "")


def validate_parameter(
    params: Mapping[str, Any],
    param_name: str,
    allowed_types: Any,
    allow_None: bool,  # ag2's keyword name
    default_value: Any,
    numerical_bound: tuple[float | None, float | None] | None,
    allowed_values: list[Any] | None,
) -> Any:
    """``params[param_name]`` (or ``default_value`` when absent) if it passes the checks, else the default.

    The checks, in order: None is accepted only with ``allow_None``; the value must be an instance of
    ``allowed_types``; then it must lie within ``numerical_bound`` (``(low, high)``, either may be None)
    if given, otherwise be one of ``allowed_values`` if given. A failed check warns
    ``"Config error - <name> <reason>, defaulting to <default>."`` and returns the default.
    ``allowed_values`` must be a list or None (TypeError otherwise).
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
        problem = _bound_problem(value, numerical_bound, allow_None)
    elif allowed_values and value not in allowed_values:
        problem = f"must be one of these values [{allowed_values}]{', or can be None' if allow_None else ''}"
    if problem:
        warnings.warn(f"Config error - {param_name} {problem}, defaulting to {default_value}.", UserWarning)
        return default_value
    return value


def should_hide_tools(messages: Iterable[Mapping[str, Any]], tools: list[Any] | None, hide_tools_param: str) -> bool:
    """Whether to leave ``tools`` out of the next request, per the ``hide_tools`` setting.

    ``"never"``: keep them; ``"if_any_run"``: hide once any tool result is in ``messages``;
    ``"if_all_run"``: hide once every tool has been called and answered. Any other value is a TypeError.
    """
    if hide_tools_param == "never" or not tools:
        return False
    if hide_tools_param == "if_any_run":
        return any("tool_call_id" in message for message in messages)
    if hide_tools_param != "if_all_run":
        raise TypeError(f"hide_tools_param is not a valid value {HIDE_TOOLS_VALUES}, got '{hide_tools_param}'")
    not_run = {tool["function"]["name"] for tool in tools}
    called: dict[str, str] = {}  # tool call id -> function name
    for message in messages:
        if "tool_calls" in message:
            for call in message["tool_calls"] or ():
                called[call["id"]] = call["function"]["name"]
        elif "tool_call_id" in message:
            not_run.discard(called.get(message["tool_call_id"], ""))
    return not not_run


def merge_config_with_tools(config: Mapping[str, Any], client_config: Mapping[str, Any]) -> dict[str, Any]:
    """``{**config, **client_config}`` with both ``tools`` lists concatenated (none added when both are
    empty, nor when the deprecated ``functions`` is used)."""
    merged = {**config, **client_config}
    tools = list(config.get("tools") or []) + list(client_config.get("tools") or [])
    if tools and "functions" not in merged:
        merged["tools"] = tools
    return merged
