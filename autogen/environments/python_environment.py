"""PythonEnvironment: the base of the places generated Python code runs."""

from __future__ import annotations

import subprocess
from abc import ABC, abstractmethod
from contextvars import ContextVar, Token
from typing import Any

__all__ = ["PythonEnvironment"]


class PythonEnvironment(ABC):
    """An interpreter to run scripts with; ``with env:`` makes it the current one (set up at construction)."""

    _current_python_environment: ContextVar[PythonEnvironment] = ContextVar("_current_python_environment")

    def __init__(self) -> None:
        self._token: Token[PythonEnvironment] | None = None
        self._setup_environment()

    def __enter__(self) -> PythonEnvironment:  # noqa: PYI034 - typing.Self needs 3.11
        self._token = PythonEnvironment._current_python_environment.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            PythonEnvironment._current_python_environment.reset(self._token)
            self._token = None
        self._cleanup_environment()

    @abstractmethod
    def _setup_environment(self) -> None:
        """Prepare the environment."""

    @abstractmethod
    def _cleanup_environment(self) -> None:
        """Release what the environment created."""

    @abstractmethod
    def get_executable(self) -> str:
        """The Python executable of this environment."""

    @abstractmethod
    async def execute_code(self, code: str, script_path: str, timeout: int = 30) -> dict[str, Any]:
        """Write ``code`` to ``script_path`` and run it.

        Returns ``{"success", "stdout", "stderr", "returncode"}``, or ``{"success": False, "error": ...}``
        when it could not run (including a timeout).
        """

    def _write_to_file(self, script_path: str, content: str) -> None:
        with open(script_path, "w", encoding="utf-8") as f:
            f.write(content)

    def _run_subprocess(self, cmd: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, encoding="utf-8", errors="replace", check=False
        )

    @classmethod
    def get_current_python_environment(
        cls, python_environment: PythonEnvironment | None = None
    ) -> PythonEnvironment | None:
        """``python_environment`` if given, else the one whose block is active, else None."""
        if python_environment is not None:
            return python_environment
        return cls._current_python_environment.get(None)

    async def _run_script(self, executable: str, code: str, script_path: str, timeout: int) -> dict[str, Any]:
        """Shared body of the local environments' ``execute_code``."""
        import asyncio
        import os

        try:
            directory = os.path.dirname(script_path)
            if directory:
                os.makedirs(directory, exist_ok=True)
            await asyncio.to_thread(self._write_to_file, script_path, code)
            try:
                result = await asyncio.to_thread(self._run_subprocess, [executable, script_path], timeout)
            except subprocess.TimeoutExpired:
                return {"success": False, "error": f"Execution timed out after {timeout} seconds"}
            return {
                "success": result.returncode == 0,
                "stdout": result.stdout,
                "stderr": result.stderr,
                "returncode": result.returncode,
            }
        except Exception as e:  # noqa: BLE001 - reported to the model as a failed run
            return {"success": False, "error": f"Execution error: {e}"}
