"""PythonCodeExecutionTool: the model sends Python code, the tool runs it in a PythonEnvironment."""

from __future__ import annotations

import os
import tempfile
from typing import Annotated, Any

from pydantic import BaseModel, Field

from ....environments.python_environment import PythonEnvironment
from ....environments.working_directory import WorkingDirectory
from ...tool import Tool

__all__ = ["PythonCodeExecutionTool"]


class CodeExecutionRequest(BaseModel):
    """What the model sends: the code, and libraries it would like (not installed by this tool)."""

    code: Annotated[str, Field(description="Python code to execute")]
    libraries: Annotated[list[str], Field(description="List of libraries to install before execution")]


class PythonCodeExecutionTool(Tool):
    """Run Python code in a PythonEnvironment and return its stdout, stderr and exit code.

    The environment and working directory are the ones given, else those of the enclosing ``with`` blocks.
    **Caution**: a system or venv environment runs the code on this machine.
    """

    def __init__(
        self,
        *,
        timeout: int = 30,
        working_directory: WorkingDirectory | None = None,
        python_environment: PythonEnvironment | None = None,
    ) -> None:
        """Create the tool.

        Args:
            timeout: seconds a run may take before it is reported as timed out.
            working_directory: where the script is written (default: the active WorkingDirectory).
            python_environment: where the script runs (default: the active PythonEnvironment).
        """
        self.timeout = timeout
        self.working_directory = WorkingDirectory.get_current_working_directory(working_directory)
        environment = PythonEnvironment.get_current_python_environment(python_environment)
        assert self.working_directory, "No Working directory found"
        assert environment, "No Python environment found"
        self.python_environment = environment

        async def execute_python_code(
            code_execution_request: Annotated[CodeExecutionRequest, "Python code and the libraries required"],
        ) -> dict[str, Any]:
            """Executes Python code in the attached environment and returns the result."""
            script_path = os.path.join(self._get_script_directory(), "script.py")
            return await self.python_environment.execute_code(
                code=code_execution_request.code, script_path=script_path, timeout=self.timeout
            )

        super().__init__(
            name="python_execute_code",
            description="Executes Python code and returns the result.",
            func_or_tool=execute_python_code,
        )

    def _get_script_directory(self) -> str:
        """The working directory (created if needed), else a new temporary folder."""
        path = getattr(self.working_directory, "path", None)
        if path:
            os.makedirs(path, exist_ok=True)
            return path
        return tempfile.mkdtemp(prefix="ag2_script_dir_")
