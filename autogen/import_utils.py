"""Import optional integrations where they are used, with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["optional_import", "OptionalDependencyError"]


class OptionalDependencyError(ImportError):
    """An optional integration is used but its package is not installed."""


def optional_import(module: str, extra: str, *, feature: str | None = None) -> ModuleType:
    """Import ``module`` or raise an ImportError telling the user which extra to install.

    Call it inside the function that needs the integration, never at module import time, so that
    ``import autogen`` stays light.
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        what = feature or module.split(".")[0]
        raise OptionalDependencyError(
            f"{what} needs the optional package '{module.split('.')[0]}', which is not installed. "
            f'Install it with: pip install "ag2[{extra}]"'
        ) from e
