"""Fixtures: the agent's model (a FakeLLMServer) and ASGI apps served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from autogen.testing import FakeLLMServer


@pytest.fixture()
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


@pytest.fixture()
def serve() -> Iterator[Callable[[Callable[[str], Any]], str]]:
    """``serve(make_app)`` runs ``make_app(base_url)`` (an ASGI app) under uvicorn in a thread and gives
    its base URL; it is stopped after the test."""
    uvicorn = pytest.importorskip("uvicorn")
    running: list[tuple[Any, threading.Thread]] = []

    def start(make_app: Callable[[str], Any]) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        server = uvicorn.Server(uvicorn.Config(make_app(base), host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return base

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)
