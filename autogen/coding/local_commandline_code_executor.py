"""Run code blocks as scripts on this machine, one subprocess per block."""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Callable
from hashlib import md5
from pathlib import Path
from string import Template
from types import SimpleNamespace
from typing import Any, ClassVar

from .base import CodeBlock, CodeExecutor, CodeExtractor, CommandLineCodeResult
from .func_with_reqs import FunctionWithRequirements, FunctionWithRequirementsStr, build_python_functions_file, to_stub
from .languages import WIN32, normalize_language, script_command
from .markdown_code_extractor import MarkdownCodeExtractor
from .process import run_process
from .utils import FilenameOutsideWorkspaceError, _filename_comment, resolve_in_workspace, silence_pip

__all__ = ["LocalCommandLineCodeExecutor"]

logger = logging.getLogger(__name__)

TIMEOUT_MSG = "Timeout"
#: Exit code reported for a block killed at the timeout (as GNU ``timeout`` does).
TIMEOUT_EXIT_CODE = 124

_DANGEROUS_SHELL_PATTERNS = [
    (re.compile(r"\brm\s+-rf\b"), "Use of 'rm -rf' command is not allowed."),
    (re.compile(r"\bmv\b.*?\s+/dev/null"), "Moving files to /dev/null is not allowed."),
    (re.compile(r"\bdd\b"), "Use of 'dd' command is not allowed."),
    (re.compile(r">\s*/dev/sd[a-z][1-9]?"), "Overwriting disk blocks directly is not allowed."),
    (re.compile(r":\(\)\{\s*:\|\:&\s*\};:"), "Fork bombs are not allowed."),
]


