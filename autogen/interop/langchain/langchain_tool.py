"""LangChainInteroperability: a LangChain tool (``langchain_core.tools.BaseTool``) as an ag2 Tool.

The ag2 tool takes one argument, ``tool_input``, typed by the LangChain tool's input schema, and runs the
LangChain tool with that input as a dict. A LangChain tool with a native coroutine becomes an async ag2 tool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...import_utils import optional_import
from ...tools import Tool
from .._packages import unsupported_reason
from ..registry import register_interoperable_class

__all__ = ["LangChainInteroperability"]

_MODULE, _EXTRA = "langchain_core", "interop-langchain"


def _runs_natively_async(tool: Any, base_tool: type, structured_tool: type) -> bool:
    """Whether ``tool`` has its own coroutine (``StructuredTool(coroutine=...)`` or an overridden ``_arun``).

    Without one, LangChain's ``arun`` only runs ``_run`` in a thread, so the sync wrapper is kept.
    """
    if isinstance(tool, structured_tool):
        return tool.coroutine is not None
    return type(tool)._arun is not base_tool._arun


@register_interoperable_class("langchain")
class LangChainInteroperability:
    """Converts LangChain tools (extra ``interop-langchain``)."""

    @classmethod
    def convert_tool(cls, tool: Any, **kwargs: Any) -> Tool:
        """The ag2 Tool running the LangChain ``tool``; no options are accepted."""
        lc_tools = optional_import("langchain_core.tools", _EXTRA, feature="LangChainInteroperability")
        if not isinstance(tool, lc_tools.BaseTool):
            raise ValueError(f"Expected an instance of `langchain_core.tools.BaseTool`, got {type(tool)}")  # noqa: TRY004 - as ag2
        if kwargs:
            raise ValueError(f"The LangchainInteroperability does not support any additional arguments, got {kwargs}")

        input_model = tool.get_input_schema()

        def sync_func(tool_input: Any) -> Any:
            return tool.run(tool_input.model_dump())

        async def async_func(tool_input: Any) -> Any:
            return await tool.arun(tool_input.model_dump())

        func: Callable[..., Any] = (
            async_func if _runs_natively_async(tool, lc_tools.BaseTool, lc_tools.StructuredTool) else sync_func
        )
        # The parameter's type is the tool's own input model: it makes the schema the model is shown.
        func.__annotations__ = {"tool_input": input_model, "return": Any}
        return Tool(name=tool.name, description=tool.description, func_or_tool=func)

    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        """None when ``langchain_core`` is installed, else which extra to install."""
        return unsupported_reason(_MODULE, _EXTRA)
