"""VenvPythonEnvironment: run scripts in a virtual environment, created on demand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from typing import Any

from .python_environment import PythonEnvironment

__all__ = ["VenvPythonEnvironment"]


def _venv_python(venv_path: str) -> str:
    if os.name == "nt":
        return os.path.join(venv_path, "Scripts", "python.exe")
    return os.path.join(venv_path, "bin", "python")


class VenvPythonEnvironment(PythonEnvironment):
    """A venv at ``venv_path`` (reused when valid, else created; a temporary one when None).

    The base interpreter is ``python_path``, else ``python<python_version>`` found on PATH, else this one.
    A temporary venv is removed when the ``with`` block ends.
    """

    def __init__(
        self, python_version: str | None = None, python_path: str | None = None, venv_path: str | None = None
    ) -> None:
        self.python_version = python_version
        self.python_path = python_path
        self.venv_path = venv_path
        self.created_venv = False
        self._executable: str | None = None
        super().__init__()

    def _base_python(self) -> str:
        if self.python_path:
            if not os.path.exists(self.python_path):
                raise RuntimeError(f"Python executable not found at: {self.python_path}")
            return self.python_path
        if self.python_version:
            current = f"{sys.version_info.major}.{sys.version_info.minor}"
            if self.python_version == current:
                return sys.executable
            found = shutil.which(f"python{self.python_version}")
            if not found:
                raise RuntimeError(f"Python {self.python_version} was not found; install it or pass python_path.")
            return found
        return sys.executable

    def _setup_environment(self) -> None:
        if self.venv_path is not None and os.access(_venv_python(self.venv_path), os.X_OK):
            self._executable = _venv_python(self.venv_path)
            return
        if self.venv_path is None:
            self.venv_path = tempfile.mkdtemp(prefix="ag2_python_env_")
        os.makedirs(self.venv_path, exist_ok=True)
        self.created_venv = True
        base = self._base_python()
        try:
            subprocess.run(
                [base, "-m", "venv", self.venv_path], check=True, capture_output=True, text=True, timeout=300
            )
        except subprocess.CalledProcessError as e:
            raise RuntimeError(f"Failed to create a virtual environment at {self.venv_path}: {e.stderr}") from e
        self._executable = _venv_python(self.venv_path)
        if not os.path.exists(self._executable):
            raise RuntimeError(f"The virtual environment at {self.venv_path} has no Python executable.")

    def _cleanup_environment(self) -> None:
        if self.created_venv and self.venv_path and os.path.isdir(self.venv_path):
            shutil.rmtree(self.venv_path, ignore_errors=True)

    def get_executable(self) -> str:
        if self._executable is None:
            raise RuntimeError("The virtual environment has not been set up.")
        return self._executable

    async def execute_code(self, code: str, script_path: str, timeout: int = 30) -> dict[str, Any]:
        executable = self.get_executable()
        if not os.path.exists(executable):
            return {"success": False, "error": f"Python executable not found at {executable}"}
        return await self._run_script(executable, code, script_path, timeout)
