"""Stateful Jupyter-kernel code executors and the servers they run on.

Names are loaded on first use so that ``import autogen.coding.jupyter`` stays cheap and the
optional packages (jupyter_client, websocket-client, docker) are only needed when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY: dict[str, str] = {
    "JupyterConnectable": ".base",
    "JupyterConnectionInfo": ".base",
    "JupyterClient": ".jupyter_client",
    "JupyterKernelClient": ".jupyter_client",
    "JupyterServerError": ".jupyter_client",
    "JupyterCodeExecutor": ".jupyter_code_executor",
    "LocalJupyterServer": ".local_jupyter_server",
    "DockerJupyterServer": ".docker_jupyter_server",
    "EmbeddedIPythonCodeExecutor": ".embedded_ipython_code_executor",
    "ExecutionResult": ".outputs",
    "DataItem": ".outputs",
}

__all__ = [
    "DockerJupyterServer",
    "EmbeddedIPythonCodeExecutor",
    "JupyterClient",
    "JupyterCodeExecutor",
    "JupyterConnectable",
    "JupyterConnectionInfo",
    "LocalJupyterServer",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # pragma: no cover
    from .base import JupyterConnectable, JupyterConnectionInfo
    from .docker_jupyter_server import DockerJupyterServer
    from .embedded_ipython_code_executor import EmbeddedIPythonCodeExecutor
    from .jupyter_client import JupyterClient
    from .jupyter_code_executor import JupyterCodeExecutor
    from .local_jupyter_server import LocalJupyterServer
