"""Start a Jupyter kernel gateway on this machine as a subprocess."""

from __future__ import annotations

import atexit
import importlib.util
import logging
import logging.handlers
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from types import TracebackType
from typing import TYPE_CHECKING

from .base import JupyterConnectionInfo

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["LocalJupyterServer"]

logger = logging.getLogger(__name__)

_START_TIMEOUT = 60


def _free_port(ip: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


class LocalJupyterServer:
    """A ``jupyter kernelgateway`` process listening on ``ip:port`` with token authentication.

    Pass it (it is :class:`~autogen.coding.jupyter.JupyterConnectable`) to
    :class:`~autogen.coding.jupyter.JupyterCodeExecutor`. ``port=None`` picks a free port; a
    random ``token`` is generated unless given. The gateway's log goes to ``log_file`` (rotated
    at ``log_max_bytes``). Stop it with :meth:`stop` or use it as a context manager; it is also
    stopped when this program exits.

    Needs ``pip install "ag2[jupyter-executor]"`` (jupyter-kernel-gateway and ipykernel).
    """

    def __init__(
        self,
        ip: str = "127.0.0.1",
        port: int | None = None,
        token: str | None = None,
        log_file: str = "jupyter_gateway.log",
        log_level: str = "INFO",
        log_max_bytes: int = 1048576,
        log_backup_count: int = 3,
    ) -> None:
        """Start the gateway and wait until it answers.

        Raises:
            ValueError: jupyter-kernel-gateway or ipykernel is not installed.
            RuntimeError: the gateway exited or did not answer in time (its output is included).
        """
        for module, package in (("kernel_gateway", "jupyter-kernel-gateway"), ("ipykernel", "ipykernel")):
            if importlib.util.find_spec(module) is None:
                raise ValueError(
                    f'LocalJupyterServer needs {package}, which is not installed: pip install "ag2[jupyter-executor]"'
                )
        self.ip = ip
        self.port = port if port is not None else _free_port(ip)
        self.token = token if token is not None else secrets.token_hex(32)
        self._log_level = log_level
        self._log_file = log_file
        self._log_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=log_max_bytes, backupCount=log_backup_count, encoding="utf-8"
        )
        self._log_tail: list[str] = []
        args = [
            sys.executable,
            "-m",
            "jupyter",
            "kernelgateway",
            f"--KernelGatewayApp.ip={ip}",
            f"--KernelGatewayApp.port={self.port}",
            f"--KernelGatewayApp.auth_token={self.token}",
            "--JupyterApp.answer_yes=true",
            f"--JupyterApp.log_level={log_level}",
            "--JupyterWebsocketPersonality.list_kernels=true",
        ]
        self._process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        # Pump the gateway's output into the rotating log so its pipe never fills up.
        self._log_thread = threading.Thread(target=self._pump_log, name="jupyter-gateway-log", daemon=True)
        self._log_thread.start()
        atexit.register(self.stop)
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _pump_log(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._log_tail = (self._log_tail + [line])[-30:]
            record = logging.LogRecord("jupyter_gateway", logging.INFO, "", 0, line.rstrip("\n"), None, None)
            try:
                self._log_handler.emit(record)
            except Exception:  # noqa: BLE001, S110 - a broken log file must not stop the pump
                pass

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        url = f"http://{self.ip if ':' not in self.ip else f'[{self.ip}]'}:{self.port}/api"
        request = urllib.request.Request(url, headers={"Authorization": f"token {self.token}"})
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log_thread.join(timeout=2)
                raise RuntimeError(
                    f"The Jupyter kernel gateway exited with code {self._process.returncode} during start-up:\n"
                    + "".join(self._log_tail)
                )
            try:
                with urllib.request.urlopen(request, timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise RuntimeError(
            f"The Jupyter kernel gateway did not answer on {url} within {_START_TIMEOUT} s:\n" + "".join(self._log_tail)
        )

    @property
    def connection_info(self) -> JupyterConnectionInfo:
        """How to reach this gateway."""
        return JupyterConnectionInfo(host=self.ip, use_https=False, port=self.port, token=self.token)

    @property
    def log_file(self) -> str:
        """Where the gateway's log is written."""
        return self._log_file

    def stop(self) -> None:
        """Stop the gateway and its kernels (safe to call twice)."""
        atexit.unregister(self.stop)
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log_thread.join(timeout=2)
        self._log_handler.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_val: BaseException | None, exc_tb: TracebackType | None
    ) -> None:
        self.stop()
