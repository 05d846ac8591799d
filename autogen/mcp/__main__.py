"""``python -m autogen.mcp``: ``create`` an MCP proxy of an OpenAPI spec, or ``serve`` AG2 tools/agents.

python -m autogen.mcp create --openapi-url URL --client-source-path DIR [--server-url URL]
python -m autogen.mcp serve package.module:toolkit [--transport stdio|streamable-http] [--port N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m autogen.mcp``."""
    parser = argparse.ArgumentParser(prog="python -m autogen.mcp", description="AG2 MCP tools.")
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    create = commands.add_parser("create", help="Generate an MCP proxy for an OpenAPI-described HTTP API.")
    create.add_argument("--openapi-specification", help="The OpenAPI specification (its text).")
    create.add_argument("--openapi-url", help="URL of the OpenAPI specification.")
    create.add_argument("--client-source-path", help="Folder that receives the spec, mcp_config.json and main.py.")
    create.add_argument("--server-url", help="URL of the API server (overrides the spec's servers).")
    create.add_argument("--configuration-type", choices=["json", "yaml"], default="json")

    serve = commands.add_parser("serve", help="Serve a Toolkit, Tool(s) or agent over MCP.")
    serve.add_argument("target", help="module:object (a Toolkit, a Tool, a list of them, or a ConversableAgent)")
    serve.add_argument("--transport", choices=["stdio", "streamable-http"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--path", default="/mcp", help="HTTP path of the streamable HTTP endpoint.")
    serve.add_argument("--name", help="The server's name (default: the object's name).")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "create":
        from .mcp_proxy import MCPProxy

        MCPProxy.create(
            openapi_specification=args.openapi_specification,
            openapi_url=args.openapi_url,
            client_source_path=args.client_source_path,
            servers=[{"url": args.server_url}] if args.server_url else None,
            configuration_type=args.configuration_type,
        )
        return 0
    from .serve import load_object, run_server, server_from_object

    if "" not in sys.path:
        sys.path.insert(0, "")  # module:object is looked up from the current directory too
    server = server_from_object(load_object(args.target), name=args.name)
    run_server(server, args.transport, host=args.host, port=args.port, path=args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
