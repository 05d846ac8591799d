"""MCP (Model Context Protocol) integration: MCP servers' tools as AG2 tools (`create_toolkit`),
an MCP server generated from an OpenAPI spec (`autogen.mcp.mcp_proxy`), and AG2 tools and agents
served over MCP (`python -m autogen.mcp serve module:obj`). Needs ``pip install "ag2[mcp]"``."""

from .mcp_client import create_toolkit

__all__ = ["create_toolkit"]
