"""Turning the messages a Jupyter kernel sends for one cell into a result (shared by both executors).

Kernel messages (``stream``, ``execute_result``, ``display_data``, ``error``, ``status``) are
collected by :class:`CellCollector`; :func:`render_result` then writes rich data (images, HTML,
JSON...) to files and builds the text an agent sees.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base import CodeBlock, IPythonCodeResult
from ..local_commandline_code_executor import TIMEOUT_EXIT_CODE, TIMEOUT_MSG
from ..utils import silence_pip

__all__ = [
    "CellCollector",
    "DataItem",
    "ExecutionResult",
    "render_result",
    "run_python_blocks",
    "save_data_item",
    "strip_ansi",
]

# Block tags a Jupyter executor runs; an untagged block is taken for Python.
PYTHON_TAGS = ("python", "python3", "py", "ipython", "")
# Shell blocks run in the (IPython) kernel too: as "!command" lines, or as a %%bash cell.
SHELL_TAGS = ("bash", "sh", "shell")

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# mime type -> (file extension, how the data arrives, label in the output)
_SAVED_MIME_TYPES = {
    "image/png": ("png", "base64", "Image"),
    "image/jpeg": ("jpg", "base64", "Image"),
    "image/gif": ("gif", "base64", "Image"),
    "image/svg+xml": ("svg", "text", "Image"),
    "text/html": ("html", "text", "HTML"),
    "application/json": ("json", "json", "JSON"),
    "application/pdf": ("pdf", "base64", "PDF"),
}


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes (IPython tracebacks are coloured)."""
    return _ANSI.sub("", text)


@dataclass
class DataItem:
    """One rich output of a cell: its mime type and the data as the kernel sent it."""

    mime_type: str
    data: Any


@dataclass
class ExecutionResult:
    """What one cell produced.

    ``output`` is the cell's text (streams, ``text/plain`` results, the error); ``data_items`` its
    rich outputs in order. ``timed_out`` / ``kernel_died`` tell why a cell did not finish.
    """

    is_ok: bool
    output: str
    data_items: list[DataItem] = field(default_factory=list)
    timed_out: bool = False
    kernel_died: bool = False


class CellCollector:
    """Accumulates the kernel messages that belong to one ``execute_request``."""

    def __init__(self, msg_id: str) -> None:
        self.msg_id = msg_id
        self.texts: list[str] = []
        self.data_items: list[DataItem] = []
        self.error: str | None = None
        self.done = False
        self.kernel_died = False

    def feed(self, msg: dict[str, Any]) -> bool:
        """Take one kernel message; return True once the cell is finished (kernel idle again)."""
        msg_type = msg.get("header", {}).get("msg_type") or msg.get("msg_type")
        content = msg.get("content") or {}
        parent = (msg.get("parent_header") or {}).get("msg_id")
        if msg_type == "status" and content.get("execution_state") in ("restarting", "dead"):
            # Sent by the server (no parent) when the kernel process died and was (or could not be) restarted.
            self.kernel_died = True
            self.done = True
            return True
        if parent != self.msg_id:
            return False
        if msg_type == "stream":
            self.texts.append(content.get("text", ""))
        elif msg_type in ("execute_result", "display_data"):
            self._add_bundle(content.get("data") or {})
        elif msg_type == "error" and self.error is None:
            trace = strip_ansi("\n".join(content.get("traceback") or []))
            self.error = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}" + (
                f"\n{trace}" if trace else ""
            )
        elif msg_type == "execute_reply" and content.get("status") == "error" and self.error is None:
            self.error = f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"
        elif msg_type == "status" and content.get("execution_state") == "idle":
            self.done = True
        return self.done

    def _add_bundle(self, bundle: dict[str, Any]) -> None:
        for mime, data in bundle.items():
            if mime == "text/plain":
                self.texts.append(str(data).rstrip("\n") + "\n")
            else:
                self.data_items.append(DataItem(mime, data))

    def result(self, *, timed_out: bool = False) -> ExecutionResult:
        """The cell's :class:`ExecutionResult` (so far, when it did not finish)."""
        output = "".join(self.texts)
        # An interrupt at the timeout raises KeyboardInterrupt in the cell: that error is ours, not the code's.
        if self.error is not None and not timed_out:
            output += ("\n" if output and not output.endswith("\n") else "") + "ERROR: " + self.error
        ok = self.error is None and not timed_out and not self.kernel_died
        return ExecutionResult(ok, output, list(self.data_items), timed_out=timed_out, kernel_died=self.kernel_died)


