"""`Toolkit`: a named set of tools registered on agents together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .tool import Tool

if TYPE_CHECKING:
    from ..agentchat.conversable_agent import ConversableAgent

__all__ = ["Toolkit"]


class Toolkit:
    """A collection of `Tool` objects keyed by name (a later tool with the same name replaces the earlier)."""

    def __init__(self, tools: list[Tool]) -> None:
        self.toolkit: dict[str, Tool] = {}
        for t in tools:
            self.set_tool(t)

    @property
    def tools(self) -> list[Tool]:
        """The tools, in insertion order."""
        return list(self.toolkit.values())

    def register_for_llm(self, agent: ConversableAgent) -> None:
        """Offer every tool to ``agent``'s model."""
        for t in self.toolkit.values():
            t.register_for_llm(agent)

    def register_for_execution(self, agent: ConversableAgent) -> None:
        """Let ``agent`` run every tool."""
        for t in self.toolkit.values():
            t.register_for_execution(agent)

    def get_tool(self, tool_name: str) -> Tool:
        """The tool called ``tool_name``; ValueError if there is none."""
        try:
            return self.toolkit[tool_name]
        except KeyError:
            raise ValueError(f"Tool '{tool_name}' not found in Toolkit; it has: {self._names()}.") from None

    def set_tool(self, tool: Tool) -> None:
        """Add ``tool``, replacing a tool of the same name."""
        if not isinstance(tool, Tool):
            raise TypeError(
                f"A Toolkit holds Tool objects, got {type(tool).__name__}; wrap functions as Tool(func_or_tool=f)."
            )
        self.toolkit[tool.name] = tool

    def remove_tool(self, tool_name: str) -> None:
        """Remove the tool called ``tool_name``; ValueError if there is none."""
        if tool_name not in self.toolkit:
            raise ValueError(f"Tool '{tool_name}' not found in Toolkit; it has: {self._names()}.")
        del self.toolkit[tool_name]

    def _names(self) -> str:
        return ", ".join(repr(n) for n in self.toolkit) or "no tools"

    def __len__(self) -> int:
        return len(self.toolkit)

    def __iter__(self) -> Any:
        return iter(self.toolkit.values())

    def __repr__(self) -> str:
        return f"Toolkit({self.tools!r})"
