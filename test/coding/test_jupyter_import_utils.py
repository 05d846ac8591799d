"""autogen.coding.jupyter.import_utils: the jupyter-kernel-gateway check and its decorators."""

from __future__ import annotations

import importlib.util

import pytest

from autogen.coding.jupyter import import_utils
from autogen.import_utils import OptionalDependencyError


@pytest.fixture
def gateway_missing(monkeypatch):
    """Hide the kernel_gateway package (installed here) from the check."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "kernel_gateway" else real(name, *a)
    )
    import_utils.is_jupyter_kernel_gateway_installed.cache_clear()
    yield
    import_utils.is_jupyter_kernel_gateway_installed.cache_clear()


def test_installed_gateway_leaves_objects_alone():
    pytest.importorskip("kernel_gateway")
    assert import_utils.is_jupyter_kernel_gateway_installed()

    def f() -> int:
        return 1

    assert import_utils.require_jupyter_kernel_gateway_installed()(f) is f


def test_missing_gateway_makes_calls_name_the_extra(gateway_missing):
    assert not import_utils.is_jupyter_kernel_gateway_installed()
    decorate = import_utils.require_jupyter_kernel_gateway_installed()

    @decorate
    def f() -> int:
        return 1

    @decorate
    class Executor:
        def __init__(self, x: int) -> None:
            self.x = x

    @decorate
    async def g() -> int:
        return 2

    for call in (f, lambda: Executor(1)):
        with pytest.raises(OptionalDependencyError, match=r"ag2\[jupyter-executor\]"):
            call()
    import asyncio

    with pytest.raises(ImportError, match="jupyter-kernel-gateway"):
        asyncio.run(g())
    assert f.__name__ == "f"


def test_skip_marker_follows_the_check(gateway_missing):
    def test_x() -> None: ...

    marked = import_utils.skip_on_missing_jupyter_kernel_gateway()(test_x)
    names = [m.name for m in marked.pytestmark]
    assert "jupyter_executor" in names and "skip" in names
