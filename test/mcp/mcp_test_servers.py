"""Real MCP servers for the tests: `math_server.py` as a stdio subprocess or over streamable HTTP
(uvicorn in a subprocess on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
MATH_SERVER = HERE / "math_server.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the MCP server exited early with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"the MCP server did not listen on port {port} within {timeout} s")


def wait_for_pid(pid_file: Path, timeout: float = 60.0) -> int:
    """The pid the server's ``slow`` tool writes when it starts sleeping."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid_file.exists() and pid_file.read_text().strip():
            return int(pid_file.read_text())
        time.sleep(0.05)
    raise TimeoutError("the slow tool never started")


class HttpServer:
    """``math_server.py streamable-http|sse PORT`` in a subprocess."""

    def __init__(self, env: dict[str, str] | None = None, transport: str = "streamable-http") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/" + ("sse" if transport == "sse" else "mcp")
        self.proc = subprocess.Popen(
            [sys.executable, str(MATH_SERVER), transport, str(self.port)],
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.proc)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
