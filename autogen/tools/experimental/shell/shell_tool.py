"""Running the Responses API's ``shell`` calls: commands executed without a shell (``shlex`` split, so
no pipes or substitutions) in a workspace directory, after checks against allowed / denied command
names, dangerous patterns and, when ``allowed_paths`` is restricted, the paths a command names.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ....oai.openai_responses_tools import ShellCallOutcome, ShellCommandOutput

__all__ = ["CmdResult", "ShellExecutor"]

_PATH_ARG = re.compile(r"(?:^|\s)((?:[/~]|\.\./|[A-Za-z]:)\S*)")


@dataclass
class CmdResult:
    """What one command printed, its exit code and whether it was stopped at the timeout."""

    stdout: str
    stderr: str
    exit_code: int | None
    timed_out: bool


class ShellExecutor:
    """Runs commands in ``workspace_dir`` (made if missing), each limited to a timeout.

    Args:
        default_timeout: seconds a command may run when no timeout is given.
        workspace_dir: the working directory (default: the current one).
        allowed_paths: glob patterns of the paths commands may name (``["**"]``, the default: any).
        allowed_commands: the only command names allowed (None: any not denied).
        denied_commands: command names refused.
        enable_command_filtering: refuse commands matching ``dangerous_patterns``.
        dangerous_patterns: ``(regex, message)`` pairs (default :attr:`DEFAULT_DANGEROUS_PATTERNS`).
    """

    DEFAULT_DANGEROUS_PATTERNS: list[tuple[str, str]] = [  # noqa: RUF012 - ag2's public, overridable list
        (r"\brm\s+-[a-zA-Z]*[rf][a-zA-Z]*\s+(/|~)(\*)?(\s|$)", "Deleting the root or home directory is not allowed."),
        (
            r"\brm\s+-[a-zA-Z]*r[a-zA-Z]*\s+/(etc|usr|bin|sbin|lib|lib64|boot|root|sys|proc|dev)\b",
            "Deleting system directories is not allowed.",
        ),
        (r">\s*/dev/(sd[a-z]|hd[a-z]|nvme\d)", "Writing to disk devices is not allowed."),
        (r"\bdd\b.*\bof=/dev/", "Writing to devices with dd is not allowed."),
        (r":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;", "Fork bombs are not allowed."),
        (r"\bmkfs(\.\w+)?\b", "Formatting filesystems is not allowed."),
        (r"\bformat\s+[A-Z]:", "Formatting drives is not allowed."),
        (
            r"\b(del|rmdir)\s+/[sS]\s+C:\\(Windows|Program\s+Files)",
            "Deleting Windows system directories is not allowed.",
        ),
        (r">\s*/etc/(passwd|shadow|hosts|fstab)\b", "Overwriting system files is not allowed."),
        (r">\s*/boot/", "Overwriting boot files is not allowed."),
    ]

    def __init__(
        self,
        default_timeout: float = 60.0,
        workspace_dir: str | Path | None = None,
        allowed_paths: list[str] | None = None,
        allowed_commands: list[str] | None = None,
        denied_commands: list[str] | None = None,
        enable_command_filtering: bool = True,
        dangerous_patterns: list[tuple[str, str]] | None = None,
    ) -> None:
        self.default_timeout = default_timeout
        self.workspace_dir = Path(workspace_dir).resolve() if workspace_dir is not None else Path.cwd()
        self.workspace_dir.mkdir(parents=True, exist_ok=True)
        self.allowed_paths = allowed_paths if allowed_paths is not None else ["**"]
        self.allowed_commands = allowed_commands
        self.denied_commands = denied_commands or []
        self.enable_command_filtering = enable_command_filtering
        self.dangerous_patterns = dangerous_patterns or self.DEFAULT_DANGEROUS_PATTERNS

    def _validate_path(self, path: str | Path) -> bool:
        """Whether a command may name ``path``: inside the workspace and matching an allowed pattern."""
        if "**" in self.allowed_paths:
            return True
        target = Path(os.path.expanduser(str(path)))
        if not target.is_absolute():
            target = self.workspace_dir / target
        target = target.resolve()
        try:
            relative = target.relative_to(self.workspace_dir).as_posix()
        except ValueError:
            return False
        return any(fnmatch.fnmatch(relative, p) or target.match(p) for p in self.allowed_paths)

    def _validate_command(self, cmd: str) -> None:
        """Raise ValueError when ``cmd`` breaks a restriction."""
        try:
            parts = shlex.split(cmd.strip())
        except ValueError as e:
            raise ValueError(f"Invalid command syntax: {e}") from e
        if not parts:
            raise ValueError("Empty command is not allowed")
        name = parts[0].rsplit("/", 1)[-1]
        if self.allowed_commands is not None and name not in self.allowed_commands:
            raise ValueError(f"Command '{name}' is not in the allowed commands list: {self.allowed_commands}")
        if name in self.denied_commands:
            raise ValueError(f"Command '{name}' is in the denied commands list")
        if self.enable_command_filtering:
            for pattern, message in self.dangerous_patterns:
                if re.search(pattern, cmd, re.IGNORECASE):
                    raise ValueError(f"Potentially dangerous command detected: {message}")
        if "**" not in self.allowed_paths:
            for path in _PATH_ARG.findall(cmd):
                if not self._validate_path(path):
                    raise ValueError(f"Access to path '{path}' is not allowed. Allowed paths: {self.allowed_paths}")

    def run(self, cmd: str, timeout: float | None = None) -> CmdResult:
        """Run one command (after the checks, which raise ValueError) and collect its output."""
        self._validate_command(cmd)
        if timeout is not None and timeout <= 0:
            raise ValueError("Timeout must be positive")
        process = subprocess.Popen(
            shlex.split(cmd),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.workspace_dir,
        )
        try:
            out, err = process.communicate(timeout=timeout or self.default_timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            timed_out = True
        return CmdResult(stdout=out or "", stderr=err or "", exit_code=process.returncode, timed_out=timed_out)

    def run_commands(self, commands: list[str], timeout_ms: int | None = None) -> list[ShellCommandOutput]:
        """Run ``commands`` one after another; a refused command reports why in its stderr (exit code 1)."""
        timeout = timeout_ms / 1000.0 if timeout_ms is not None else None
        outputs = []
        for cmd in commands:
            try:
                result = self.run(cmd, timeout=timeout)
            except (ValueError, OSError) as e:
                outputs.append(ShellCommandOutput(stderr=str(e), outcome=ShellCallOutcome(type="exit", exit_code=1)))
                continue
            outcome = (
                ShellCallOutcome(type="timeout")
                if result.timed_out
                else ShellCallOutcome(type="exit", exit_code=result.exit_code)
            )
            outputs.append(ShellCommandOutput(stdout=result.stdout, stderr=result.stderr, outcome=outcome))
        return outputs
