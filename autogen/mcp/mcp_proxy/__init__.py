"""An MCP server proxying an HTTP API described by OpenAPI (``python -m autogen.mcp create ...``)."""

from .mcp_proxy import MCPProxy

__all__ = ["MCPProxy"]
