"""The Responses API's ``apply_patch`` tool: file edits a model sends as V4A diffs, run in a workspace.

An operation is ``{"type": "create_file" | "update_file" | "delete_file", "path", "diff"}``. A diff
is made of hunks, each headed by a line starting ``@@``: ``@@ -12,3 +12,4 @@`` (unified style, the
hunk starts at old line 12), ``@@ def f():`` (V4A: the hunk follows that line) or a bare ``@@``
(V4A: found by its lines). Hunk lines start with ``" "`` (context), ``"-"`` (removed) or ``"+"``
(added). A created file is the diff's added lines.
"""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ...tool import Tool

__all__ = ["VALID_OPERATIONS", "ApplyPatchTool", "PatchEditor", "WorkspaceEditor", "apply_diff"]

# The operation types of an ``apply_patch_call``.
VALID_OPERATIONS = {"create_file", "update_file", "delete_file"}

_NUMBERED_HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")
# Envelope lines of a full V4A patch; they carry no file content.
_ENVELOPE = re.compile(r"^\*\*\* (Begin Patch|End Patch|End of File|Add File:|Update File:|Delete File:)")


class PatchEditor(Protocol):
    """What runs apply_patch operations (``{"path", "diff"}``); each method returns
    ``{"status": "completed" | "failed", "output": <message>}``."""

    def create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Create the file ``operation["path"]`` from ``operation["diff"]``."""
        ...

    async def a_create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`create_file`."""
        ...

    def update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Apply ``operation["diff"]`` to the existing file ``operation["path"]``."""
        ...

    async def a_update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`update_file`."""
        ...

    def delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Delete the file ``operation["path"]``."""
        ...

    async def a_delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`delete_file`."""
        ...


# ---------------------------------------------------------------------------------------------- diffs


def _created_text(diff: str) -> str:
    """A new file's text: the diff's ``+`` lines without the ``+``, other non-header lines as they are."""
    lines = []
    for line in diff.splitlines():
        if line.startswith(("@@", "---", "+++", "-", "\\ No newline")) or _ENVELOPE.match(line):
            continue
        lines.append(line.removeprefix("+"))
    return "\n".join(lines)


@dataclass
class _Hunk:
    """One hunk: where its header places it, and its lines (each ``" x"``, ``"-x"``, ``"+x"``, or bare text)."""

    start: int | None = None  # 0-based old line from "@@ -N,M +N,M @@"
    anchor: str | None = None  # "@@ <line>": the hunk comes at or after this line
    lines: list[str] = field(default_factory=list)

    @property
    def old(self) -> list[str]:
        """The lines the hunk expects in the file (context and removed lines)."""
        return [_payload(line) for line in self.lines if not line.startswith("+")]


def _payload(line: str) -> str:
    return line[1:] if line[:1] in ("+", "-", " ") else line


def _parse_hunks(diff: str) -> list[_Hunk]:
    """The hunks of ``diff``; a diff without any ``@@`` header is one hunk found by its lines."""
    lines = diff.splitlines()
    has_header = any(line.startswith("@@") for line in lines)
    hunks: list[_Hunk] = [] if has_header else [_Hunk()]
    for line in lines:
        if line.startswith("@@"):
            numbered = _NUMBERED_HEADER.match(line)
            if numbered:
                hunks.append(_Hunk(start=max(int(numbered.group(1)) - 1, 0)))
            else:
                hunks.append(_Hunk(anchor=line[2:].strip() or None))
        elif not hunks or line.startswith("\\ No newline") or _ENVELOPE.match(line):
            continue
        elif not has_header and line.startswith(("---", "+++")):
            continue  # file headers of a header-less diff
        else:
            hunks[-1].lines.append(line)
    for hunk in hunks:
        while hunk.lines and not hunk.lines[-1].strip():
            hunk.lines.pop()  # trailing blank lines are layout, not content
    return [h for h in hunks if h.lines]


