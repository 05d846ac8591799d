"""The Responses API's hosted tools that run on the caller's side: ``apply_patch`` (file edits) and
``shell`` (commands). The model answers with ``apply_patch_call`` / ``shell_call`` items; the client
runs them (with the editor of :mod:`autogen.tools.experimental.apply_patch` and the executor of
:mod:`autogen.tools.experimental.shell`, imported only when a call is run) and sends back
``apply_patch_call_output`` / ``shell_call_output`` items.

The payload dataclasses and the client's helper methods keep ag2's names.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ApplyPatchCallOutput",
    "BuiltinToolCalls",
    "ShellCallOutcome",
    "ShellCallOutput",
    "ShellCommandOutput",
]

_PATCH_OPERATIONS = ("create_file", "update_file", "delete_file")


@dataclass
class ApplyPatchCallOutput:
    """The ``apply_patch_call_output`` item answering one ``apply_patch_call``."""

    call_id: str
    status: str
    output: str
    type: str = "apply_patch_call_output"

    def to_dict(self) -> dict[str, str]:
        """The item as a dict."""
        return asdict(self)


@dataclass
class ShellCallOutcome:
    """How a shell command ended: ``type`` "exit" (with ``exit_code``) or "timeout"."""

    type: str
    exit_code: int | None = None

    def model_dump(self) -> dict[str, Any]:
        """The outcome as a dict (named like pydantic's, for callers that dump either)."""
        return asdict(self)

    def to_dict(self) -> dict[str, Any]:
        """The outcome as a dict (the v2 client's name)."""
        return asdict(self)


@dataclass
class ShellCommandOutput:
    """What one command printed, and how it ended."""

    stdout: str = ""
    stderr: str = ""
    outcome: ShellCallOutcome | None = None

    def model_dump(self) -> dict[str, Any]:
        """The output as a dict."""
        return asdict(self)

    def to_dict(self) -> dict[str, Any]:
        """The output as a dict, ``outcome`` only when known (the v2 client's form)."""
        out: dict[str, Any] = {"stdout": self.stdout, "stderr": self.stderr}
        if self.outcome is not None:
            out["outcome"] = self.outcome.to_dict()
        return out


@dataclass
class ShellCallOutput:
    """The ``shell_call_output`` item answering one ``shell_call``."""

    call_id: str
    type: str = "shell_call_output"
    max_output_length: int | None = None
    output: list[ShellCommandOutput] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.output is None:
            self.output = []

    def model_dump(self) -> dict[str, Any]:
        """The item as a dict."""
        return asdict(self)

    def to_dict(self) -> dict[str, Any]:
        """The item as a dict without the unset ``max_output_length`` / empty ``output`` (the v2 client's form)."""
        out: dict[str, Any] = {"call_id": self.call_id, "type": self.type}
        if self.max_output_length is not None:
            out["max_output_length"] = self.max_output_length
        if self.output:
            out["output"] = [command.to_dict() for command in self.output]
        return out


def _failed_shell(call_id: str, max_output_length: int | None, message: str) -> ShellCallOutput:
    outcome = ShellCallOutcome(type="exit", exit_code=1)
    return ShellCallOutput(
        call_id=call_id,
        max_output_length=max_output_length,
        output=[ShellCommandOutput(stdout="", stderr=message, outcome=outcome)],
    )


def _run_coroutine(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``coro`` to completion from sync code, on a thread of its own when a loop is running here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as e:  # noqa: BLE001 - re-raised in the calling thread
            box["error"] = e

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _calls_of_type(messages: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """``{call_id: item}`` of the ``kind`` items in assistant messages (their content or tool_calls)."""
    found: dict[str, Any] = {}
    for message in messages:
        if message.get("role") != "assistant":
            continue
        for source in (message.get("content"), message.get("tool_calls")):
            if not isinstance(source, list):
                continue
            for item in source:
                if isinstance(item, Mapping) and item.get("type") == kind and item.get("call_id"):
                    found[item["call_id"]] = item
    return found


def _run_calls(calls_dict: dict[str, Any], key: str, run: Callable[[Any, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """``run(call[key], call_id)`` for each call in ``calls_dict`` that has a non-empty ``key``, in order."""
    return [run(call[key], call_id) for call_id, call in calls_dict.items() if call.get(key)]


class BuiltinToolCalls:
    """The apply_patch / shell part of the Responses client (ag2's method names)."""

    def _apply_patch_operation(
        self,
        operation: dict[str, Any],
        call_id: str,
        workspace_dir: str | None = None,
        allowed_paths: list[str] | None = None,
        async_patches: bool = False,
    ) -> ApplyPatchCallOutput:
        """Apply one patch ``operation`` (``type`` create_file / update_file / delete_file, ``path``,
        ``diff``) inside ``workspace_dir``, limited to ``allowed_paths``; never raises."""
        op_type = operation.get("type")
        if op_type not in _PATCH_OPERATIONS:
            return ApplyPatchCallOutput(
                call_id=call_id,
                status="failed",
                output=f"Invalid operation type: {op_type}. Must be one of {set(_PATCH_OPERATIONS)}",
            )
        try:
            from ..tools.experimental.apply_patch.apply_patch_tool import WorkspaceEditor

            editor = WorkspaceEditor(
                workspace_dir=workspace_dir or os.getcwd(),
                allowed_paths=allowed_paths if allowed_paths is not None else ["**"],
            )
            if async_patches:
                result = _run_coroutine(getattr(editor, f"a_{op_type}")(operation))
            else:
                result = getattr(editor, op_type)(operation)
        except Exception as e:  # noqa: BLE001 - reported to the model as the call's output
            return ApplyPatchCallOutput(call_id=call_id, status="failed", output=f"Error applying patch: {e!s}")
        return ApplyPatchCallOutput(
            call_id=call_id, status=result.get("status", "failed"), output=result.get("output", "")
        )

    def _extract_apply_patch_calls(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """``{call_id: apply_patch_call}`` found in the assistant messages."""
        return _calls_of_type(messages, "apply_patch_call")

    def _execute_apply_patch_calls(
        self,
        calls_dict: dict[str, Any],
        built_in_tools: list[str],
        workspace_dir: str,
        allowed_paths: list[str],
    ) -> list[dict[str, Any]]:
        """The output items of running ``calls_dict`` (none unless apply_patch is a built-in tool;
        ``apply_patch_async`` runs the editor's async methods)."""
        if not calls_dict or not ({"apply_patch", "apply_patch_async"} & set(built_in_tools)):
            return []
        async_mode = "apply_patch_async" in built_in_tools
        return _run_calls(
            calls_dict,
            "operation",
            lambda operation, call_id: self._apply_patch_operation(
                operation,
                call_id=call_id,
                workspace_dir=workspace_dir,
                allowed_paths=allowed_paths,
                async_patches=async_mode,
            ).to_dict(),
        )

    def _extract_shell_calls(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """``{call_id: shell_call}`` found in the assistant messages."""
        return _calls_of_type(messages, "shell_call")

    def _execute_shell_calls(
        self,
        calls_dict: dict[str, Any],
        built_in_tools: list[str],
        workspace_dir: str,
        allowed_paths: list[str],
        allowed_commands: list[str] | None = None,
        denied_commands: list[str] | None = None,
        enable_command_filtering: bool = True,
        dangerous_patterns: list[tuple[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        """The output items of running ``calls_dict`` (none unless shell is a built-in tool)."""
        if not calls_dict or "shell" not in built_in_tools:
            return []
        return _run_calls(
            calls_dict,
            "action",
            lambda action, call_id: self._execute_shell_operation(
                action,
                call_id=call_id,
                workspace_dir=workspace_dir,
                allowed_paths=allowed_paths,
                allowed_commands=allowed_commands,
                denied_commands=denied_commands,
                enable_command_filtering=enable_command_filtering,
                dangerous_patterns=dangerous_patterns,
            ).model_dump(),
        )

    def _execute_shell_operation(
        self,
        action: dict[str, Any],
        call_id: str,
        workspace_dir: str | None = None,
        allowed_paths: list[str] | None = None,
        allowed_commands: list[str] | None = None,
        denied_commands: list[str] | None = None,
        enable_command_filtering: bool = True,
        dangerous_patterns: list[tuple[str, str]] | None = None,
    ) -> ShellCallOutput:
        """Run a shell_call's ``commands`` (``timeout_ms``, ``max_output_length``) with the client's
        executor, made on first use and updated with the settings given later; never raises."""
        commands = action.get("commands") or []
        max_output_length = action.get("max_output_length")
        if not commands:
            return _failed_shell(call_id, max_output_length, "No commands provided")
        executor = self.__dict__.get("_shell_executor")
        if executor is None:
            from ..tools.experimental.shell import shell_tool

            cls = shell_tool.ShellExecutor
            executor = cls(
                workspace_dir=workspace_dir or os.getcwd(),
                allowed_paths=allowed_paths,
                allowed_commands=allowed_commands,
                denied_commands=denied_commands,
                enable_command_filtering=True if enable_command_filtering is None else enable_command_filtering,
                dangerous_patterns=dangerous_patterns or cls.DEFAULT_DANGEROUS_PATTERNS,
            )
            self._shell_executor = executor
        else:
            if workspace_dir:
                executor.workspace_dir = Path(workspace_dir).resolve()
            if allowed_paths is not None:
                executor.allowed_paths = allowed_paths
            if allowed_commands is not None:
                executor.allowed_commands = allowed_commands
            if denied_commands is not None:
                executor.denied_commands = denied_commands
            if dangerous_patterns is not None:
                executor.dangerous_patterns = dangerous_patterns
            if enable_command_filtering is not None:
                executor.enable_command_filtering = enable_command_filtering

        try:
            results = executor.run_commands(commands, timeout_ms=action.get("timeout_ms"))
        except Exception as e:  # noqa: BLE001 - reported to the model as the call's output
            return _failed_shell(call_id, max_output_length, f"Error executing shell commands: {e!s}")
        return ShellCallOutput(call_id=call_id, max_output_length=max_output_length, output=results)
