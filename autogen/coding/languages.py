"""Which program runs which language, shared by the executors."""

from __future__ import annotations

import shutil
import subprocess
import sys

__all__ = [
    "PYTHON_VARIANTS",
    "WIN32",
    "get_powershell_command",
    "normalize_language",
    "script_command",
]

WIN32 = sys.platform == "win32"
#: Language tags the 0.2 agent path treats as Python.
PYTHON_VARIANTS = ["python", "Python", "py"]

# Lower-cased tag -> canonical language name.
_ALIASES = {"py": "python", "python3": "python", "js": "javascript", "node": "javascript"}
_POWERSHELL = {"pwsh", "powershell", "ps1"}


def normalize_language(lang: str) -> str:
    """Lower-case a language tag and map common aliases (``py``, ``python3``, ``js``) to one name."""
    lang = (lang or "").strip().lower()
    return _ALIASES.get(lang, lang)


def installed_powershell() -> str | None:
    """``pwsh`` or ``powershell`` if one is on PATH, else None (a PATH lookup, nothing is run)."""
    for name in ("pwsh", "powershell"):
        if shutil.which(name):
            return name
    return None


def get_powershell_command() -> str | None:
    """The PowerShell command that works here: ``"powershell"`` (tried first) or ``"pwsh"``.

    Each candidate is run once to print its version. Returns None when ``powershell`` exists but
    fails to run. Raises FileNotFoundError when neither is installed, PermissionError when
    ``powershell`` may not be run.
    """
    try:
        done = subprocess.run(
            ["powershell", "$PSVersionTable.PSVersion.Major"], capture_output=True, text=True, check=False
        )
    except (FileNotFoundError, NotADirectoryError):
        pass  # no Windows PowerShell: try PowerShell 7
    except PermissionError as e:
        raise PermissionError("No permission to run powershell.") from e
    else:
        return "powershell" if done.returncode == 0 else None
    try:
        done = subprocess.run(
            ["pwsh", "-Command", "$PSVersionTable.PSVersion.Major"], capture_output=True, text=True, check=False
        )
    except (FileNotFoundError, NotADirectoryError) as e:
        raise FileNotFoundError(
            "Neither powershell nor pwsh is installed (or on PATH). Install PowerShell and try again."
        ) from e
    return "pwsh" if done.returncode == 0 else None


def script_command(lang: str, script: str, *, python_executable: str | None = None) -> list[str]:
    """Command line that runs the file ``script`` written in the (normalized) language ``lang``.

    Python runs with ``python_executable`` (default: this interpreter) directly, no shell in
    between. Raises ``FileNotFoundError`` when PowerShell is asked for but not installed and
    ``ValueError`` for a language no program is known for.
    """
    if lang == "python":
        return [python_executable or sys.executable, script]
    if lang in ("sh", "shell"):
        return ["sh", script]
    if lang == "bash":
        return ["bash", script]
    if lang in _POWERSHELL:
        program = installed_powershell()
        if program is None:
            raise FileNotFoundError(
                "PowerShell is not installed (neither 'pwsh' nor 'powershell' is on PATH); "
                "install PowerShell or use a python/sh block."
            )
        return [program, "-NoProfile", "-NonInteractive", "-File", script]
    if lang == "javascript":
        return ["node", script]
    raise ValueError(f"no program is known to run {lang!r} code")
