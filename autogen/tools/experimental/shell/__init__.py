"""Command execution for the Responses API's hosted ``shell`` tool."""

from .shell_tool import CmdResult, ShellExecutor

__all__ = ["CmdResult", "ShellExecutor"]
