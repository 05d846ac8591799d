"""Build a code executor from an agent's ``code_execution_config``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import CodeExecutor

__all__ = ["CodeExecutorFactory"]

_THIRD_PARTY = {"yepcode": "yepcode", "remyx": "remyx", "daytona": "daytona"}


class CodeExecutorFactory:
    """Creates the executor named by ``config["executor"]``."""

    @staticmethod
    def create(code_execution_config: Mapping[str, Any]) -> CodeExecutor:
        """Return ``config["executor"]`` if it is an executor, else build the named one.

        Names and the executor they build from the keyword arguments in ``config[<name>]``:
        ``"commandline-local"`` / ``"local"`` → :class:`LocalCommandLineCodeExecutor`;
        ``"docker"`` / ``"commandline-docker"`` → :class:`DockerCommandLineCodeExecutor`;
        ``"sandbox"`` / ``"commandline-sandbox"`` → :class:`SandboxedLocalCommandLineCodeExecutor`;
        ``"ipython-embedded"`` → :class:`EmbeddedIPythonCodeExecutor`;
        ``"jupyter"`` → :class:`JupyterCodeExecutor` (without a ``jupyter_server`` entry a
        :class:`LocalJupyterServer` is started and stopped with the executor).

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
        if executor in ("docker", "commandline-docker"):
            from .docker_commandline_code_executor import DockerCommandLineCodeExecutor

            return DockerCommandLineCodeExecutor(
                **_kwargs(code_execution_config, executor, "docker", "commandline-docker")
            )
        if executor in ("sandbox", "commandline-sandbox"):
            from .sandbox import SandboxedLocalCommandLineCodeExecutor

            return SandboxedLocalCommandLineCodeExecutor(
                **_kwargs(code_execution_config, executor, "sandbox", "commandline-sandbox")
            )
        if executor == "ipython-embedded":
            from .jupyter.embedded_ipython_code_executor import EmbeddedIPythonCodeExecutor

            return EmbeddedIPythonCodeExecutor(**_kwargs(code_execution_config, executor))
        if executor == "jupyter":
            return _jupyter_executor(_kwargs(code_execution_config, executor))
        if executor in _THIRD_PARTY:
            raise ValueError(
                f"The {executor!r} code executor is a third-party integration that this version of autogen does not "
                'include. Use {"executor": "commandline-local"} or pass a CodeExecutor instance.'
            )
        if executor is None:
            raise ValueError(
                f"Unknown code executor None: code_execution_config has no 'executor'; give a CodeExecutor instance "
                f"or one of {_NAMES}."
            )
        raise ValueError(f"Unknown code executor {executor}: give a CodeExecutor instance or one of {_NAMES}.")


_NAMES = "'commandline-local', 'docker', 'sandbox', 'ipython-embedded', 'jupyter'"


def _kwargs(config: Mapping[str, Any], name: str, *keys: str) -> dict[str, Any]:
    """The constructor keyword arguments for executor ``name``: the first of ``keys`` present."""
    for key in keys or (name,):
        if config.get(key) is not None:
            value = config[key]
            if not isinstance(value, Mapping):
                raise ValueError(
                    f"code_execution_config[{key!r}] must be a dict of keyword arguments for the {name!r} executor, "
                    f"not {type(value).__name__}."
                )
            return dict(value)
    return {}


def _jupyter_executor(kwargs: dict[str, Any]) -> CodeExecutor:
    from .jupyter.jupyter_code_executor import JupyterCodeExecutor
    from .jupyter.local_jupyter_server import LocalJupyterServer

    if kwargs.get("jupyter_server") is not None:
        return JupyterCodeExecutor(**kwargs)
    server = LocalJupyterServer()
    try:
        executor = JupyterCodeExecutor(server, **kwargs)
    except BaseException:
        server.stop()
        raise
    executor._owned_server = server  # stopped together with the executor
    return executor