# How strictly lines must agree: exactly, then ignoring trailing, then all surrounding whitespace.
_FUZZ: tuple[Callable[[str], str], ...] = (lambda s: s, str.rstrip, str.strip)


class _V4ADiffApplier:
    """Applies one V4A (or unified) diff to a text, hunk after hunk, never moving backwards.

    A hunk with line numbers is applied there when its lines are there, else where they are
    found nearest to it; a hunk without numbers where its lines are first found (after its anchor
    line, if any). Lines that do not fit raise ValueError saying which line did not match.
    """

    __slots__ = ("_cursor", "_final_newline", "_fuzz", "_newline", "_original", "_result")

    def __init__(self, original_text: str) -> None:
        self._original = original_text.splitlines()
        self._cursor = 0
        self._result: list[str] = []
        self._fuzz = 0
        self._newline = "\r\n" if "\r\n" in original_text else "\n"
        self._final_newline = original_text.endswith(("\n", "\r"))

    def apply(self, diff: str, create: bool) -> str:
        """The text with ``diff`` applied (a new file's text when ``create`` or the text is empty)."""
        if create or not self._original:
            return _created_text(diff)
        for hunk in _parse_hunks(diff):
            self._emit_unchanged_until(self._position(hunk))
            for line in hunk.lines:
                self._consume_hunk_line(line)
        self._result.extend(self._original[self._cursor :])
        text = self._newline.join(self._result)
        return text + self._newline if self._final_newline and self._result else text

    def _same(self, file_line: str, diff_line: str) -> bool:
        norm = _FUZZ[self._fuzz]
        return norm(file_line) == norm(diff_line)

    def _fits(self, at: int, old: list[str]) -> bool:
        return at + len(old) <= len(self._original) and all(
            self._same(self._original[at + i], line) for i, line in enumerate(old)
        )

    def _find(self, old: list[str], start: int, near: int | None) -> int | None:
        """Where ``old`` occurs at or after ``start`` (the occurrence nearest ``near``), trying each fuzz level."""
        for self._fuzz in range(len(_FUZZ)):
            found = [i for i in range(start, len(self._original) - len(old) + 1) if self._fits(i, old)]
            if found:
                return found[0] if near is None else min(found, key=lambda i: abs(i - near))
        self._fuzz = 0
        return None

    def _position(self, hunk: _Hunk) -> int:
        """The old line where ``hunk`` begins."""
        old, self._fuzz = hunk.old, 0
        if hunk.start is not None:
            stated = max(hunk.start, self._cursor)
            if self._fits(stated, old):
                return stated
            found = self._find(old, self._cursor, stated) if old else None
            # Not found: apply at the stated line, where the first differing line raises its error.
            return stated if found is None else found
        start = self._cursor
        if hunk.anchor is not None:
            anchor = next(
                (i for i in range(start, len(self._original)) if self._original[i].strip() == hunk.anchor), None
            )
            if anchor is None:
                raise ValueError(f"Could not find the line {hunk.anchor!r} named by a hunk header in the file")
            start = anchor if old else anchor + 1
        if not old:
            return start if hunk.anchor is not None else len(self._original)
        found = self._find(old, start, None)
        if found is None:
            raise ValueError(
                f"Could not find the hunk's lines in the file after line {start}; expected (from the diff):\n"
                + "\n".join(f"  {line!r}" for line in old[:5])
            )
        return found

    def _emit_unchanged_until(self, target_line: int) -> None:
        while self._cursor < target_line and self._cursor < len(self._original):
            self._result.append(self._original[self._cursor])
            self._cursor += 1

    def _consume_hunk_line(self, line: str) -> None:
        payload = _payload(line)
        if line.startswith("+"):
            self._result.append(payload)
        elif line.startswith("-"):
            if self._cursor >= len(self._original):
                raise ValueError(f"Deletion beyond file end at line {len(self._result) + 1}: {payload!r}")
            if not self._same(self._original[self._cursor], payload):
                raise ValueError(
                    f"Deletion mismatch at line {self._cursor + 1}:\n"
                    f"  Expected: {self._original[self._cursor]!r}\n"
                    f"  Got:      {payload!r}"
                )
            self._cursor += 1
        elif self._cursor < len(self._original):  # context (" x", or a line without prefix)
            if not self._same(self._original[self._cursor], payload):
                raise ValueError(
                    f"Context mismatch at line {self._cursor + 1}:\n"
                    f"  Expected: {self._original[self._cursor]!r}\n"
                    f"  Got:      {payload!r}"
                )
            self._result.append(self._original[self._cursor])  # the file's own whitespace
            self._cursor += 1
        else:
            self._result.append(payload)  # context past the end, as the original accepts it


