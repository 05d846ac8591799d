"""Small helpers the command-line executors share: file names from code comments, pip silencing."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "FilenameOutsideWorkspaceError",
    "get_file_name_from_content",
    "resolve_in_workspace",
    "silence_pip",
]

# A first-line comment names the file: "# x", "// x", "/* x */" or "<!-- x -->", each with an
# optional "filename:" prefix.
_FILENAME_COMMENTS = [
    re.compile(r"^<!-- (filename:)?(.+?) -->", re.DOTALL),
    re.compile(r"^/\* (filename:)?(.+?) \*/", re.DOTALL),
    re.compile(r"^// (filename:)?(.+?)$", re.DOTALL),
    re.compile(r"^# (filename:)?(.+?)$", re.DOTALL),
]

_SHELL_LANGS = {"bash", "shell", "sh", "pwsh", "powershell", "ps1"}


class FilenameOutsideWorkspaceError(ValueError):
    """A code block asked to be saved to a path outside the executor's working directory."""


def _filename_comment(code: str) -> tuple[str, bool] | None:
    """The file name given by the first-line comment and whether it said ``filename:``."""
    first_line = code.split("\n", 1)[0].strip()
    for pattern in _FILENAME_COMMENTS:
        match = pattern.match(first_line)
        if match is not None:
            name = match.group(2).strip()
            if name:
                return name, match.group(1) is not None
    return None


def resolve_in_workspace(filename: str | Path, workspace: Path) -> Path:
    """Absolute path of ``filename`` taken relative to ``workspace``, symlinks resolved.

    Raises:
        FilenameOutsideWorkspaceError: the path (after resolving ``..`` and symlinks, including a
            symlink already sitting at the target) is not inside ``workspace``.
    """
    root = workspace.resolve()
    path = Path(filename)
    if not path.is_absolute():
        path = root / path
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise FilenameOutsideWorkspaceError(
            f"Filename is not in the workspace: {str(filename)!r} resolves to {str(resolved)!r}, "
            f"outside the working directory {str(root)!r}. Use a relative path inside it."
        )
    return resolved


def get_file_name_from_content(code: str, workspace_path: Path) -> str | None:
    """File name (relative to ``workspace_path``) named by the code's first-line comment, if any.

    Any leading ``# text`` comment counts, as in the original (``# compute things`` names a file
    ``compute things``).

    Raises:
        FilenameOutsideWorkspaceError (a ValueError): the name points outside ``workspace_path``.
    """
    found = _filename_comment(code)
    if found is None:
        return None
    resolved = resolve_in_workspace(found[0], workspace_path)
    return str(resolved.relative_to(workspace_path.resolve()))


# Old private name kept for code that imported it.
_get_file_name_from_content = get_file_name_from_content


def silence_pip(code: str, lang: str) -> str:
    """Add ``-qqq`` to ``pip install`` lines (``!pip install`` in Python) so installs stay quiet."""
    if lang == "python":
        regex = re.compile(r"^! ?pip install")
    elif lang in _SHELL_LANGS:
        regex = re.compile(r"^pip install")
    else:
        return code
    lines = code.split("\n")
    for i, line in enumerate(lines):
        match = regex.search(line)
        if match is not None and "-qqq" not in line:
            lines[i] = line.replace(match.group(0), match.group(0) + " -qqq", 1)
    return "\n".join(lines)
