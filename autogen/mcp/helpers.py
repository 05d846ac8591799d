"""Helpers for running MCP servers in tests and examples."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from asyncio.subprocess import PIPE, Process, create_subprocess_exec
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

__all__ = ["run_streamable_http_client"]


@asynccontextmanager
async def run_streamable_http_client(
    *, mcp_server_path: str, env_vars: dict[str, str] | None = None, startup_wait_secs: float = 5.0
) -> AsyncGenerator[Process, None]:
    """Run ``python mcp_server_path streamable-http`` for the duration of the block.

    ``env_vars`` are added to the environment; the block starts after ``startup_wait_secs``; on exit
    the server gets SIGINT, and is killed if it has not stopped 5 seconds later.
    """
    env = {**os.environ, **(env_vars or {})}
    process = await create_subprocess_exec(
        sys.executable, mcp_server_path, "streamable-http", env=env, stdout=PIPE, stderr=PIPE
    )
    await asyncio.sleep(startup_wait_secs)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), timeout=5.0)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
