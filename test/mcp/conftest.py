"""Fixtures of the MCP tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason='the MCP tests need pip install "ag2[mcp]"')

from mcp_test_servers import HttpServer


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[HttpServer]:
    server = HttpServer(env={"MCP_TEST_PID_FILE": str(tmp_path / "http.pid")})
    try:
        yield server
    finally:
        server.stop()
