"""The jupyter-kernel-gateway check and the decorators built on it."""

import importlib.util

import pytest

from autogen.coding.jupyter import import_utils


def test_detects_the_installed_gateway() -> None:
    expected = importlib.util.find_spec("kernel_gateway") is not None
    assert import_utils.is_jupyter_kernel_gateway_installed() is expected


def test_require_decorator_when_missing_makes_use_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_utils, "is_jupyter_kernel_gateway_installed", lambda: False)

    @import_utils.require_jupyter_kernel_gateway_installed()
    def run() -> int:
        return 1

    @import_utils.require_jupyter_kernel_gateway_installed()
    class Server:
        def __init__(self) -> None:
            self.up = True

    with pytest.raises(ImportError, match=r"ag2\[jupyter-executor\]"):
        run()
    with pytest.raises(ImportError, match="jupyter-kernel-gateway"):
        Server()


def test_require_decorator_when_present_keeps_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_utils, "is_jupyter_kernel_gateway_installed", lambda: True)

    def run() -> int:
        return 1

    assert import_utils.require_jupyter_kernel_gateway_installed()(run) is run


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")
def test_skip_decorator_marks_and_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_utils, "is_jupyter_kernel_gateway_installed", lambda: False)

    def test_x() -> None:
        pass

    marks = {m.name for m in import_utils.skip_on_missing_jupyter_kernel_gateway()(test_x).pytestmark}
    assert marks == {"jupyter_executor", "skip"}
