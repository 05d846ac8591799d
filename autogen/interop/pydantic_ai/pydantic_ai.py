"""PydanticAIInteroperability: a PydanticAI tool (``pydantic_ai.tools.Tool``) as an ag2 Tool.

The ag2 tool keeps the PydanticAI tool's name, description and JSON schema. A tool that takes a
``RunContext`` gets one built around the ``deps`` given at conversion, and PydanticAI's retry limit is kept:
after ``max_retries`` failed calls in a row the tool refuses with a ValueError.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from functools import wraps
from typing import Any

from ...import_utils import optional_import
from ...tools import Tool
from .._packages import unsupported_reason
from ..registry import register_interoperable_class

__all__ = ["PydanticAIInteroperability"]

_MODULE, _EXTRA = "pydantic_ai", "interop-pydantic-ai"


def _import(module: str) -> Any:
    return optional_import(module, _EXTRA, feature="PydanticAIInteroperability")


@register_interoperable_class("pydanticai")
class PydanticAIInteroperability:
    """Converts PydanticAI tools (extra ``interop-pydantic-ai``)."""

    @staticmethod
    def inject_params(ctx: Any, tool: Any) -> Callable[..., Any]:
        """``tool``'s function with ``ctx`` (a ``RunContext`` or None) passed in and its retries counted.

        With a context the returned function's signature leaves the context parameter out. Each failure
        adds one to ``ctx.retries[tool.name]`` and a success resets it; once it reaches the tool's
        ``max_retries`` (1 when unset) a call raises ValueError without running the function.
        """
        function = tool.function
        name = tool.name
        max_retries = tool.max_retries if tool.max_retries is not None else 1
        signature = inspect.signature(function)
        params = list(signature.parameters.values())
        passes_ctx = ctx is not None and tool.takes_ctx
        if passes_ctx:
            params = params[1:]  # PydanticAI passes the RunContext as the first argument

        def begin(kwargs: dict[str, Any]) -> tuple[Any, ...]:
            current = 0 if ctx is None else ctx.retries.get(name, 0)
            if current >= max_retries:
                raise ValueError(f"{name} failed after {max_retries} retries")
            if ctx is None:
                return ()
            ctx.retry = current
            kwargs.pop("ctx", None)
            return (ctx,) if passes_ctx else ()

        def end(succeeded: bool) -> None:
            if ctx is not None:
                ctx.retries[name] = 0 if succeeded else ctx.retries.get(name, 0) + 1

        if inspect.iscoroutinefunction(function):

            @wraps(function)
            async def wrapper(**kwargs: Any) -> Any:
                leading = begin(kwargs)
                try:
                    result = await function(*leading, **kwargs)
                except Exception:
                    end(False)
                    raise
                end(True)
                return result

        else:

            @wraps(function)
            def wrapper(**kwargs: Any) -> Any:
                leading = begin(kwargs)
                try:
                    result = function(*leading, **kwargs)
                except Exception:
                    end(False)
                    raise
                end(True)
                return result

        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        return wrapper

    @classmethod
    def convert_tool(cls, tool: Any, deps: Any = None, **kwargs: Any) -> Tool:
        """The ag2 Tool running the PydanticAI ``tool``; ``deps`` (required when it takes a context) fill
        its ``RunContext``. Other keyword arguments are ignored."""
        pai_tools = _import("pydantic_ai.tools")
        if not isinstance(tool, pai_tools.Tool):
            raise ValueError(f"Expected an instance of `pydantic_ai.tools.Tool`, got {type(tool)}")  # noqa: TRY004 - as ag2
        if tool.takes_ctx and deps is None:
            raise ValueError("If the tool takes a context, the `deps` argument must be provided")
        if not tool.takes_ctx and deps is not None:
            warnings.warn(
                "The `deps` argument is provided but will be ignored because the tool does not take a context.",
                UserWarning,
                stacklevel=2,
            )

        ctx = cls._run_context(tool, deps) if tool.takes_ctx else None
        return Tool(
            name=tool.name,
            description=tool.description,
            func_or_tool=cls.inject_params(ctx=ctx, tool=tool),
            parameters_json_schema=tool.function_schema.json_schema,
        )

    @staticmethod
    def _run_context(tool: Any, deps: Any) -> Any:
        """A ``RunContext`` outside any PydanticAI agent run: no model, empty usage and history."""
        usage_module = _import("pydantic_ai.usage")
        # RunUsage replaced Usage (kept as a deprecated alias) in pydantic-ai 1.0.
        usage_class = getattr(usage_module, "RunUsage", None) or usage_module.Usage
        ctx = _import("pydantic_ai").RunContext(
            deps=deps, model=None, usage=usage_class(), prompt="", messages=[], retry=0, tool_name=tool.name
        )
        ctx.retries = {}
        return ctx

    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        """None when ``pydantic_ai`` is installed, else which extra to install."""
        return unsupported_reason(_MODULE, _EXTRA)
