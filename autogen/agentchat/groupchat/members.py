"""What a group chat asks about its members and their messages: membership by identity, the
functions a message calls, and which member can execute or is offered them."""

from __future__ import annotations

from typing import Any

__all__ = ["called_functions", "can_execute", "content_text", "is_in", "offered_functions"]


def content_text(content: Any) -> str:
    """The text of a message content (a str, or a list of parts)."""
    from ...coding.extraction import content_str

    return content_str(content)


def is_in(agents: list[Any], agent: Any) -> bool:
    """Whether ``agent`` itself (not an equal object) is one of ``agents``."""
    for a in agents:
        if a is agent:
            return True
    return False


def called_functions(message: dict[str, Any]) -> list[str]:
    """Names of the functions a message asks to call (legacy function_call and tool_calls)."""
    names: list[str] = []
    function_call = message.get("function_call")
    if function_call:
        names.append(function_call.get("name", ""))
    for call in message.get("tool_calls") or []:
        if call.get("type", "function") == "function":
            names.append((call.get("function") or {}).get("name", ""))
    return names


def can_execute(agent: Any, names: list[str]) -> bool:
    """Whether ``agent`` can execute every function in ``names``."""
    can = getattr(agent, "can_execute_function", None)
    if can is not None:
        return bool(can(names))
    function_map = getattr(agent, "function_map", None) or {}
    return all(n in function_map for n in names)


def offered_functions(agent: Any) -> set[str]:
    """Function names an agent's LLM is offered (tools and legacy functions)."""
    config = getattr(agent, "llm_config", None)
    if not config:
        return set()
    names = set()
    for tool in config.get("tools") or []:
        names.add(((tool or {}).get("function") or {}).get("name"))
    for func in config.get("functions") or []:
        names.add((func or {}).get("name"))
    return names
