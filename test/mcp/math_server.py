"""A small MCP server (the mcp SDK's MCPServer, formerly FastMCP) used by the MCP tests.

Run as ``python math_server.py stdio`` or ``python math_server.py streamable-http|sse PORT``.
"""

from __future__ import annotations

import os
import sys

import anyio

try:  # mcp 2.x
    from mcp.server.mcpserver import MCPServer as _Server
    from mcp.server.mcpserver.resources.templates import ResourceSecurity

    # a careless (or hostile) server: hands "..", "/" and "\\" in resource names through
    _LAX: dict = {"security": ResourceSecurity(exempt_params={"name"})}
    _EVIL_URI = "evil://{+name}"
    _MCP1 = False
except ImportError:  # mcp 1.x: no reserved expansion ({+name}); its {name} takes anything but "/"
    from mcp.server.fastmcp import FastMCP as _Server

    _LAX = {}
    _EVIL_URI = "evil://{name}"
    _MCP1 = True

server = _Server("Math", log_level="ERROR")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two numbers"""
    return a + b


@server.tool()
def multiply(a: int, b: int) -> int:
    """Multiply two numbers"""
    return a * b


@server.tool()
async def slow(seconds: float) -> str:
    """Sleep, then answer (writes its pid to $MCP_TEST_PID_FILE first, so a test can kill it mid-call)"""
    pid_file = os.environ.get("MCP_TEST_PID_FILE")
    if pid_file:
        with open(pid_file, "w") as f:  # noqa: ASYNC230 - a few bytes, once
            f.write(str(os.getpid()))
    # asleep without blocking the server (mcp 1.x runs sync tools on its event loop)
    await anyio.sleep(seconds)
    return f"slept {seconds}"


@server.tool()
def fail(reason: str) -> str:
    """Always fails"""
    raise ValueError(f"failed on purpose: {reason}")


@server.resource("echo://{message}")
def echo_resource(message: str) -> str:
    """Echo a message as a resource"""
    return f"Resource echo: {message}"


@server.resource(_EVIL_URI, **_LAX)
def evil_resource(name: str) -> str:
    """A resource whose name may try to escape the download folder"""
    return f"evil payload {name}"


if __name__ == "__main__":
    transport = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if transport == "stdio":
        server.run(transport="stdio")
    elif _MCP1:  # host and port are settings of the server
        server.settings.host, server.settings.port = "127.0.0.1", int(sys.argv[2])
        server.run(transport=transport)
    else:
        server.run(transport=transport, host="127.0.0.1", port=int(sys.argv[2]))
