"""`Tool`: a function the model can call, with its schema, its injected values and its call path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

from ._function_spec import FunctionSpec
from .function_utils import parameters_schema, serialize_to_str

if TYPE_CHECKING:
    from ..agentchat.conversable_agent import ConversableAgent

__all__ = ["Tool", "tool"]


class Tool:
    """A function an agent can offer to its model (``register_for_llm``) and run (``register_for_execution``).

    Built from a function, method or functools.partial (``name`` defaults to its ``__name__``,
    ``description`` to its raw docstring or ``""``), or from another Tool (a renamed copy).
    ``parameters_json_schema`` replaces the schema derived from the type hints.
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        func_or_tool: Tool | Callable[..., Any],
        parameters_json_schema: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(func_or_tool, Tool):
            self._spec: FunctionSpec = func_or_tool._spec
            self._func: Callable[..., Any] = func_or_tool._func
            self._name: str = name or func_or_tool.name
            self._description: str = description or func_or_tool.description
            if parameters_json_schema is None:
                parameters_json_schema = func_or_tool._parameters_json_schema
            self._parameters: dict[str, Any] | None = func_or_tool._parameters
        else:
            try:
                self._spec = FunctionSpec(func_or_tool)
            except ValueError:
                raise ValueError(
                    "Parameter 'func_or_tool' must be a function, a method or a Tool instance, "
                    f"it is '{type(func_or_tool)}' instead."
                ) from None
            self._spec.validator  # noqa: B018 - build the argument validator now, not on the first call
            self._func = self._spec.injected_callable()
            self._name = name or self._spec.name
            self._description = description or self._spec.doc or ""
            self._parameters = None  # derived from the type hints on first use
        if parameters_json_schema is not None and not isinstance(parameters_json_schema, dict):
            raise TypeError(
                f"parameters_json_schema must be a JSON schema dict, got {type(parameters_json_schema).__name__}"
            )
        self._parameters_json_schema = parameters_json_schema

    # the spec lets get_function_schema(tool, ...) and inspection helpers reuse the analysis
    @property
    def __tool_spec__(self) -> FunctionSpec:
        return self._spec

    @property
    def name(self) -> str:
        """The name the model calls the tool by."""
        return self._name

    @property
    def description(self) -> str:
        """What the model is told the tool does."""
        return self._description

    @property
    def func(self) -> Callable[..., Any]:
        """The function with its arguments validated (as by calling the tool) and its ``Depends``
        parameters injected and hidden from its signature."""
        return self._func

    @property
    def is_async(self) -> bool:
        """True when the underlying function is ``async def``."""
        return self._spec.is_async

    def _parameters_schema(self) -> dict[str, Any]:
        if self._parameters_json_schema is not None:
            return copy.deepcopy(self._parameters_json_schema)
        if self._parameters is None:
            self._parameters = parameters_schema(self._spec)
        return copy.deepcopy(self._parameters)

    @property
    def tool_schema(self) -> dict[str, Any]:
        """``{"type": "function", "function": {"description", "name", "parameters"}}`` (a fresh dict)."""
        return {"type": "function", "function": self.function_schema}

    @property
    def function_schema(self) -> dict[str, Any]:
        """The inner function schema (the legacy ``functions`` API)."""
        return {"description": self._description, "name": self._name, "parameters": self._parameters_schema()}

    @property
    def realtime_tool_schema(self) -> dict[str, Any]:
        """The flat form used by realtime APIs: ``{"type": "function", "name", "description", "parameters"}``."""
        return {"type": "function", **self.function_schema}

    def make_executable(self, *, agent: Any = None, serialize: bool = True) -> Callable[..., Any]:
        """The callable an agent stores in its ``function_map`` for this tool.

        It takes the model's arguments as keyword arguments, validates them against the signature
        as a direct call does (but raising `ToolArgumentError`, a message for the model), injects ``ChatContext(agent)``,
        ``Depends`` values and the agent's ``context_variables``, calls the function and, when
        ``serialize``, turns the result into text with `serialize_to_str`. For an ``async def`` tool
        the returned callable is ``async def`` too.
        """
        executable = self._spec.build_call(
            tool_name=self._name,
            agent=agent,
            bound_to_agent=True,
            validate=True,
            post=serialize_to_str if serialize else None,
        )
        executable.__doc__ = self._description or executable.__doc__
        executable.tool = self  # type: ignore[attr-defined]
        return executable

    def register_for_llm(self, agent: ConversableAgent) -> None:
        """Offer this tool to ``agent``'s model."""
        agent.register_for_llm()(self)

    def register_for_execution(self, agent: ConversableAgent) -> None:
        """Let ``agent`` run this tool when a model calls it."""
        agent.register_for_execution()(self)

    def register_tool(self, agent: ConversableAgent) -> None:
        """Both offer the tool to ``agent``'s model and let ``agent`` run it."""
        self.register_for_llm(agent)
        self.register_for_execution(agent)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function directly, as ag2 does: the arguments are validated against the type hints
        (pydantic's lax mode: ``"3"`` becomes ``3``, a dict the model a parameter asks for; unknown
        keyword arguments are dropped), a bad one raises pydantic's ``ValidationError``, and ``Depends``
        values are injected."""
        return self._func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Tool(name={self._name!r}, description={self._description!r})"


@overload
def tool(name: Callable[..., Any], description: str | None = None) -> Tool: ...


@overload
def tool(name: str | None = None, description: str | None = None) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(name: Any = None, description: str | None = None) -> Any:
    """Decorator turning a function into a `Tool`: ``@tool()``, ``@tool(name=..., description=...)``.

    The bare form ``@tool`` is accepted too.
    """
    if callable(name) and not isinstance(name, str):
        return Tool(func_or_tool=name, description=description)

    def decorator(func: Callable[..., Any]) -> Tool:
        return Tool(name=name, description=description, func_or_tool=func)

    return decorator
