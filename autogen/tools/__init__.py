"""Tools: functions an agent offers to its model and runs, with schemas derived from type hints."""

from .dependency_injection import BaseContext, ChatContext, Depends
from .errors import ToolArgumentError
from .function_utils import get_function_schema, load_basemodels_if_needed, serialize_to_str
from .tool import Tool, tool
from .toolkit import Toolkit

__all__ = [
    "BaseContext",
    "ChatContext",
    "Depends",
    "Tool",
    "ToolArgumentError",
    "Toolkit",
    "get_function_schema",
    "load_basemodels_if_needed",
    "serialize_to_str",
    "tool",
]
