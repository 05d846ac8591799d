"""Run Python code blocks on a kernel of a Jupyter server (local gateway, Docker, or remote)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..base import CodeBlock, CodeExecutor, CodeExtractor, IPythonCodeResult
from ..markdown_code_extractor import MarkdownCodeExtractor
from .base import JupyterConnectable, JupyterConnectionInfo
from .jupyter_client import JupyterClient, JupyterKernelClient, JupyterServerError
from .outputs import CellCollector, ExecutionResult, run_python_blocks

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["JupyterCodeExecutor"]

logger = logging.getLogger(__name__)

_INTERRUPT_GRACE_SECONDS = 5
_READY_TIMEOUT = 60


class JupyterCodeExecutor(CodeExecutor):
    """A stateful executor: every block runs on the same kernel of a Jupyter server.

    ``jupyter_server`` is a :class:`LocalJupyterServer`, a :class:`DockerJupyterServer`, any other
    :class:`JupyterConnectable`, or the :class:`JupyterConnectionInfo` of a running server.
    Variables persist between blocks until :meth:`restart`. Rich outputs (images, HTML, JSON...)
    are saved in ``output_dir`` and listed in ``output_files``. A block running longer than
    ``timeout`` is interrupted (exit code 124, state kept); a kernel that dies is restarted by the
    server and the result says the state was lost; a server that went away gives an error result.
    Nothing here raises into the chat.
    """

    def __init__(
        self,
        jupyter_server: JupyterConnectable | JupyterConnectionInfo,
        kernel_name: str = "python3",
        timeout: int = 60,
        output_dir: Path | str = Path("."),
    ) -> None:
        """Start a kernel on the server and connect to it.

        Raises:
            ValueError: bad ``timeout``/``output_dir``, or the server has no ``kernel_name`` kernel.
            TypeError: ``jupyter_server`` is neither a JupyterConnectable nor a JupyterConnectionInfo.
            JupyterServerError: the server cannot be reached.
        """
        if timeout < 1:
            raise ValueError(f"Timeout must be greater than or equal to 1 second, got {timeout!r}.")
        if not Path(output_dir).is_dir():
            raise ValueError(f"Output directory {str(output_dir)!r} does not exist. Create it first.")
        if isinstance(jupyter_server, JupyterConnectable):
            self._connection_info = jupyter_server.connection_info
        elif isinstance(jupyter_server, JupyterConnectionInfo):
            self._connection_info = jupyter_server
        else:
            raise TypeError(
                "jupyter_server must be a JupyterConnectable (e.g. LocalJupyterServer) or a JupyterConnectionInfo, "
                f"not {type(jupyter_server).__name__}."
            )
        self._jupyter_server = jupyter_server
        self._owned_server: Any = None
        self._kernel_client: JupyterKernelClient | None = None
        self._kernel_id: str | None = None
        self._client = JupyterClient(self._connection_info)
        specs = self._client.list_kernel_specs().get("kernelspecs", {})
        if kernel_name not in specs:
            raise ValueError(
                f"Kernel {kernel_name!r} is not installed on the Jupyter server (available: {sorted(specs)})."
            )
        self._kernel_name = kernel_name
        self._timeout = timeout
        self._output_dir = Path(output_dir)
        self._kernel_id = self._client.start_kernel(kernel_name)
        error = self._connect()
        if error is not None:
            raise JupyterServerError(error)

    @property
    def code_extractor(self) -> CodeExtractor:
        """A Markdown fenced-block extractor."""
        return MarkdownCodeExtractor()

    @property
    def timeout(self) -> int:
        """Seconds one block may run."""
        return self._timeout

    @property
    def output_dir(self) -> Path:
        """Where rich outputs are saved."""
        return self._output_dir

    def _connect(self) -> str | None:
        """(Re)open the kernel's websocket and wait until it answers; error text or None."""
        if self._kernel_client is not None:
            self._kernel_client.stop()
            self._kernel_client = None
        if self._kernel_id is None:
            return "The executor was stopped; create a new JupyterCodeExecutor."
        try:
            client = self._client.get_kernel_client(self._kernel_id)
            if not client.wait_for_ready(timeout_seconds=_READY_TIMEOUT):
                client.stop()
                return f"The kernel {self._kernel_id} did not answer within {_READY_TIMEOUT} s."
        except Exception as e:  # noqa: BLE001 - any connection failure becomes a readable message
            return f"Cannot connect to the kernel at {self._connection_info.base_url}: {e}"
        self._kernel_client = client
        return None

    def execute_code_blocks(self, code_blocks: list[CodeBlock]) -> IPythonCodeResult:
        """Run Python blocks one after another on the kernel, stopping at the first failure."""
        return run_python_blocks(code_blocks, self._run_cell, self._output_dir, self._timeout)

    def _run_cell(self, code: str) -> ExecutionResult:
        if self._kernel_client is None:
            error = self._connect()
            if error is not None:
                return ExecutionResult(False, "ERROR: " + error)
        assert self._kernel_client is not None
        try:
            result = self._kernel_client.execute(code, timeout_seconds=self._timeout)
            if result.timed_out:
                result = self._interrupt(result)
            elif result.kernel_died:
                self._replace_dead_kernel()
            return result
        except Exception as e:  # noqa: BLE001 - the connection broke (server stopped, network...)
            self._kernel_client.stop()
            self._kernel_client = None
            return ExecutionResult(
                False,
                f"ERROR: Lost the connection to the Jupyter server at {self._connection_info.base_url} "
                f"while running the code block ({type(e).__name__}: {e}). The server may have stopped; "
                "the kernel state may be lost.",
            )

    def _replace_dead_kernel(self) -> None:
        """Swap a dead kernel for a fresh one (its state is gone either way).

        The server also auto-restarts a dead kernel, at a moment of its choosing; a request sent to
        that kernel id meanwhile can be lost. A new kernel id is out of that race.
        """
        assert self._kernel_client is not None
        self._kernel_client.stop()
        self._kernel_client = None
        old, self._kernel_id = self._kernel_id, None
        try:
            if old is not None:
                self._client.delete_kernel(old)
        except Exception as e:  # noqa: BLE001 - the dead kernel may already be gone
            logger.debug("Deleting the dead kernel %s failed: %s", old, e)
        try:
            self._kernel_id = self._client.start_kernel(self._kernel_name)
        except Exception as e:  # noqa: BLE001 - the next block reports that the executor has no kernel
            logger.warning("Starting a new kernel after the old one died failed: %s", e)
            return
        error = self._connect()
        if error is not None:
            logger.warning("Connecting to the new kernel failed: %s", error)

    def _interrupt(self, result: ExecutionResult) -> ExecutionResult:
        assert self._kernel_id is not None and self._kernel_client is not None
        try:
            self._client.interrupt_kernel(self._kernel_id)
        except JupyterServerError as e:
            logger.warning("Interrupting the kernel failed: %s", e)
        # Drain the interrupted cell so its last messages do not leak into the next block.
        collector = CellCollector("")
        deadline = time.monotonic() + _INTERRUPT_GRACE_SECONDS
        drained = False
        while time.monotonic() < deadline:
            msg = self._kernel_client._receive(deadline - time.monotonic())
            if msg is None:
                break
            if msg.get("msg_type") == "status" and msg.get("content", {}).get("execution_state") == "idle":
                drained = True
                break
            collector.feed(msg)
        if not drained:
            self.restart()
        return ExecutionResult(False, result.output, result.data_items, timed_out=True)

    def restart(self) -> None:
        """Restart the kernel (variables are dropped) and reconnect."""
        if self._kernel_id is None:
            return
        self._client.restart_kernel(self._kernel_id)
        error = self._connect()
        if error is not None:
            logger.warning("Reconnecting after the restart failed: %s", error)

    def stop(self) -> None:
        """Shut the kernel down (the server keeps running). Safe to call twice."""
        if self._kernel_client is not None:
            self._kernel_client.stop()
            self._kernel_client = None
        kernel_id, self._kernel_id = self._kernel_id, None
        if kernel_id is not None:
            try:
                self._client.delete_kernel(kernel_id)
            except JupyterServerError as e:
                logger.debug("Deleting kernel %s: %s", kernel_id, e)
        # A server started just for this executor (CodeExecutorFactory) goes with it.
        server, self._owned_server = self._owned_server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_val: BaseException | None, exc_tb: TracebackType | None
    ) -> None:
        self.stop()

    def __del__(self) -> Any:
        try:
            self.stop()
        except Exception:  # noqa: BLE001, S110 - interpreter shutdown
            pass