class LocalCommandLineCodeExecutor(CodeExecutor):
    """Saves each code block to a file in ``work_dir`` and runs it with the matching interpreter.

    **This runs model-written code on this machine with your permissions.** Use a container
    (``DockerCommandLineCodeExecutor``) or a sandbox for untrusted code.

    Python runs with this interpreter (or ``virtual_env_context``'s), shell blocks with ``sh`` /
    ``bash``, PowerShell blocks with ``pwsh`` when installed. JavaScript, HTML and CSS are only
    saved by default (see ``execution_policies``). A first-line comment such as
    ``# filename: app.py`` names the file; it must stay inside ``work_dir``. At ``timeout`` the
    block and everything it started are killed and the result has exit code 124 and ``Timeout``
    in the output. Very long output is truncated (head and tail kept) so memory stays bounded.

    Nothing a block starts outlives it: when the block's main process exits, its background
    children and daemons (even ones in a new session or double-forked) are killed before the
    result is returned. On Linux each block runs under a small supervisor that is a child
    subreaper, so orphaned daemons are re-parented to it and found; elsewhere (or if that
    supervisor cannot start) the block's process group and session are killed. Pass ``kill_background_processes=False`` to let
    background processes keep running after the block (a timeout still kills the block's
    process group and session).

    ``functions`` are written to ``<work_dir>/<functions_module>.py`` before the first block runs,
    so generated code can ``from functions import my_function``.
    """

    SUPPORTED_LANGUAGES: ClassVar[list[str]] = [
        "bash",
        "shell",
        "sh",
        "pwsh",
        "powershell",
        "ps1",
        "python",
        "javascript",
        "html",
        "css",
    ]
    DEFAULT_EXECUTION_POLICY: ClassVar[dict[str, bool]] = {
        "bash": True,
        "shell": True,
        "sh": True,
        "pwsh": True,
        "powershell": True,
        "ps1": True,
        "python": True,
        "javascript": False,
        "html": False,
        "css": False,
    }
    FUNCTION_PROMPT_TEMPLATE: ClassVar[str] = (
        "The following functions are ready to use from Python code: import them from the module "
        "`$module_name` by name.\n\n"
        "For instance, a function named `foo` is imported with `from $module_name import foo`.\n\n"
        "$functions"
    )

    def __init__(
        self,
        timeout: int = 60,
        virtual_env_context: SimpleNamespace | None = None,
        work_dir: Path | str = Path("."),
        functions: list[FunctionWithRequirements[Any, Any] | Any | FunctionWithRequirementsStr] = [],  # noqa: B006
        functions_module: str = "functions",
        execution_policies: dict[str, bool] | None = None,
        kill_background_processes: bool = True,
    ) -> None:
        """Create the executor; ``work_dir`` is created if missing (its parent must exist).

        ``kill_background_processes`` (default True) kills every process a block started when
        the block ends; False keeps them running (e.g. a server the next block talks to).

        Raises:
            ValueError: ``timeout`` is below 1 second or ``functions_module`` is not an identifier.
        """
        if timeout < 1:
            raise ValueError(f"Timeout must be greater than or equal to 1 second, got {timeout!r}.")
        if not isinstance(functions_module, str) or not functions_module.isidentifier():
            raise ValueError(f"functions_module must be a valid Python identifier, got {functions_module!r}.")
        work_dir = Path(work_dir)
        work_dir.mkdir(exist_ok=True)

        self._timeout = timeout
        self._work_dir = work_dir
        self._virtual_env_context = virtual_env_context
        # Blocks run with cwd=work_dir: a venv given by a relative path is resolved against the cwd now.
        self._venv_python = os.path.abspath(virtual_env_context.env_exe) if virtual_env_context is not None else None
        self._kill_background_processes = kill_background_processes
        self._functions = list(functions)
        self._functions_module = functions_module
        # Installing requirements can be slow, so it waits for the first block.
        self._setup_functions_complete = not self._functions
        self.execution_policies = self.DEFAULT_EXECUTION_POLICY.copy()
        if execution_policies is not None:
            self.execution_policies.update({k.lower(): v for k, v in execution_policies.items()})

    # ------------------------------------------------------------------ properties
    @property
    def timeout(self) -> int:
        """Seconds a single block may run before it is killed."""
        return self._timeout

    @property
    def kill_background_processes(self) -> bool:
        """Whether processes a block started are killed when the block ends."""
        return self._kill_background_processes

    @property
    def work_dir(self) -> Path:
        """Directory where code files are written and run."""
        return self._work_dir

    @property
    def functions(self) -> list[Any]:
        """The user functions offered to generated code."""
        return self._functions

    @property
    def functions_module(self) -> str:
        """Name of the module generated code imports the functions from."""
        return self._functions_module

    @property
    def code_extractor(self) -> CodeExtractor:
        """A Markdown fenced-block extractor."""
        return MarkdownCodeExtractor()

    # ------------------------------------------------------------------ functions
    def format_functions_for_prompt(self, prompt_template: str = FUNCTION_PROMPT_TEMPLATE) -> str:
        """Describe the available functions for a prompt.

        ``prompt_template`` may use ``$module_name`` and ``$functions`` (the function stubs,
        separated by blank lines).
        """
        return Template(prompt_template).substitute(
            module_name=self._functions_module,
            functions="\n\n".join(to_stub(f) for f in self._functions),
        )

    def _python_executable(self) -> str:
        return self._venv_python or sys.executable

    def _env(self, work_dir: Path) -> dict[str, str]:
        env = os.environ.copy()
        if self._virtual_env_context is not None:
            bin_path = os.path.abspath(self._virtual_env_context.bin_path)
            env["PATH"] = bin_path + os.pathsep + env.get("PATH", "")
            env["VIRTUAL_ENV"] = os.path.abspath(
                getattr(self._virtual_env_context, "env_dir", os.path.dirname(bin_path))
            )
        if self._functions:
            # A block saved in a sub-folder (# filename: pkg/x.py) must still find the module.
            env["PYTHONPATH"] = str(work_dir) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        # Output is decoded as UTF-8; ask Python children to write it that way.
        env.setdefault("PYTHONIOENCODING", "utf-8")
        return env

    def _setup_functions(self) -> None:
        work_dir = self._work_dir.resolve()
        source = build_python_functions_file(self._functions)
        (work_dir / f"{self._functions_module}.py").write_text(source, encoding="utf-8")

        packages = sorted(
            {
                pkg
                for f in self._functions
                if isinstance(f, (FunctionWithRequirements, FunctionWithRequirementsStr))
                for pkg in f.python_packages
            }
        )
        env = self._env(work_dir)
        if packages:
            logger.info("Installing packages required by the executor's functions: %s", ", ".join(packages))
            outcome = run_process(
                [self._python_executable(), "-m", "pip", "install", "-qqq", *packages],
                cwd=work_dir,
                env=env,
                timeout=float(self._timeout),
                kill_background_processes=self._kill_background_processes,
            )
            if outcome.timed_out:
                raise ValueError(f"Pip install of {packages} timed out after {self._timeout} s.")
            if outcome.returncode != 0:
                raise ValueError(f"Pip install failed. {outcome.stdout}, {outcome.stderr}")

        # Import the module once so a syntax error or a missing import shows up now, clearly.
        outcome = run_process(
            [self._python_executable(), "-c", f"import {self._functions_module}"],
            cwd=work_dir,
            env=env,
            timeout=float(self._timeout),
            kill_background_processes=self._kill_background_processes,
        )
        if outcome.timed_out or outcome.returncode != 0:
            detail = "timed out" if outcome.timed_out else outcome.stderr + outcome.stdout
            raise ValueError(f"Functions failed to load: {detail}")
        self._setup_functions_complete = True

    # ------------------------------------------------------------------ execution
    @staticmethod
    def sanitize_command(lang: str, code: str) -> None:
        """Refuse shell code with obviously destructive commands (a baseline, not a sandbox).

        Raises:
            ValueError: the code matches a dangerous pattern (``rm -rf``, ``dd``, fork bomb...).
        """
        if lang in ("bash", "shell", "sh"):
            for pattern, message in _DANGEROUS_SHELL_PATTERNS:
                if pattern.search(code):
                    raise ValueError(f"Potentially dangerous command detected: {message}")

    def execute_code_blocks(self, code_blocks: list[CodeBlock]) -> CommandLineCodeResult:
        """Run the blocks in order, stopping at the first failure.

        The output is each executed block's stderr followed by its stdout. Problems with the code
        (unknown language, file outside ``work_dir``, missing interpreter, timeout) are reported
        in the result; ``ValueError`` is raised only for dangerous shell commands and when the
        ``functions`` module cannot be set up.
        """
        if not self._setup_functions_complete:
            self._setup_functions()
        return self._execute_code_dont_check_setup(code_blocks)

    def _execute_code_dont_check_setup(self, code_blocks: list[CodeBlock]) -> CommandLineCodeResult:
        return _run_saved_blocks(
            code_blocks,
            self._work_dir.resolve(),
            supported_languages=self.SUPPORTED_LANGUAGES,
            execution_policies=self.execution_policies,
            target_path=self._target_path,
            prepare=self._prepare_block,
            run=self._run_script,
        )

    def _prepare_block(self, lang: str, code: str) -> tuple[str, str]:
        self.sanitize_command(lang, code)
        code = silence_pip(code, lang)
        if WIN32 and lang in ("sh", "shell"):
            lang = "ps1"
        return lang, code

    def _run_script(self, lang: str, path: Path, work_dir: Path) -> tuple[str, int]:
        try:
            cmd = script_command(lang, str(path), python_executable=self._python_executable())
            outcome = run_process(
                cmd,
                cwd=work_dir,
                env=self._env(work_dir),
                timeout=float(self._timeout),
                kill_background_processes=self._kill_background_processes,
            )
        except OSError as e:
            return f"\nCannot run {lang} code: {e}", 1
        output = outcome.stderr + outcome.stdout
        if outcome.timed_out:
            return output + _timeout_note(self._timeout), TIMEOUT_EXIT_CODE
        return output, outcome.returncode if outcome.returncode is not None else 1

    def _target_path(self, code: str, lang: str, work_dir: Path) -> Path:
        """Where to save ``code``: the first-line comment's file name, else ``tmp_code_<md5>``."""
        return _script_path(code, lang, work_dir)

    def restart(self) -> None:
        """Nothing to restart: every block runs in a fresh process. Only warns."""
        warnings.warn(
            "Restarting the local command line code executor is not supported. No action is taken.", stacklevel=2
        )


