"""Checks for jupyter-kernel-gateway, which :class:`LocalJupyterServer` runs (``ag2[jupyter-executor]``)."""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["require_jupyter_kernel_gateway_installed", "skip_on_missing_jupyter_kernel_gateway"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MISSING = (
    "jupyter-kernel-gateway is required for JupyterCodeExecutor, please install it with "
    "`pip install ag2[jupyter-executor]`"
)


@functools.cache
def is_jupyter_kernel_gateway_installed() -> bool:
    """Whether ``python -m jupyter kernelgateway`` can run in this interpreter."""
    found = all(importlib.util.find_spec(m) is not None for m in ("kernel_gateway", "jupyter_core"))
    if not found:
        logger.warning(_MISSING)
    return found


def _raise_missing(*args: Any, **kwargs: Any) -> Any:
    raise ImportError(_MISSING)


def _unusable(obj: T) -> T:
    """``obj`` made to raise an ImportError naming the extra when it is called or instantiated."""
    if isinstance(obj, type):
        obj.__init__ = functools.wraps(obj.__init__)(_raise_missing)  # type: ignore[misc]
        return obj
    if callable(obj):
        return functools.wraps(obj)(_raise_missing)  # type: ignore[return-value]
    return obj


def require_jupyter_kernel_gateway_installed() -> Callable[[T], T]:
    """Decorator: leave the object as it is when the gateway is installed, else make using it raise."""
    if is_jupyter_kernel_gateway_installed():
        return lambda obj: obj
    return _unusable


def skip_on_missing_jupyter_kernel_gateway() -> Callable[[T], T]:
    """Test decorator: mark with ``pytest.mark.jupyter_executor`` and skip when the gateway is missing."""
    installed = is_jupyter_kernel_gateway_installed()

    def decorator(obj: T) -> T:
        import pytest

        marked = pytest.mark.jupyter_executor(obj)
        return marked if installed else pytest.mark.skip(reason=_MISSING)(marked)

    return decorator
