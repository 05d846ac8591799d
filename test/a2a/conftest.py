"""A2A test fixtures: an agent served by uvicorn in a separate process, its LLM a FakeLLMServer here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("a2a")
pytest.importorskip("uvicorn")

from autogen.testing import FakeLLMServer

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("served_agent.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServedAgent:
    """``served_agent.py`` under uvicorn in a child process; stop and start it again at will."""

    def __init__(self, llm: FakeLLMServer, kind: str, *options: str) -> None:
        self.llm = llm
        self.kind = kind
        self.options = options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        command = [sys.executable, str(SCRIPT), str(self.port), self.llm.base_url, self.kind, *self.options]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the A2A server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}.well-known/agent-card.json", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the A2A server did not start in time")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture()
def unused_url() -> str:
    """The URL of a port nothing listens on."""
    return f"http://127.0.0.1:{free_port()}/"


@pytest.fixture()
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture()
def serve(llm: FakeLLMServer) -> Iterator[object]:
    """``serve(kind, *options)`` starts a served agent (killed after the test)."""
    started: list[ServedAgent] = []

    def start(kind: str = "plain", *options: str) -> ServedAgent:
        served = ServedAgent(llm, kind, *options)
        served.start()
        started.append(served)
        return served

    yield start
    for served in started:
        served.kill()
