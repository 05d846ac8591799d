"""Offering tools to the LLM and registering them for execution; usage and cost (part of `ConversableAgent`)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from .._messages import validate_function_name
from .events import emit

if TYPE_CHECKING:
    from ...tools.tool import Tool

__all__ = ["ToolRegistration"]

logger = logging.getLogger("autogen.agentchat.conversable_agent")


class ToolRegistration:
    """register_for_llm / register_for_execution and the LLM's tool list (part of `ConversableAgent`)."""

    llm_config: Any
    client: Any
    _tools: list[Any]
    _function_map: dict[str, Callable[..., Any]]

    def _assert_llm(self, what: str) -> None:
        if not self.llm_config:
            raise AssertionError(f"{what} needs an llm_config on agent '{self.name}'.")

    def register_for_llm(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        api_style: Literal["function", "tool"] = "tool",
        silent_override: bool = False,
    ) -> Callable[[Callable[..., Any] | Tool], Tool]:
        """Decorator: offer a function (or Tool) to this agent's LLM. Returns a `Tool`."""

        def decorator(func_or_tool: Callable[..., Any] | Tool) -> Tool:
            self._assert_llm("register_for_llm")
            tool = self._create_tool_if_needed(func_or_tool, name, description)
            self._register_tool_for_llm(tool, api_style, silent_override)
            return tool

        return decorator

    @staticmethod
    def _create_tool_if_needed(func_or_tool: Callable[..., Any] | Tool, name: str | None, description: str | None) -> Tool:
        """``func_or_tool`` as a `Tool` (a new one when it is a function, or when a name or description is given)."""
        from ...tools.tool import Tool

        if isinstance(func_or_tool, Tool):
            return Tool(name=name, description=description, func_or_tool=func_or_tool) if (name or description) else func_or_tool
        if not callable(func_or_tool):
            raise TypeError(f"'func_or_tool' must be a function or a Tool object, got '{type(func_or_tool)}' instead.")
        return Tool(name=name, description=description, func_or_tool=func_or_tool)

    def _add_single_function(self, func: Callable[..., Any], name: str | None = None, description: str | None = "") -> None:
        """Offer ``func`` to the LLM as ``name`` (default: its own) described by ``description``
        (default: a description it carries in ``_description``, else its docstring)."""
        if name:
            func._name = name  # type: ignore[attr-defined]
        elif not hasattr(func, "_name"):
            func._name = func.__name__  # type: ignore[attr-defined]
        if getattr(func, "_description", None) and not description:
            description = func._description  # type: ignore[attr-defined]
        else:
            if not description:
                description = (func.__doc__ or "").strip()
            func._description = description  # type: ignore[attr-defined]
        self.register_for_llm(name=name, description=description, silent_override=True)(func)

    def _register_tool_for_llm(self, tool: Tool, api_style: str = "tool", silent_override: bool = False) -> None:
        if api_style == "function":
            self.update_function_signature(tool.function_schema, is_remove=False, silent_override=silent_override)
        else:
            self.update_tool_signature(tool.tool_schema, is_remove=False, silent_override=silent_override)
        self._tools = [t for t in self._tools if t.name != tool.name]
        self._tools.append(tool)

    def register_for_execution(
        self,
        name: str | None = None,
        description: str | None = None,
        *,
        serialize: bool = True,
        silent_override: bool = False,
    ) -> Callable[[Callable[..., Any] | Tool], Tool]:
        """Decorator: let this agent execute a function (or Tool) when the LLM calls it. Returns a `Tool`."""

        def decorator(func_or_tool: Callable[..., Any] | Tool) -> Tool:
            tool = self._create_tool_if_needed(func_or_tool, name, description)
            if tool.name in self._function_map and not silent_override:
                warnings.warn(f"Function '{tool.name}' is being overridden.", UserWarning, stacklevel=2)
            self.register_function({tool.name: tool.make_executable(agent=self, serialize=serialize)}, silent_override=True)
            return tool

        return decorator

    def register_function(self, function_map: dict[str, Callable[..., Any] | None], silent_override: bool = False) -> None:
        """Add (or, with None, remove) functions this agent can execute."""
        for fname, func in function_map.items():
            validate_function_name(fname)
            if fname in self._function_map and func is not None and not silent_override:
                warnings.warn(f"Function '{fname}' is being overridden.", UserWarning, stacklevel=2)
        for fname, func in function_map.items():
            if func is None:
                self._function_map.pop(fname, None)
            else:
                self._function_map[fname] = func

    def update_tool_signature(self, tool_sig: str | dict[str, Any], is_remove: bool, silent_override: bool = False) -> None:
        """Add, replace or (``is_remove``) drop one tool schema in the LLM config, then rebuild the client."""
        self._assert_llm("update_tool_signature")
        tools = list(self.llm_config.get("tools") or [])
        if is_remove:
            name = tool_sig if isinstance(tool_sig, str) else tool_sig["function"]["name"]
            new_tools = [t for t in tools if t["function"]["name"] != name]
            if len(new_tools) == len(tools):
                logger.error("The tool signature '%s' is not registered on agent '%s'.", name, self.name)
            tools = new_tools
        else:
            if not isinstance(tool_sig, dict):
                raise ValueError("update_tool_signature needs a tool schema dict to add a tool.")
            name = tool_sig["function"]["name"]
            if any(t["function"]["name"] == name for t in tools):
                if not silent_override:
                    warnings.warn(f"Function '{name}' is being overridden.", UserWarning, stacklevel=2)
                tools = [t for t in tools if t["function"]["name"] != name]
            tools.append(tool_sig)
        self._set_llm_option("tools", tools)

    def update_function_signature(self, func_sig: str | dict[str, Any], is_remove: bool = False, silent_override: bool = False) -> None:
        """Legacy ``functions`` counterpart of `update_tool_signature`."""
        self._assert_llm("update_function_signature")
        funcs = list(self.llm_config.get("functions") or [])
        name = func_sig if isinstance(func_sig, str) else func_sig["name"]
        if any(f["name"] == name for f in funcs) and not is_remove and not silent_override:
            warnings.warn(f"Function '{name}' is being overridden.", UserWarning, stacklevel=2)
        funcs = [f for f in funcs if f["name"] != name]
        if not is_remove:
            funcs.append(func_sig)
        self._set_llm_option("functions", funcs)

    def _set_llm_option(self, key: str, value: list[Any]) -> None:
        if value:
            self.llm_config[key] = value
        else:
            try:
                del self.llm_config[key]
            except (KeyError, TypeError, AttributeError):
                self.llm_config[key] = []
        # As in the original, the wrapper is rebuilt (custom model clients must be registered again).
        self.client = self._create_client(self.llm_config)

    def remove_tool_for_llm(self, tool: Tool) -> None:
        """Withdraw a tool from the LLM."""
        self.update_tool_signature(tool.name, is_remove=True)
        self._tools = [t for t in self._tools if t.name != tool.name]

    def set_ui_tools(self, tools: list[Tool]) -> None:
        """Offer UI-side tools to the LLM (their calls are answered by the UI)."""
        for tool in tools:
            self._register_tool_for_llm(tool, silent_override=True)

    def unset_ui_tools(self, tools: list[Tool]) -> None:
        """Withdraw UI-side tools."""
        for tool in tools:
            self.remove_tool_for_llm(tool)

    def can_execute_function(self, name: list[str] | str) -> bool:
        """True when every named function is in the function map."""
        names = name if isinstance(name, list) else [name]
        return all(n in self._function_map for n in names)

    def register_model_client(self, model_client_cls: type, **kwargs: Any) -> None:
        """Register a custom ModelClient class for config entries naming it in `model_client_cls`."""
        if self.client is None:
            raise ValueError(f"Agent '{self.name}' has no llm_config, so it has no model client to register.")
        self.client.register_model_client(model_client_cls, **kwargs)

    # ------------------------------------------------------------------ usage

    def print_usage_summary(self, mode: str | list[str] = ["actual", "total"]) -> None:
        """Print this agent's LLM usage and cost."""
        if self.client is None:
            emit("ConversableAgentUsageSummaryNoCostIncurredEvent", recipient=self)
        else:
            emit("ConversableAgentUsageSummaryEvent", recipient=self)
            self.client.print_usage_summary(mode)

    def get_actual_usage(self) -> dict[str, Any] | None:
        """Usage excluding cache hits (None without a client)."""
        return None if self.client is None else self.client.actual_usage_summary

    def get_total_usage(self) -> dict[str, Any] | None:
        """Usage including cache hits (None without a client)."""
        return None if self.client is None else self.client.total_usage_summary