def apply_diff(current_content: str, diff: str, create: bool = False) -> str:
    """``current_content`` with the V4A ``diff`` applied (``create``: the new file's text).

    Raises:
        ValueError: the diff's context or removed lines do not match the content.
    """
    return _V4ADiffApplier(current_content).apply(diff, create)


# ---------------------------------------------------------------------------------------------- files


def _path_allowed(relative: str, patterns: list[str]) -> bool:
    """Whether the workspace-relative POSIX path matches one of the glob ``patterns`` (``*`` and
    ``**`` cross directories, as in ``fnmatch``; a relative pattern also matches a path's tail)."""
    return any(fnmatch.fnmatch(relative, p) or PurePosixPath(relative).match(p) for p in patterns)


class WorkspaceEditor:
    """Runs apply_patch operations on the files of ``workspace_dir`` (an existing directory).

    A path must be relative to the workspace, stay inside it (``..`` and symbolic links are
    resolved first) and match one of the glob patterns ``allowed_paths`` (default ``["**"]``: any
    file; ``["src/**", "*.md"]``: files under ``src/`` and Markdown files). Failures come back as
    ``{"status": "failed", "output": <why>}``, never as exceptions.
    """

    def __init__(self, workspace_dir: str | Path, allowed_paths: list[str] | None = None) -> None:
        self.workspace_dir = Path(workspace_dir if workspace_dir is not None else os.getcwd()).resolve()
        self.allowed_paths = allowed_paths if allowed_paths is not None else ["**"]

    def _validate_path(self, path: str) -> Path:
        """The resolved absolute path of ``path``; ValueError when it is not allowed or leaves the workspace."""
        relative = posixpath.normpath(str(path).replace("\\", "/"))
        if not _path_allowed(relative, self.allowed_paths):
            raise ValueError(f"Path {path} is not allowed by allowed_paths patterns: {self.allowed_paths}")
        if not self.workspace_dir.is_dir():
            raise ValueError(f"The workspace directory {self.workspace_dir} does not exist; create it first")
        full = (self.workspace_dir / relative).resolve()
        if not full.is_relative_to(self.workspace_dir):
            raise ValueError(f"Path {path} is outside the workspace directory {self.workspace_dir}")
        return full

    def _run(
        self, verb: str, done: str, operation: dict[str, Any], change: Callable[[Path, str], bool]
    ) -> dict[str, Any]:
        """Validate the operation's path and run ``change(full_path, diff)`` (False: the file is missing)."""
        path = operation.get("path")
        if not path:
            return {"status": "failed", "output": "Missing 'path' in operation"}
        try:
            if not change(self._validate_path(str(path)), str(operation.get("diff") or "")):
                return {"status": "failed", "output": f"Error: File not found at path '{path}'"}
        except Exception as e:  # noqa: BLE001 - reported to the model as the operation's output
            return {"status": "failed", "output": f"Error {verb} {path}: {e!s}"}
        return {"status": "completed", "output": f"{done} {path}"}

    @staticmethod
    def _create(full: Path, diff: str) -> bool:
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(apply_diff("", diff, create=True), encoding="utf-8")
        return True

    @staticmethod
    def _update(full: Path, diff: str) -> bool:
        if not full.exists():
            return False
        with full.open(encoding="utf-8", newline="") as f:  # newline="": keep the file's line ends
            text = apply_diff(f.read(), diff)
        with full.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        return True

    @staticmethod
    def _delete(full: Path, diff: str) -> bool:
        if not full.exists():
            return False
        full.unlink()
        return True

    def create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Create (or overwrite) the file with the diff's added lines, making its directories."""
        return self._run("creating", "Created", operation, self._create)

    def update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Apply the diff to an existing file."""
        return self._run("updating", "Updated", operation, self._update)

    def delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Delete an existing file."""
        return self._run("deleting", "Deleted", operation, self._delete)

    async def a_create_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`create_file` (the file work runs in a thread)."""
        return await asyncio.to_thread(self.create_file, operation)

    async def a_update_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`update_file` (the file work runs in a thread)."""
        return await asyncio.to_thread(self.update_file, operation)

    async def a_delete_file(self, operation: dict[str, Any]) -> dict[str, Any]:
        """Async :meth:`delete_file` (the file work runs in a thread)."""
        return await asyncio.to_thread(self.delete_file, operation)


