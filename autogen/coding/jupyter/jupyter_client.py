"""Talk to a Jupyter server: kernels over REST (stdlib HTTP) and code over the websocket channels."""

from __future__ import annotations

import datetime
import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ...import_utils import optional_import
from .base import JupyterConnectionInfo
from .outputs import CellCollector, DataItem, ExecutionResult

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["DataItem", "ExecutionResult", "JupyterClient", "JupyterKernelClient", "JupyterServerError"]

_HTTP_TIMEOUT = 30
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class JupyterServerError(RuntimeError):
    """The Jupyter server refused a request or could not be reached."""


class JupyterClient:
    """Manages kernels on a Jupyter server (``/api/kernels``, ``/api/kernelspecs``)."""

    def __init__(self, connection_info: JupyterConnectionInfo) -> None:
        """Use the server described by ``connection_info``."""
        self._connection_info = connection_info

    @property
    def connection_info(self) -> JupyterConnectionInfo:
        """The server this client talks to."""
        return self._connection_info

    def _headers(self) -> dict[str, str]:
        token = self._connection_info.token
        return {"Authorization": f"token {token}"} if token else {}

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = self._connection_info.base_url + path
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        headers = {**self._headers(), "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT) as response:
                payload = response.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", errors="replace")[:500]
            raise JupyterServerError(f"{method} {url} failed with HTTP {e.code}: {detail}") from e
        except (urllib.error.URLError, OSError) as e:
            raise JupyterServerError(f"Cannot reach the Jupyter server at {url}: {e}") from e
        return json.loads(payload) if payload else None

    def list_kernel_specs(self) -> dict[str, Any]:
        """The server's kernel specs (``{"default": ..., "kernelspecs": {...}}``)."""
        return self._request("GET", "/api/kernelspecs")

    def list_kernels(self) -> list[dict[str, Any]]:
        """The kernels running on the server."""
        return self._request("GET", "/api/kernels")

    def start_kernel(self, kernel_spec_name: str) -> str:
        """Start a kernel of the given spec; returns its id."""
        return self._request("POST", "/api/kernels", {"name": kernel_spec_name})["id"]

    def delete_kernel(self, kernel_id: str) -> None:
        """Shut a kernel down."""
        self._request("DELETE", f"/api/kernels/{kernel_id}")

    def restart_kernel(self, kernel_id: str) -> None:
        """Restart a kernel (its state is lost)."""
        self._request("POST", f"/api/kernels/{kernel_id}/restart")

    def interrupt_kernel(self, kernel_id: str) -> None:
        """Interrupt the code a kernel is running (like Ctrl-C)."""
        self._request("POST", f"/api/kernels/{kernel_id}/interrupt")

    def get_kernel_client(self, kernel_id: str) -> JupyterKernelClient:
        """Open the websocket channels of a kernel."""
        websocket = optional_import("websocket", "jupyter-executor", feature="JupyterCodeExecutor")
        url = f"{self._connection_info.ws_url}/api/kernels/{kernel_id}/channels"
        # TCP_NODELAY: small frames otherwise wait for delayed ACKs (~40 ms per cell).
        ws = websocket.create_connection(
            url,
            header=self._headers(),
            timeout=_HTTP_TIMEOUT,
            sockopt=((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),),
        )
        return JupyterKernelClient(ws)


class JupyterKernelClient:
    """Runs code on one kernel through its websocket channels."""

    def __init__(self, websocket: Any) -> None:
        """Wrap an open ``websocket.WebSocket`` connected to ``/api/kernels/<id>/channels``."""
        self._ws = websocket
        self._session = uuid.uuid4().hex

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_val: BaseException | None, exc_tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Close the websocket."""
        try:
            self._ws.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection
            pass

    def _send(self, msg_type: str, content: dict[str, Any], channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        message = {
            "header": {
                "msg_id": msg_id,
                "msg_type": msg_type,
                "username": "autogen",
                "session": self._session,
                "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
        self._ws.send(json.dumps(message))
        return msg_id

    def _receive(self, timeout: float) -> dict[str, Any] | None:
        """Next message, or None after ``timeout`` seconds. Connection errors propagate."""
        websocket = optional_import("websocket", "jupyter-executor")
        self._ws.settimeout(max(timeout, 0.001))
        if _QUICKACK is not None:
            # The server does not disable Nagle on its websocket; acknowledging at once keeps it from
            # holding back the next small frame (~40 ms per cell otherwise). Linux resets this flag
            # after use, hence before every read.
            try:
                self._ws.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except (OSError, AttributeError):
                pass
        try:
            raw = self._ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        return json.loads(raw) if raw else None

    def wait_for_ready(self, timeout_seconds: float | None = None) -> bool:
        """Wait until the kernel answers a ``kernel_info_request``; False on timeout."""
        deadline = time.monotonic() + (timeout_seconds if timeout_seconds is not None else 60)
        msg_id = self._send("kernel_info_request", {})
        while (remaining := deadline - time.monotonic()) > 0:
            msg = self._receive(min(remaining, 1.0))
            if msg is None:
                # A kernel that is still starting may drop the first request: ask again.
                msg_id = self._send("kernel_info_request", {})
                continue
            if msg.get("msg_type") == "kernel_info_reply" and msg.get("parent_header", {}).get("msg_id") == msg_id:
                return True
        return False

    def execute(self, code: str, timeout_seconds: float | None = None) -> ExecutionResult:
        """Run one cell and collect its outputs; ``timed_out`` is set when the deadline passes."""
        msg_id = self._send(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        collector = CellCollector(msg_id)
        deadline = time.monotonic() + (timeout_seconds if timeout_seconds is not None else 60)
        return self.collect(collector, deadline)

    def collect(self, collector: CellCollector, deadline: float) -> ExecutionResult:
        """Feed messages to ``collector`` until the cell is done or ``deadline`` (monotonic) passes."""
        while (remaining := deadline - time.monotonic()) > 0:
            msg = self._receive(remaining)
            if msg is not None and collector.feed(msg):
                return collector.result()
        return collector.result(timed_out=True)
