"""Applying the Responses API's ``apply_patch`` operations to files of a workspace.

An operation is ``{"type": "create_file" | "update_file" | "delete_file", "path", "diff"}``; the diff
is in the V4A / unified style: hunks headed ``@@`` (optionally ``@@ -start,len +start,len @@``) whose
lines start with ``" "`` (context), ``"-"`` (removed) or ``"+"`` (added). A create's diff is the new
file's lines.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

__all__ = ["PatchEditor", "WorkspaceEditor", "apply_diff"]

_HUNK = re.compile(r"^@@\s*(?:-(\d+)(?:,\d+)?\s+\+\d+(?:,\d+)?\s*@@)?")


class PatchEditor(Protocol):
    """What runs apply_patch operations; each returns ``{"status": "completed" | "failed", "output"}``."""

    def create_file(self, operation: dict[str, Any]) -> dict[str, Any]: ...
    async def a_create_file(self, operation: dict[str, Any]) -> dict[str, Any]: ...
    def update_file(self, operation: dict[str, Any]) -> dict[str, Any]: ...
    async def a_update_file(self, operation: dict[str, Any]) -> dict[str, Any]: ...
    def delete_file(self, operation: dict[str, Any]) -> dict[str, Any]: ...
    async def a_delete_file(self, operation: dict[str, Any]) -> dict[str, Any]: ...


def _created_text(diff: str) -> str:
    lines = []
    for line in diff.splitlines():
        if line.startswith(("@@", "---", "+++", "-")):
            continue
        lines.append(line[1:] if line.startswith(("+", " ")) else line)
    return "\n".join(lines)


def _locate(original: list[str], start: int, expected: list[str]) -> int:
    """Where the lines ``expected`` (a hunk's context and removed lines) begin, at or after ``start``."""
    if not expected:
        return start
    for i in range(start, len(original) - len(expected) + 1):
        if original[i : i + len(expected)] == expected:
            return i
    raise ValueError(f"Could not find the patched lines in the file: {expected[0]!r}")


def apply_diff(current_content: str, diff: str, create: bool = False) -> str:
    """``current_content`` with ``diff`` applied (the diff's added lines alone when ``create`` or the
    file is empty). Raises ValueError when the diff does not fit the content."""
    original = current_content.splitlines()
    if create or not original:
        return _created_text(diff)
    hunks: list[tuple[int | None, list[str]]] = []
    for line in diff.splitlines():
        match = _HUNK.match(line)
        if match:
            hunks.append((int(match.group(1)) - 1 if match.group(1) else None, []))
        elif hunks and not line.startswith(("---", "+++", "\\ No newline")):
            hunks[-1][1].append(line)
    out: list[str] = []
    cursor = 0
    for start, lines in hunks:
        old = [ln[1:] if ln[:1] in (" ", "-") else ln for ln in lines if not ln.startswith("+")]
        at = max(start, cursor) if start is not None else _locate(original, cursor, old)
        if original[at : at + len(old)] != old:
            at = _locate(original, cursor, old)
        out.extend(original[cursor:at])
        cursor = at
        for line in lines:
            if line.startswith("+"):
                out.append(line[1:])
            else:
                cursor += 1
                if not line.startswith("-"):
                    out.append(line.removeprefix(" "))
    out.extend(original[cursor:])
    return "\n".join(out)


class WorkspaceEditor:
    """Runs apply_patch operations on files under ``workspace_dir`` whose relative path matches one
    of the glob patterns ``allowed_paths`` (default ``["**"]``: any file of the workspace)."""

    def __init__(self, workspace_dir: str | Path | None = None, allowed_paths: list[str] | None = None) -> None:
        self.workspace_dir = Path(workspace_dir if workspace_dir is not None else os.getcwd()).resolve()
        self.allowed_paths = allowed_paths if allowed_paths is not None else ["**"]

    def _validate_path(self, path: str) -> Path:
        """The absolute path of ``path``; ValueError when it is not allowed or leaves the workspace."""
        posix = PurePosixPath(path.replace("\\", "/"))
        if not any(fnmatch.fnmatch(str(posix), p) or posix.match(p) for p in self.allowed_paths):
            raise ValueError(f"Path {path} is not allowed by allowed_paths patterns: {self.allowed_paths}")
        if not self.workspace_dir.is_dir():
            raise ValueError(f"workspace directory {self.workspace_dir} does not exist")
        full = (self.workspace_dir / path).resolve()
        try:
            full.relative_to(self.workspace_dir)
        except ValueError:
            raise ValueError(f"Path {path} is outside the workspace directory") from None
        return full

    def _run(self, verb: str, operation: dict[str, Any], change: Any) -> dict[str, Any]:
        path = operation.get("path")
        if not path:
            return {"status": "failed", "output": "Missing 'path' in operation"}
        try:
            full = self._validate_path(str(path))
            message = change(full, str(operation.get("diff") or ""))
        except Exception as e:  # noqa: BLE001 - reported to the model as the operation's output
            return {"status": "failed", "output": f"Error {verb} {path}: {e!s}"}
        if message:
            return {"status": "failed", "output": message.format(path=path)}
        return {"status": "completed", "output": f"{verb.replace('ing', 'ed').capitalize()} {path}"}

    @staticmethod
    def _create(full: Path, diff: str) -> None:
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(apply_diff("", diff, create=True), encoding="utf-8")

    @staticmethod
    def _update(full: Path, diff: str) -> str | None:
        if not full.exists():
            return "Error: File not found at path '{path}'"
        full.write_text(apply_diff(full.read_text(encoding="utf-8"), diff), encoding="utf-8")
        return None

    @staticmethod
    def _delete(full: Path, diff: str) -> str | None:
        if not full.exists():
            return "Error: File not found at path '{path}'"
        full.unlink()
        return None

    def create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Create (or overwrite) the file with the diff's lines."""
        return self._run("creating", operation, self._create)

    def update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Apply the diff to an existing file."""
        return self._run("updating", operation, self._update)

    def delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Delete an existing file."""
        return self._run("deleting", operation, self._delete)

    async def a_create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`create_file` (the file work runs in a thread)."""
        return await asyncio.to_thread(self.create_file, operation)

    async def a_update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`update_file`."""
        return await asyncio.to_thread(self.update_file, operation)

    async def a_delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`delete_file`."""
        return await asyncio.to_thread(self.delete_file, operation)
