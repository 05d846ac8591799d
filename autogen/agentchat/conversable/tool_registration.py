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
            # ag2's wording (code matches on it), then what to do about it
            message = f"To {what}, agent must have an llm_config (agent '{self.name}' has none: pass llm_config=...)."
            logger.error(message)
            raise AssertionError(message)

    @staticmethod
    def _create_tool_if_needed(func_or_tool: Any, name: str | None, description: str | None) -> Tool:
        """``func_or_tool`` as a `Tool`: a Tool as it is (a renamed copy when ``name`` or
        ``description`` is given), a function or other callable wrapped in a new one."""
        from ...tools.tool import Tool

        if isinstance(func_or_tool, Tool):
            return Tool(func_or_tool=func_or_tool, name=name, description=description) if (name or description) else func_or_tool
        if not callable(func_or_tool):
            raise TypeError(f"'func_or_tool' must be a function or a Tool object, got '{type(func_or_tool)}' instead.")
        return Tool(func_or_tool=func_or_tool, name=name, description=description)

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
            tool = self._create_tool_if_needed(func_or_tool, name, description)
            self._register_tool_for_llm(tool, api_style, silent_override)
            return tool

        return decorator

    def _add_single_function(self, func: Callable[..., Any], name: str | None = None, description: str | None = "") -> None:
        """Offer ``func`` to the LLM (the ``functions=`` argument): its name is ``name``, else its
        ``_name`` attribute or ``__name__``; its description ``description``, else its
        ``_description`` attribute or its stripped docstring."""
        name = name or getattr(func, "_name", None) or getattr(func, "__name__", None)
        description = description or getattr(func, "_description", None) or (getattr(func, "__doc__", None) or "").strip()
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
            self.register_function({tool.name: self._wrap_function(tool, serialize=serialize)}, silent_override=True)
            return tool

        return decorator

    def _wrap_function(self, func: Callable[..., Any] | Tool, inject_params: dict[str, Any] = {}, *, serialize: bool = True) -> Callable[..., Any]:
        """The callable stored in ``function_map`` for ``func`` (a function or a `Tool`).

        Called with the model's arguments as keywords, it validates them against the signature
        (dicts become the pydantic models the parameters ask for), injects ``ChatContext``,
        ``Depends`` values, the agent's context variables and ``inject_params``, calls the function
        and, when ``serialize``, returns the result as text. It is ``async def`` when the function is.
        Its ``_origin`` attribute is the user's function."""
        from ...tools.tool import Tool

        if isinstance(func, Tool):
            tool, origin = func, func.func
        else:
            tool = Tool(func_or_tool=_with_bound_params(func, inject_params) if inject_params else func)
            origin = func
        wrapped = tool.make_executable(agent=self, serialize=serialize)
        wrapped._origin = origin  # type: ignore[attr-defined]
        return wrapped

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
        self._assert_llm("update a tool signature")
        tools = list(self.llm_config.get("tools") or [])
        if is_remove:
            if not tools:
                message = f"The agent config doesn't have tool {tool_sig}."
                logger.error(message)
                raise AssertionError(message)
            name = tool_sig if isinstance(tool_sig, str) else tool_sig["function"]["name"]
            new_tools = [t for t in tools if t["function"]["name"] != name]
            if len(new_tools) == len(tools):
                logger.error("The tool signature '%s' is not registered on agent '%s'.", name, self.name)
            tools = new_tools
        else:
            if not isinstance(tool_sig, dict):
                raise ValueError(f"The tool signature must be of the type dict. Received tool signature type {type(tool_sig)}")
            name = tool_sig["function"]["name"]
            validate_function_name(name)
            if any(t["function"]["name"] == name for t in tools):
                if not silent_override:
                    warnings.warn(f"Function '{name}' is being overridden.", UserWarning, stacklevel=2)
                tools = [t for t in tools if t["function"]["name"] != name]
            tools.append(tool_sig)
        self._set_llm_option("tools", tools)

    def update_function_signature(self, func_sig: str | dict[str, Any], is_remove: bool = False, silent_override: bool = False) -> None:
        """Legacy ``functions`` counterpart of `update_tool_signature`."""
        self._assert_llm("update a function signature")
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
        """Make ``tools`` the agent's UI tools: offered to its LLM and run by it (results returned
        as they are, not serialised), replacing the UI tools set before."""
        self._unset_previous_ui_tools()
        for tool in tools:
            self._register_tool_for_llm(tool, silent_override=True)
            self.register_for_execution(serialize=False, silent_override=True)(tool)
        self._ui_tools = list(tools)

    def unset_ui_tools(self, tools: list[Tool]) -> None:
        """Withdraw ``tools`` from the LLM."""
        for tool in tools:
            self.remove_tool_for_llm(tool)

    def _unset_previous_ui_tools(self) -> None:
        previous = getattr(self, "_ui_tools", None)
        if not previous:
            return
        self.unset_ui_tools(previous)
        for tool in previous:
            self._function_map.pop(tool.name, None)
        self._ui_tools = []

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


def _with_bound_params(func: Callable[..., Any], params: dict[str, Any]) -> Callable[..., Any]:
    """``func`` with ``params`` always passed, and left out of its signature (so not asked of the model)."""
    import functools
    import inspect

    signature = inspect.signature(func)
    if inspect.iscoroutinefunction(func):

        async def bound(*args: Any, **kwargs: Any) -> Any:
            return await func(*args, **kwargs, **params)

    else:

        def bound(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs, **params)

    functools.update_wrapper(bound, func)
    bound.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name not in params]
    )
    del bound.__wrapped__  # the reduced signature is the one to read
    return bound
