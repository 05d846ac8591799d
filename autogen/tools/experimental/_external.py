"""Shared checks of the tools that talk to an external service: its package and its key."""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any, NoReturn

from ...import_utils import optional_import

__all__ = ["not_here", "require_key", "require_package", "unimplemented_service"]


def require_package(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise an ImportError naming the extra ``pip install "ag2[<extra>]"``."""
    return optional_import(module, extra, feature=feature)


def require_key(value: str | None, env_var: str | None, message: str) -> str:
    """``value``, else the environment variable ``env_var``, else ValueError(``message``)."""
    key = value or (os.environ.get(env_var) if env_var else None)
    if not key:
        raise ValueError(message)
    return key


def not_here(feature: str) -> NotImplementedError:
    """The error of a service client this project does not implement yet (its package is installed)."""
    return NotImplementedError(
        f"{feature} is not implemented in this version of ag2; its constructor and package checks only are."
    )


def unimplemented_service(module: str, extra: str, feature: str, **settings: Any) -> NoReturn:
    """A constructor's checks for a service this project does not talk to yet: ValueError naming the empty
    ``settings``, else ImportError without ``module``, else :func:`not_here`."""
    missing = [name for name, value in settings.items() if not value]
    if missing:
        raise ValueError(f"{feature} needs {', '.join(missing)}.")
    require_package(module, extra, feature)
    raise not_here(feature)
