"""Build a code executor from an agent's ``code_execution_config``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import CodeExecutor

__all__ = ["CodeExecutorFactory"]

# Executors this version does not ship yet: name -> what to use meanwhile.
_NOT_YET_AVAILABLE = {
    "docker": "DockerCommandLineCodeExecutor",
    "commandline-docker": "DockerCommandLineCodeExecutor",
    "jupyter": "JupyterCodeExecutor",
    "ipython-embedded": "EmbeddedIPythonCodeExecutor",
}
_THIRD_PARTY = {"yepcode": "yepcode", "remyx": "remyx", "daytona": "daytona"}


class CodeExecutorFactory:
    """Creates the executor named by ``config["executor"]``."""

    @staticmethod
    def create(code_execution_config: Mapping[str, Any]) -> CodeExecutor:
        """Return ``config["executor"]`` if it is an executor, else build the named one.

        ``"local"`` / ``"commandline-local"`` build a :class:`LocalCommandLineCodeExecutor` from the
        keyword arguments in ``config["commandline-local"]`` (or ``config["local"]``).

        Raises:
            ValueError: no executor, an unknown name, or one not available in this version.
        """
        executor = code_execution_config.get("executor")
        if isinstance(executor, CodeExecutor):
            return executor
        if executor in ("commandline-local", "local"):
            from .local_commandline_code_executor import LocalCommandLineCodeExecutor

            kwargs = code_execution_config.get("commandline-local", code_execution_config.get("local", {})) or {}
            return LocalCommandLineCodeExecutor(**dict(kwargs))
        if executor in _NOT_YET_AVAILABLE:
            raise ValueError(
                f"The {executor!r} code executor ({_NOT_YET_AVAILABLE[executor]}) is not available yet in this "
                'version of autogen. Use {"executor": "commandline-local"} (LocalCommandLineCodeExecutor) '
                "meanwhile, or pass an executor instance as config['executor']."
            )
        if executor in _THIRD_PARTY:
            raise ValueError(
                f"The {executor!r} code executor is a third-party integration that this version of autogen does not "
                'include. Use {"executor": "commandline-local"} or pass a CodeExecutor instance.'
            )
        if executor is None:
            raise ValueError(
                "code_execution_config has no 'executor': give a CodeExecutor instance or one of "
                "'commandline-local', 'local'."
            )
        raise ValueError(
            f"Unknown code executor {executor!r}: give a CodeExecutor instance or one of 'commandline-local', 'local'."
        )