def save_data_item(item: DataItem, output_dir: Path | str) -> tuple[str, str | None]:
    """Write one rich output to ``output_dir``; (line for the agent, file path or None).

    Images, HTML, SVG, JSON and PDF go to ``<uuid>.<ext>``; other mime types are included as
    JSON text, as the original executors did.
    """
    known = _SAVED_MIME_TYPES.get(item.mime_type)
    if known is None:
        return json.dumps({item.mime_type: item.data}, default=str), None
    extension, encoding, label = known
    path = Path(output_dir) / f"{uuid.uuid4().hex}.{extension}"
    if encoding == "base64":
        path.write_bytes(base64.b64decode(item.data))
    elif encoding == "json":
        path.write_text(json.dumps(item.data, indent=2, default=str), encoding="utf-8")
    else:
        text = item.data if isinstance(item.data, str) else "".join(item.data)
        path.write_text(text, encoding="utf-8")
    return f"{label} data saved to {path}", str(path)


def render_result(results: list[ExecutionResult], output_dir: Path | str, timeout: float) -> IPythonCodeResult:
    """Combine the results of consecutive cells (the last one may have failed) into one result."""
    lines: list[str] = []
    files: list[str] = []
    for res in results:
        if res.output:
            lines.append(res.output.rstrip("\n"))
        for item in res.data_items:
            line, path = save_data_item(item, output_dir)
            lines.append(line)
            if path is not None:
                files.append(path)
    last = results[-1] if results else None
    if last is None or last.is_ok:
        return IPythonCodeResult(exit_code=0, output="\n".join(lines), output_files=files)
    if last.timed_out:
        lines.append(
            f"ERROR: {TIMEOUT_MSG} waiting for output from the code block (it ran longer than {timeout:g} s); "
            "it was interrupted, the kernel and its variables are kept."
        )
        return IPythonCodeResult(exit_code=TIMEOUT_EXIT_CODE, output="\n".join(lines), output_files=files)
    if last.kernel_died:
        lines.append(
            "ERROR: The kernel died while running the code block (e.g. it crashed or ran out of memory). "
            "It was restarted: variables, imports and definitions from earlier blocks are gone."
        )
        return IPythonCodeResult(exit_code=1, output="\n".join(lines), output_files=files)
    # A failed cell's output already ends with "ERROR: <name>: <message>" and the traceback.
    return IPythonCodeResult(exit_code=1, output="\n".join(lines), output_files=files)


def _shell_cell(code: str) -> str:
    """A shell block as IPython code: kept as it is when every line is already "!command", else a %%bash cell."""
    lines = [line for line in code.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("!") for line in lines):
        return code
    return "%%bash\n" + code


def run_python_blocks(
    code_blocks: list[CodeBlock],
    run_cell: Callable[[str], ExecutionResult],
    output_dir: Path | str,
    timeout: float,
) -> IPythonCodeResult:
    """Run Python (and shell) blocks one after another with ``run_cell``, stopping at the first failure."""
    results: list[ExecutionResult] = []
    for block in code_blocks:
        language = block.language.strip().lower()
        if language in PYTHON_TAGS:
            code = silence_pip(block.code, "python")
        elif language in SHELL_TAGS:
            code = _shell_cell(silence_pip(block.code, "bash"))
        else:
            results.append(
                ExecutionResult(
                    False, f"ERROR: unsupported language {block.language!r}: only Python and shell blocks run here."
                )
            )
            break
        result = run_cell(code)
        results.append(result)
        if not result.is_ok:
            break
    return render_result(results, output_dir, timeout)