def _script_path(code: str, lang: str, work_dir: Path) -> Path:
    """Where to save ``code``: the first-line comment's file name, else ``tmp_code_<md5>``."""
    named = _filename_comment(code)
    if named is not None:
        return resolve_in_workspace(named[0], work_dir)
    digest = md5(code.encode("utf-8", errors="replace")).hexdigest()
    extension = "py" if lang == "python" else lang
    return work_dir / f"tmp_code_{digest}.{extension}"


def _timeout_note(timeout: int) -> str:
    """What a block killed at ``timeout`` seconds adds to its output."""
    return "\n" + TIMEOUT_MSG + f" (the code ran longer than {timeout} s and was stopped)"


def _run_saved_blocks(
    code_blocks: list[CodeBlock],
    work_dir: Path,
    *,
    supported_languages: list[str],
    execution_policies: dict[str, bool],
    target_path: Callable[[str, str, Path], Path],
    prepare: Callable[[str, str], tuple[str, str]],
    run: Callable[[str, Path, Path], tuple[str, int]],
) -> CommandLineCodeResult:
    """Save each block to a file and run it, stopping at the first failure (the local and Docker loop).

    ``prepare(lang, code)`` checks and rewrites a block before it is saved; ``run(lang, path,
    work_dir)`` runs a saved file and returns its output (stderr then stdout) and exit code.
    """
    logs = ""
    exit_code = 0
    written: list[Path] = []

    def result(code: int, output: str) -> CommandLineCodeResult:
        return CommandLineCodeResult(exit_code=code, output=output, code_file=str(written[0]) if written else None)

    for block in code_blocks:
        lang, code = prepare(normalize_language(block.language), block.code)
        if lang not in supported_languages:
            hint = "" if lang else " (the code block has no language tag; tag it, e.g. ```python or ```sh)"
            logs += f"\nunknown language {lang}{hint}"
            exit_code = 1
            break
        if not code.strip():
            logs += "Empty code block: nothing to execute.\n"
            continue

        try:
            path = target_path(code, lang, work_dir)
        except FilenameOutsideWorkspaceError as e:
            return result(1, logs + str(e))
        write_error = _write_code_file(path, code)
        if write_error is not None:
            return result(1, logs + write_error)
        written.append(path)

        if not execution_policies.get(lang, False):
            logs += f"Code saved to {path}\n"
            continue

        output, exit_code = run(lang, path, work_dir)
        logs += output
        if exit_code != 0:
            break

    return result(exit_code, logs)


def _write_code_file(path: Path, code: str) -> str | None:
    """Write ``code`` to ``path`` (already checked to be in the workspace); error text or None."""
    if path.is_dir():
        return f"Cannot save the code to {str(path)!r}: it is a directory. Name a file instead."
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: never write through a symlink planted at the target after the check.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="") as f:
            f.write(code)
    except OSError as e:
        return f"Cannot save the code to {str(path)!r}: {e}"
    return None


# pyautogen 0.2's old spellings, still imported from this module by old scripts.
LocalCommandlineCodeExecutor = LocalCommandLineCodeExecutor
CommandlineCodeResult = CommandLineCodeResult
