"""SystemPythonEnvironment: run scripts with this machine's Python (by default the running interpreter)."""

from __future__ import annotations

import os
import sys
from typing import Any

from .python_environment import PythonEnvironment

__all__ = ["SystemPythonEnvironment"]


class SystemPythonEnvironment(PythonEnvironment):
    """Runs code with ``executable`` (default ``sys.executable``) in a subprocess. No isolation."""

    def __init__(self, executable: str | None = None) -> None:
        self._executable = executable or sys.executable
        super().__init__()

    def _setup_environment(self) -> None:
        if not os.path.exists(self._executable):
            raise RuntimeError(f"Python executable not found at: {self._executable}")

    def _cleanup_environment(self) -> None:
        pass

    def get_executable(self) -> str:
        return self._executable

    async def execute_code(self, code: str, script_path: str, timeout: int = 30) -> dict[str, Any]:
        if not os.path.exists(self._executable):
            return {"success": False, "error": f"Python executable not found at {self._executable}"}
        return await self._run_script(self._executable, code, script_path, timeout)
