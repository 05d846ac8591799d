"""An MCP server proxying an HTTP API described by OpenAPI: `MCPProxy.create` generates its client
module (``python -m autogen.mcp create ...``); security schemes are in ``.security``."""

from .mcp_proxy import MCPProxy

__all__ = ["MCPProxy"]