# ---------------------------------------------------------------------------------------------- tool


async def _resolved(value: Any) -> Any:
    """``value``, awaited when it is awaitable (editors and approval callbacks may be either kind)."""
    return await value if inspect.isawaitable(value) else value


class ApplyPatchTool(Tool):
    """A tool running ``apply_patch`` operations (create, update or delete a file) with an editor.

    Give ``editor`` (any :class:`PatchEditor`) or ``workspace_dir`` (a :class:`WorkspaceEditor` on
    it, limited to ``allowed_paths``). With ``needs_approval``, ``on_approval(context, operation)``
    must return ``{"approve": True}`` for the operation to run. ``async_patches`` uses the editor's
    ``a_*`` methods. The tool's function takes ``(call_id, operation)`` and returns the Responses
    API's ``apply_patch_call_output`` item: ``{"type", "call_id", "status", "output"}``.
    """

    def __init__(
        self,
        *,
        editor: PatchEditor | None = None,
        workspace_dir: str | Path | None = None,
        needs_approval: bool = False,
        on_approval: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None,
        allowed_paths: list[str] | None = None,
        async_patches: bool = False,
    ) -> None:
        """Raises ValueError when neither ``editor`` nor ``workspace_dir`` is given."""
        if editor is None and workspace_dir is None:
            raise ValueError("Either 'editor' or 'workspace_dir' must be provided")
        if editor is None:
            editor = WorkspaceEditor(workspace_dir=workspace_dir, allowed_paths=allowed_paths)  # type: ignore[arg-type]
        self.editor = editor
        self.needs_approval = needs_approval
        self.on_approval = on_approval or (lambda ctx, item: {"approve": True})
        self.async_patches = async_patches

        async def apply_patch(call_id: str, operation: dict[str, Any]) -> dict[str, Any]:
            """Create, update or delete a file as ``operation`` (``type``, ``path``, ``diff``) says."""
            return {"type": "apply_patch_call_output", "call_id": call_id, **(await self._run(operation))}

        super().__init__(
            name="apply_patch_tool",
            description="Apply code patches to create, update, or delete files",
            func_or_tool=apply_patch,
        )

    async def _run(self, operation: dict[str, Any]) -> dict[str, Any]:
        """The editor's ``{"status", "output"}`` for ``operation`` (after the type and approval checks)."""
        op_type = operation.get("type")
        if op_type not in VALID_OPERATIONS:
            return {
                "status": "failed",
                "output": f"Invalid operation type: {op_type}. Must be one of {VALID_OPERATIONS}",
            }
        if self.needs_approval:
            approval = await _resolved(self.on_approval({}, operation))
            if not (approval or {}).get("approve", False):
                return {"status": "failed", "output": "Operation rejected by user"}
        method = getattr(self.editor, f"a_{op_type}" if self.async_patches else op_type)
        return dict(await _resolved(method(operation)))
