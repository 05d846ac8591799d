"""Serve AG2 tools and agents over MCP: ``python -m autogen.mcp serve module:obj``.

`build_server` makes an MCP server (the mcp SDK's low-level ``Server``) from JSON-schema'd async
handlers; `server_from_object` accepts a `Toolkit`, a `Tool`, a list of them, or a
``ConversableAgent`` (one tool, named after the agent, that asks it for a reply); `run_server`
serves it over stdio or streamable HTTP.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic_core import to_jsonable_python

from ..import_utils import optional_import
from ..tools import Tool, Toolkit
from ..tools.function_utils import rebase_property_refs, serialize_to_str

__all__ = ["ServedTool", "build_server", "load_object", "run_server", "server_from_object"]


@dataclass
class ServedTool:
    """One MCP tool: its name, description, input JSON schema and an async handler of the arguments."""

    name: str
    description: str
    input_schema: dict[str, Any]
    handler: Callable[[dict[str, Any]], Awaitable[Any]]


def build_server(name: str, tools: Sequence[ServedTool], *, instructions: str | None = None) -> Any:
    """An ``mcp.server.lowlevel.Server`` listing and calling ``tools`` (a failing tool gives an error result)."""
    lowlevel = optional_import("mcp.server.lowlevel", "mcp", feature="autogen.mcp serve")
    types = optional_import("mcp.types", "mcp", feature="autogen.mcp serve")
    from .mcp_client import MCP_V2

    by_name = {t.name: t for t in tools}
    listed = [types.Tool(name=t.name, description=t.description, inputSchema=t.input_schema) for t in tools]

    async def call(tool_name: str, arguments: dict[str, Any] | None) -> Any:
        tool = by_name.get(tool_name)
        if tool is None:
            return _error_result(types, f"Unknown tool: {tool_name}")
        try:
            result = await tool.handler(dict(arguments or {}))
        except Exception as e:  # noqa: BLE001 - reported to the MCP client as a tool error
            return _error_result(types, f"{type(e).__name__}: {e}")
        text = result if isinstance(result, str) else _to_json(result)
        return types.CallToolResult(content=[types.TextContent(type="text", text=text)])

    if MCP_V2:  # handlers are given to the constructor and get (context, request params)

        async def list_tools(ctx: Any, params: Any) -> Any:
            return types.ListToolsResult(tools=listed)

        async def call_tool(ctx: Any, params: Any) -> Any:
            return await call(params.name, params.arguments)

        return lowlevel.Server(name, instructions=instructions, on_list_tools=list_tools, on_call_tool=call_tool)

    # mcp 1.x: handlers are registered by decorators
    server = lowlevel.Server(name, instructions=instructions)
    server.list_tools()(_returning(listed))
    server.call_tool(validate_input=False)(call)
    return server


def _returning(value: Any) -> Callable[[], Awaitable[Any]]:
    async def handler() -> Any:
        return value

    return handler


def _to_json(value: Any) -> str:
    """A tool result as JSON text (MCP clients parse it; Python reprs they cannot)."""
    try:
        return json.dumps(to_jsonable_python(value), ensure_ascii=False)
    except Exception:  # noqa: BLE001 - not JSON-able: the text form the chats use
        return serialize_to_str(value)


def _error_result(types: Any, message: str) -> Any:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], isError=True)


def _from_tool(tool: Tool) -> ServedTool:
    run = tool.make_executable(serialize=False)

    async def handler(arguments: dict[str, Any]) -> Any:
        result = run(**arguments)
        return await result if inspect.isawaitable(result) else result

    schema = rebase_property_refs(tool.function_schema["parameters"] or {"type": "object", "properties": {}})
    return ServedTool(tool.name, tool.description, schema, handler)


def _from_agent(agent: Any) -> ServedTool:
    async def handler(arguments: dict[str, Any]) -> Any:
        reply = await agent.a_generate_reply(messages=[{"role": "user", "content": arguments["message"]}])
        if isinstance(reply, dict):
            reply = reply.get("content")
        return reply if isinstance(reply, str) else json.dumps(reply, default=str)

    schema = {
        "type": "object",
        "properties": {"message": {"type": "string", "description": f"The message for {agent.name}"}},
        "required": ["message"],
    }
    description = getattr(agent, "description", None) or getattr(agent, "system_message", "") or ""
    return ServedTool(agent.name, description, schema, handler)


def server_from_object(obj: Any, *, name: str | None = None) -> Any:
    """An MCP server offering ``obj``: a Toolkit, a Tool, a list of those, or an agent (one chat tool)."""
    from ..agentchat.conversable_agent import ConversableAgent

    items = list(obj) if isinstance(obj, (list, tuple, Toolkit)) else [obj]
    served: list[ServedTool] = []
    for item in items:
        if isinstance(item, Toolkit):
            served += [_from_tool(t) for t in item.tools]
        elif isinstance(item, Tool):
            served.append(_from_tool(item))
        elif isinstance(item, ConversableAgent):
            served.append(_from_agent(item))
        elif callable(item):
            served.append(_from_tool(Tool(func_or_tool=item)))
        else:
            raise TypeError(f"Cannot serve {type(item).__name__} over MCP: expected a Toolkit, Tool or agent.")
    default_name = getattr(obj, "name", None) if not isinstance(obj, (list, tuple)) else None
    return build_server(name or default_name or "ag2", served)


def _streamable_http_app_v1(server: Any, path: str) -> Any:
    """mcp 1.x: a Starlette app serving the low-level ``server`` over streamable HTTP at ``path``."""
    from contextlib import asynccontextmanager

    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from starlette.applications import Starlette
    from starlette.routing import Route

    manager = StreamableHTTPSessionManager(app=server)

    class Endpoint:  # an ASGI app (not a function), so Starlette passes the raw request through
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await manager.handle_request(scope, receive, send)

    @asynccontextmanager
    async def lifespan(app: Any) -> Any:
        async with manager.run():
            yield

    return Starlette(routes=[Route(path, endpoint=Endpoint())], lifespan=lifespan)


def load_object(spec: str) -> Any:
    """``"package.module:attribute"`` -> the attribute (a zero-argument factory function is called)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"Expected 'module:object', got {spec!r}")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if inspect.isfunction(obj) and not inspect.signature(obj).parameters:
        obj = obj()
    return obj


def run_server(
    server: Any,
    transport: Literal["stdio", "streamable-http"] = "stdio",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    path: str = "/mcp",
) -> None:
    """Serve ``server`` (a low-level Server) until interrupted."""
    anyio = optional_import("anyio", "mcp", feature="autogen.mcp serve")
    if transport == "stdio":
        stdio = optional_import("mcp.server.stdio", "mcp", feature="autogen.mcp serve")

        async def main() -> None:
            async with stdio.stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())

        anyio.run(main)
    elif transport == "streamable-http":
        uvicorn = optional_import("uvicorn", "mcp", feature="autogen.mcp serve")
        if hasattr(server, "streamable_http_app"):  # mcp 2.x
            app = server.streamable_http_app(streamable_http_path=path, host=host)
        else:
            app = _streamable_http_app_v1(server, path)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    else:
        raise ValueError(f"Unknown transport {transport!r}: use 'stdio' or 'streamable-http'.")
