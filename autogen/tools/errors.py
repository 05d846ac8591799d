"""The error a tool call raises when the model's arguments do not fit the tool's signature."""

from __future__ import annotations

from typing import Any

__all__ = ["ToolArgumentError"]


class ToolArgumentError(ValueError):
    """The model called a tool with arguments of the wrong type, missing or unknown.

    The message names the tool, each bad argument and what was expected, so that an agent can send
    it back to the model as the tool result and the model can retry.
    """

    def __init__(self, tool_name: str, problems: list[str], *, expected: str = "", errors: list[Any] | None = None):
        self.tool_name = tool_name
        self.problems = list(problems)
        self.expected = expected
        # the raw pydantic error dicts, when validation produced them
        self.errors = list(errors or [])
        lines = [f"Invalid arguments for tool '{tool_name}':"]
        lines += [f"- {p}" for p in self.problems]
        if expected:
            lines.append(f"The tool takes: {expected}.")
        lines.append(f"Call '{tool_name}' again with corrected arguments.")
        super().__init__("\n".join(lines))
