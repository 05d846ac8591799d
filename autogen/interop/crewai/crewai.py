"""CrewAIInteroperability: a CrewAI tool (``crewai.tools.BaseTool``) as an ag2 Tool (deprecated, as in ag2).

The ag2 tool takes one argument, ``args``, typed by the CrewAI tool's ``args_schema``.
"""

from __future__ import annotations

import re
import sys
import warnings
from typing import Any

from ...import_utils import optional_import
from ...tools import Tool
from .._packages import unsupported_reason
from ..registry import register_interoperable_class

__all__ = ["CrewAIInteroperability"]

_MODULE, _EXTRA = "crewai", "interop-crewai"


def _sanitize_name(name: str) -> str:
    """``name`` as a valid function name: every non-word character, and a leading digit, get a ``_``."""
    return re.sub(r"\W|^(?=\d)", "_", name)


@register_interoperable_class("crewai")
class CrewAIInteroperability:
    """Converts CrewAI tools (extra ``interop-crewai``, Python 3.10 to 3.12)."""

    @classmethod
    def convert_tool(cls, tool: Any, **kwargs: Any) -> Tool:
        """The ag2 Tool running the CrewAI ``tool``; no options are accepted."""
        warnings.warn(
            "CrewAIInteroperability is deprecated and will be removed in v0.14.", DeprecationWarning, stacklevel=2
        )
        crewai_tools = optional_import("crewai.tools", _EXTRA, feature="CrewAIInteroperability")
        if not isinstance(tool, crewai_tools.BaseTool):
            raise ValueError(f"Expected an instance of `crewai.tools.BaseTool`, got {type(tool)}")  # noqa: TRY004 - as ag2
        if kwargs:
            raise ValueError(f"The CrewAIInteroperability does not support any additional arguments, got {kwargs}")

        # CrewAI prefixes the description it builds with the name and arguments; the model needs the last part.
        description = (
            tool.description.split("Tool Description: ")[-1]
            + " (IMPORTANT: When using arguments, put them all in an `args` dictionary)"
        )

        def func(args: Any) -> Any:
            return tool.run(**args.model_dump())

        func.__annotations__ = {"args": tool.args_schema, "return": Any}
        return Tool(name=_sanitize_name(tool.name), description=description, func_or_tool=func)

    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        """Why CrewAI tools cannot be converted here (Python version, missing package), or None."""
        if not (3, 10) <= sys.version_info[:2] < (3, 13):
            return "This submodule is only supported for Python versions 3.10, 3.11, and 3.12"
        return unsupported_reason(_MODULE, _EXTRA)
