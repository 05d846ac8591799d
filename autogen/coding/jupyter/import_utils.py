"""Whether jupyter-kernel-gateway is installed, and decorators that depend on it (ag2's names)."""

from __future__ import annotations

import functools
import importlib.util
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from ...import_utils import OptionalDependencyError

__all__ = ["require_jupyter_kernel_gateway_installed", "skip_on_missing_jupyter_kernel_gateway"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MISSING = (
    "jupyter-kernel-gateway is required for JupyterCodeExecutor, please install it with "
    '`pip install "ag2[jupyter-executor]"`'
)


@functools.lru_cache
def is_jupyter_kernel_gateway_installed() -> bool:
    """True when the ``kernel_gateway`` package can be imported (checked once, without importing it)."""
    if importlib.util.find_spec("kernel_gateway") is not None:
        return True
    logger.warning(_MISSING)
    return False


def _raising(o: Any) -> Any:
    """``o`` (a function or class) made to raise the missing-dependency error when called."""

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OptionalDependencyError(_MISSING)

    if inspect.isclass(o):
        o.__init__ = functools.wraps(o.__init__)(fail)  # type: ignore[misc]
        return o
    if inspect.iscoroutinefunction(o):

        async def afail(*args: Any, **kwargs: Any) -> Any:
            fail()

        return functools.wraps(o)(afail)
    return functools.wraps(o)(fail)


def require_jupyter_kernel_gateway_installed() -> Callable[[T], T]:
    """A decorator leaving its function or class as it is when jupyter-kernel-gateway is installed;
    otherwise calling it (or instantiating the class) raises an ImportError naming the extra."""
    if is_jupyter_kernel_gateway_installed():
        return lambda o: o
    return _raising


def skip_on_missing_jupyter_kernel_gateway() -> Callable[[T], T]:
    """A test decorator: marks ``jupyter_executor`` and skips when jupyter-kernel-gateway is missing."""
    import pytest

    def decorator(o: T) -> T:
        marked = pytest.mark.jupyter_executor(o)
        if is_jupyter_kernel_gateway_installed():
            return marked  # type: ignore[no-any-return]
        return pytest.mark.skip(reason=_MISSING)(marked)  # type: ignore[no-any-return]

    return decorator
