"""Run Python code blocks in a local IPython kernel started by jupyter_client (no server needed)."""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ...import_utils import optional_import
from ..base import CodeBlock, CodeExtractor, IPythonCodeResult
from ..markdown_code_extractor import MarkdownCodeExtractor
from .outputs import CellCollector, ExecutionResult, run_python_blocks

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["EmbeddedIPythonCodeExecutor"]

logger = logging.getLogger(__name__)

# How often a waiting cell checks that the kernel process is still alive.
_LIVENESS_POLL_SECONDS = 0.5
_KERNEL_START_TIMEOUT = 60
# After an interrupt, how long to wait for the kernel to report it is idle again.
_INTERRUPT_GRACE_SECONDS = 5


class EmbeddedIPythonCodeExecutor(BaseModel):
    """A stateful Python executor backed by a local Jupyter kernel (``jupyter_client``).

    Variables, imports and definitions persist from one block to the next until :meth:`restart`.
    Rich outputs (images, HTML, JSON...) are written to ``output_dir`` and listed in the result's
    ``output_files``. A block running longer than ``timeout`` is interrupted (exit code 124); if
    the kernel process dies, it is restarted and the result says the state was lost. Python and
    shell blocks run (a shell block as ``!command`` lines or a ``%%bash`` cell); ``!pip install`` lines are silenced.

    Needs ``pip install "ag2[jupyter-executor]"`` (jupyter_client and ipykernel).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    timeout: int = Field(default=60, ge=1, description="Seconds one code block may run.")
    kernel_name: str = Field(default="python3", description="Name of the Jupyter kernel to start.")
    output_dir: Path | str = Field(default=".", description="Directory where rich outputs are saved.")

    _kernel_manager: Any = PrivateAttr(default=None)
    _kernel_client: Any = PrivateAttr(default=None)
    _ipc_dir: str | None = PrivateAttr(default=None)
    # ag2's names for the settings, fixed at construction
    _timeout: int = PrivateAttr(default=60)
    _kernel_name: str = PrivateAttr(default="python3")
    _output_dir: Path = PrivateAttr(default_factory=Path)

    @field_validator("output_dir")
    @classmethod
    def _output_dir_exists(cls, value: Path | str) -> Path | str:
        if not Path(value).is_dir():
            raise ValueError(f"Output directory {str(value)!r} does not exist. Create it first.")
        return value

    def __init__(self, **kwargs: Any) -> None:
        """Validate the settings and start the kernel.

        Raises:
            ValueError: bad settings, or no kernel named ``kernel_name`` is installed.
            RuntimeError: the kernel did not start.
        """
        super().__init__(**kwargs)
        self._timeout, self._kernel_name, self._output_dir = self.timeout, self.kernel_name, Path(self.output_dir)
        self._start_kernel()

    # ------------------------------------------------------------------ kernel lifecycle
    def _start_kernel(self) -> None:
        manager_mod = optional_import(
            "jupyter_client.manager", "jupyter-executor", feature="EmbeddedIPythonCodeExecutor"
        )
        kwargs: dict[str, Any] = {"kernel_name": self.kernel_name}
        if sys.platform != "win32":
            # Unix sockets in a private directory: no TCP port other local users could connect to.
            self._ipc_dir = tempfile.mkdtemp(prefix="ag2-kernel-")
            kwargs.update(transport="ipc", ip=os.path.join(self._ipc_dir, "k"))
        km = manager_mod.KernelManager(**kwargs)
        kernelspec = optional_import("jupyter_client.kernelspec", "jupyter-executor")
        try:
            km.kernel_spec  # noqa: B018 - looks the kernel up (once; start_kernel reuses it)
        except kernelspec.NoSuchKernel:
            self._remove_ipc_dir()
            installed = sorted(kernelspec.KernelSpecManager().find_kernel_specs())
            raise ValueError(
                f"Kernel {self.kernel_name!r} is not installed (installed: {installed}). "
                "Install one, e.g. `pip install ipykernel` for 'python3'."
            ) from None
        try:
            km.start_kernel()
            kc = km.blocking_client()
            kc.start_channels()
            kc.wait_for_ready(timeout=_KERNEL_START_TIMEOUT)
        except Exception as e:
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001, S110 - best effort cleanup of a kernel that failed to start
                pass
            raise RuntimeError(f"The {self.kernel_name!r} kernel did not start: {e}") from e
        self._kernel_manager, self._kernel_client = km, kc

    @property
    def code_extractor(self) -> CodeExtractor:
        """A Markdown fenced-block extractor."""
        return MarkdownCodeExtractor()

    def restart(self) -> None:
        """Restart the kernel: all variables and imports are dropped."""
        if self._kernel_manager is None:
            self._start_kernel()
            return
        self._kernel_manager.restart_kernel(now=True)
        self._flush_iopub()
        self._kernel_client.wait_for_ready(timeout=_KERNEL_START_TIMEOUT)

    def stop(self) -> None:
        """Shut the kernel down (safe to call twice)."""
        kc, km = self._kernel_client, self._kernel_manager
        self._kernel_client = self._kernel_manager = None
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            try:
                km.shutdown_kernel(now=True)
            except Exception as e:  # noqa: BLE001 - already dead: nothing to shut down
                logger.debug("Shutting the kernel down: %s", e)
        self._remove_ipc_dir()

    def _remove_ipc_dir(self) -> None:
        if self._ipc_dir is not None:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            self._ipc_dir = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_val: BaseException | None, exc_tb: TracebackType | None
    ) -> None:
        self.stop()

    def __del__(self) -> None:
        try:
            self.stop()
        except Exception:  # noqa: BLE001, S110 - interpreter shutdown: modules may be gone
            pass

    # ------------------------------------------------------------------ execution
    def execute_code_blocks(self, code_blocks: list[CodeBlock]) -> IPythonCodeResult:
        """Run Python blocks one after another in the kernel, stopping at the first failure.

        Text output is joined by newlines; rich outputs are saved to files (lines like
        ``Image data saved to <path>``). Errors, timeouts and a dead kernel come back as results.
        """
        if self._kernel_manager is None:
            return IPythonCodeResult(exit_code=1, output="ERROR: The executor was stopped; create a new one.")
        return run_python_blocks(code_blocks, self._run_cell, self.output_dir, self.timeout)

    def _run_cell(self, code: str) -> ExecutionResult:
        kc, km = self._kernel_client, self._kernel_manager
        self._flush_iopub()
        msg_id = kc.execute(code, store_history=True, allow_stdin=False)
        collector = CellCollector(msg_id)
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self._interrupt(collector)
            try:
                msg = kc.get_iopub_msg(timeout=min(remaining, _LIVENESS_POLL_SECONDS))
            except queue.Empty:
                if not km.is_alive():
                    collector.kernel_died = True
                    self._recover_dead_kernel()
                    return collector.result()
                continue
            if collector.feed(msg):
                return collector.result()

    def _interrupt(self, collector: CellCollector) -> ExecutionResult:
        self._kernel_manager.interrupt_kernel()
        deadline = time.monotonic() + _INTERRUPT_GRACE_SECONDS
        while not collector.done and time.monotonic() < deadline:
            try:
                collector.feed(self._kernel_client.get_iopub_msg(timeout=0.2))
            except queue.Empty:
                continue
        if not collector.done:
            # Interrupting did not help (e.g. stuck in C code): restart so the next block can run.
            self.restart()
        return collector.result(timed_out=True)

    def _recover_dead_kernel(self) -> None:
        try:
            self.restart()
        except Exception as e:  # noqa: BLE001 - start from scratch with a new manager
            logger.warning("Restarting the dead kernel failed (%s); starting a new one.", e)
            self.stop()
            self._start_kernel()

    def _flush_iopub(self) -> None:
        # Messages left over from an interrupted or earlier cell must not be mixed into the next one.
        while True:
            try:
                self._kernel_client.get_iopub_msg(timeout=0)
            except queue.Empty:
                return
