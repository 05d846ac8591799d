"""Code execution: code blocks, results, extractors and executors.

Names are loaded on first use (PEP 562) so that importing a light submodule such as
``autogen.coding.extraction`` does not pull in pydantic models or executors.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

# public name -> defining module (relative to this package)
_LAZY: dict[str, str] = {
    "CodeBlock": ".base",
    "CodeResult": ".base",
    "CodeExtractor": ".base",
    "CodeExecutor": ".base",
    "CommandLineCodeResult": ".base",
    "IPythonCodeResult": ".base",
    "CodeExecutionConfig": ".base",
    "CodeExecutorFactory": ".factory",
    "LocalCommandLineCodeExecutor": ".local_commandline_code_executor",
    "MarkdownCodeExtractor": ".markdown_code_extractor",
    "FunctionWithRequirements": ".func_with_reqs",
    "with_requirements": ".func_with_reqs",
    "DockerCommandLineCodeExecutor": ".docker_commandline_code_executor",
    "SandboxedLocalCommandLineCodeExecutor": ".sandbox",
    "JupyterCodeExecutor": ".jupyter",
    "EmbeddedIPythonCodeExecutor": ".jupyter",
    "LocalJupyterServer": ".jupyter",
}
# pyautogen 0.2's old spellings -> (defining module, current name)
_ALIASES: dict[str, tuple[str, str]] = {
    "LocalCommandlineCodeExecutor": (".local_commandline_code_executor", "LocalCommandLineCodeExecutor"),
    "CommandlineCodeResult": (".base", "CommandLineCodeResult"),
}

__all__ = [
    "CodeBlock",
    "CodeExecutor",
    "CodeExecutorFactory",
    "CodeExtractor",
    "CodeResult",
    "LocalCommandLineCodeExecutor",
    "MarkdownCodeExtractor",
]
# Listed only when its optional package is installed, as in the original (find_spec does not import it).
if importlib.util.find_spec("docker") is not None:
    __all__.append("DockerCommandLineCodeExecutor")


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    target = name
    if module is None:
        if name not in _ALIASES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module, target = _ALIASES[name]
    value = getattr(importlib.import_module(module, __name__), target)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_ALIASES))


if TYPE_CHECKING:  # pragma: no cover
    from .base import (
        CodeBlock,
        CodeExecutionConfig,  # noqa: F401
        CodeExecutor,
        CodeExtractor,
        CodeResult,
        CommandLineCodeResult,  # noqa: F401
        IPythonCodeResult,  # noqa: F401
    )
    from .docker_commandline_code_executor import DockerCommandLineCodeExecutor  # noqa: F401
    from .factory import CodeExecutorFactory
    from .func_with_reqs import FunctionWithRequirements, with_requirements  # noqa: F401
    from .jupyter import EmbeddedIPythonCodeExecutor, JupyterCodeExecutor, LocalJupyterServer  # noqa: F401
    from .local_commandline_code_executor import LocalCommandLineCodeExecutor
    from .markdown_code_extractor import MarkdownCodeExtractor
    from .sandbox import SandboxedLocalCommandLineCodeExecutor  # noqa: F401
