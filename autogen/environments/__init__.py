"""Where generated Python runs: the system interpreter, a virtual environment or a Docker container,
and the working directory it runs in. Each is a context manager that makes itself the current one."""

from .docker_python_environment import DockerPythonEnvironment
from .python_environment import PythonEnvironment
from .system_python_environment import SystemPythonEnvironment
from .venv_python_environment import VenvPythonEnvironment
from .working_directory import WorkingDirectory

__all__ = [
    "DockerPythonEnvironment",
    "PythonEnvironment",
    "SystemPythonEnvironment",
    "VenvPythonEnvironment",
    "WorkingDirectory",
]
