"""MCP client side: turn an MCP server's tools and resource templates into a `Toolkit`.

`create_toolkit(session)` wraps an open ``mcp.ClientSession``; the session configs (`StdioConfig`,
`SseConfig`, `StreamableHTTPConfig`, several servers in `MCPConfig`) and `MCPClientSessionManager`
open sessions; `open_toolkit(config)` runs a session on a background event loop so that sync chats
(``initiate_chat`` / ``run``) can use the tools as well as async ones.
"""

import asyncio
import concurrent.futures
import importlib.util
import os
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol, TypeVar, cast

from pydantic import AnyUrl, BaseModel, Field

from ..import_utils import optional_import
from ..tools import Tool, Toolkit

_mcp = optional_import("mcp", "mcp", feature="autogen.mcp")
anyio = optional_import("anyio", "mcp", feature="autogen.mcp")

from mcp.client.session import ClientSession
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.types import CallToolResult, ReadResourceResult, ResourceTemplate, TextContent
from mcp.types import Tool as MCPTool

# mcp 2.x renamed FastMCP to MCPServer; late 1.x releases already have 2.x's `streamable_http_client`
# name, but on httpx (not httpx2) and with 1.x's timedelta timeouts, so the major version decides.
MCP_V2 = importlib.util.find_spec("mcp.server.mcpserver") is not None
if MCP_V2:
    from mcp.client.streamable_http import streamable_http_client

    streamablehttp_client = None
else:
    from mcp.client.streamable_http import streamablehttp_client  # type: ignore[no-redef,attr-defined]

    streamable_http_client = None  # type: ignore[assignment]

__all__ = [
    "MCPClientSessionManager",
    "MCPConfig",
    "ResultSaved",
    "SseConfig",
    "StdioConfig",
    "StreamableHTTPConfig",
    "create_toolkit",
    "open_toolkit",
]

T = TypeVar("T")

EncodingErrorHandlerType = Literal["strict", "ignore", "replace"]

DEFAULT_TEXT_ENCODING = "utf-8"
DEFAULT_TEXT_ENCODING_ERROR_HANDLER: EncodingErrorHandlerType = "strict"
DEFAULT_HTTP_REQUEST_TIMEOUT = 5
DEFAULT_SSE_EVENT_READ_TIMEOUT = 60 * 5
DEFAULT_STREAMABLE_HTTP_REQUEST_TIMEOUT = timedelta(seconds=30)
DEFAULT_STREAMABLE_HTTP_SSE_EVENT_READ_TIMEOUT = timedelta(seconds=60 * 5)

_LOOP_STALL_SECONDS = 5.0
"""How long a call from another event loop waits for the session's own loop to pick the call up."""


def _field(obj: Any, snake: str, camel: str) -> Any:
    """An MCP model field under mcp 2's snake_case or mcp 1's camelCase attribute name."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel, None)


def _sanitize_resource_filename(uri: str, download_folder: Path, timestamp: str) -> Path:
    """The file a resource read from ``uri`` is saved to: its last path part plus ``_timestamp``,
    always directly inside ``download_folder`` (ValueError if it would resolve anywhere else)."""
    without_scheme = uri.split("://")[-1]
    name = os.path.basename(without_scheme.replace("\\", "/"))
    if name in ("", ".", ".."):
        name = "resource"
    folder = download_folder.resolve()
    target = (folder / f"{name}_{timestamp}").resolve()
    if target.parent != folder:
        raise ValueError(f"Path traversal detected in resource URI: {uri}")
    return target


# ---------------------------------------------------------------------------------------- configs
class SessionConfigProtocol(Protocol):
    """What `MCPClientSessionManager.open_session` needs from a config."""

    server_name: str

    def create_session(self, exit_stack: AsyncExitStack) -> AbstractAsyncContextManager[ClientSession]:
        """Open the transport and a ClientSession on it, both registered on ``exit_stack``."""
        ...


class BasicSessionConfig(BaseModel):
    """Fields and session set-up shared by the transport configs."""

    server_name: str = Field(..., description="Name of the server")

    async def initialize(self, client: AbstractAsyncContextManager[Any], exit_stack: AsyncExitStack) -> ClientSession:
        """Enter the transport ``client`` and a ClientSession on its streams (not yet initialized)."""
        streams = await exit_stack.enter_async_context(client)
        reader, writer = streams[0], streams[1]  # mcp 1's streamable HTTP adds a session-id getter
        return cast(ClientSession, await exit_stack.enter_async_context(ClientSession(reader, writer)))


class SseConfig(BasicSessionConfig):
    """One MCP server reached over the (legacy) HTTP+SSE transport."""

    url: str = Field(..., description="URL of the SSE server")
    headers: dict[str, Any] | None = Field(default=None, description="HTTP headers to send to the SSE endpoint")
    timeout: float = Field(default=DEFAULT_HTTP_REQUEST_TIMEOUT, description="HTTP timeout")
    sse_read_timeout: float = Field(default=DEFAULT_SSE_EVENT_READ_TIMEOUT, description="SSE read timeout")

    @asynccontextmanager
    async def create_session(self, exit_stack: AsyncExitStack) -> AsyncIterator[ClientSession]:
        """A session over SSE, closed with ``exit_stack``."""
        client = sse_client(self.url, self.headers, self.timeout, self.sse_read_timeout)
        yield await self.initialize(client, exit_stack)


def _server_errlog() -> Any:
    """Where a stdio server's stderr goes: ours when it is a real file (the subprocess needs a file
    descriptor), else the process's original stderr (a notebook kernel replaces ``sys.stderr`` with a
    stream without one), else nowhere."""
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.fileno()
                return stream
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and ValueError
            continue
    return open(os.devnull, "w")  # lives as long as the server process


class StdioConfig(BasicSessionConfig):
    """One MCP server run as a subprocess, spoken to over its stdin/stdout."""

    command: str = Field(..., description="Command to execute")
    args: list[str] = Field(..., description="Arguments for the command")
    transport: Literal["stdio"] = Field(default="stdio", description="Transport type")
    environment: dict[str, str] | None = Field(default=None, description="Environment variables")
    working_dir: str | Path | None = Field(default=None, description="Working directory")
    encoding: str = Field(default=DEFAULT_TEXT_ENCODING, description="Character encoding")
    encoding_error_handler: EncodingErrorHandlerType = Field(
        default=DEFAULT_TEXT_ENCODING_ERROR_HANDLER, description="How to handle encoding errors"
    )
    session_options: dict[str, Any] | None = Field(default=None, description="Additional session options")

    @asynccontextmanager
    async def create_session(self, exit_stack: AsyncExitStack) -> AsyncIterator[ClientSession]:
        """A session with a freshly started server process, stopped with ``exit_stack``."""
        params = StdioServerParameters(
            command=self.command,
            args=self.args,
            env=self.environment,
            cwd=str(self.working_dir) if self.working_dir else None,
            encoding=self.encoding,
            encoding_error_handler=self.encoding_error_handler,
        )
        errlog = _server_errlog()
        # as the original calls it when our stderr is usable; another errlog only when it is not
        client = stdio_client(params) if errlog is sys.stderr else stdio_client(params, errlog=errlog)
        yield await self.initialize(client, exit_stack)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class StreamableHTTPConfig(BasicSessionConfig):
    """One MCP server reached over the streamable HTTP transport (``http://host:port/mcp``)."""

    url: str = Field(..., description="URL of the streamable HTTP endpoint")
    transport: Literal["streamable-http"] = Field(default="streamable-http", description="Transport type")
    headers: dict[str, str] | None = Field(default=None, description="HTTP headers sent with every request")
    timeout: float | timedelta = Field(default=DEFAULT_STREAMABLE_HTTP_REQUEST_TIMEOUT, description="HTTP timeout")
    sse_read_timeout: float | timedelta = Field(
        default=DEFAULT_STREAMABLE_HTTP_SSE_EVENT_READ_TIMEOUT, description="How long to wait for the next event"
    )
    terminate_on_close: bool = Field(default=True, description="End the server-side session when closing")

    @asynccontextmanager
    async def create_session(self, exit_stack: AsyncExitStack) -> AsyncIterator[ClientSession]:
        """A session over streamable HTTP, closed (and the server session ended) with ``exit_stack``."""
        if streamable_http_client is not None:  # mcp 2: timeouts and headers live on the HTTP client
            from mcp.shared._httpx_utils import create_mcp_http_client

            httpx2 = optional_import("httpx2", "mcp", feature="autogen.mcp")
            http_client = create_mcp_http_client(
                headers=self.headers,
                timeout=httpx2.Timeout(_seconds(self.timeout), read=_seconds(self.sse_read_timeout)),
            )
            await exit_stack.enter_async_context(http_client)
            client = streamable_http_client(
                self.url, http_client=http_client, terminate_on_close=self.terminate_on_close
            )
        else:
            client = streamablehttp_client(  # type: ignore[misc]
                self.url,
                headers=self.headers,
                timeout=timedelta(seconds=_seconds(self.timeout)),
                sse_read_timeout=timedelta(seconds=_seconds(self.sse_read_timeout)),
                terminate_on_close=self.terminate_on_close,
            )
        yield await self.initialize(client, exit_stack)


class MCPConfig(BaseModel):
    """Several MCP servers, each opened by `MCPClientSessionManager.open_sessions` / `open_toolkit`."""

    servers: list[SseConfig | StdioConfig | StreamableHTTPConfig] = Field(
        ..., description="List of stdio, SSE and streamable HTTP server configurations"
    )


# ------------------------------------------------------------------------------------ session calls
class _SessionCaller:
    """Runs session calls on the event loop that owns the session.

    A ClientSession lives on the loop it was opened on. An async chat on that loop awaits the call
    directly; a sync chat runs async tools on a private loop in a helper thread, so the call is
    handed over to the session's loop (which must keep running: see `open_toolkit`).
    """

    def __init__(self, session: ClientSession, timeout: float | None) -> None:
        self.session = session
        self.timeout = timeout
        self.loop = asyncio.get_running_loop()

    def read_timeout(self) -> Any:
        if self.timeout is None:
            return None
        if streamable_http_client is None:  # mcp 1 takes a timedelta
            return timedelta(seconds=self.timeout)
        return self.timeout

    async def run(self, make_call: Callable[[], Awaitable[T]]) -> T:
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is self.loop:
            return await make_call()
        if self.loop.is_closed() or not self.loop.is_running():
            raise RuntimeError("The MCP session is closed: its event loop is no longer running.")
        started = threading.Event()

        async def on_home_loop() -> T:
            started.set()
            return await make_call()

        future = asyncio.run_coroutine_threadsafe(on_home_loop(), self.loop)
        waited = asyncio.wrap_future(future)
        done, _ = await asyncio.wait({waited}, timeout=_LOOP_STALL_SECONDS)
        if not done and not started.is_set():
            future.cancel()
            raise RuntimeError(
                "The MCP session's event loop is blocked: a sync chat (initiate_chat/run) was started from "
                "the coroutine that owns the session. Use a_initiate_chat/a_run there, or open the session "
                "with autogen.mcp.mcp_client.open_toolkit(config), which runs it on a background loop."
            )
        try:
            return await waited
        except asyncio.CancelledError:
            future.cancel()
            raise


def _resource_uri(uri: str) -> Any:
    """mcp 2 reads a resource by its URI string, mcp 1 by a pydantic AnyUrl."""
    return uri if streamable_http_client is not None else AnyUrl(uri)


def _offers(session: ClientSession, capability: str) -> bool:
    """False only when the server's initialize result says it has no ``capability`` (tools, resources)."""
    caps = getattr(session, "server_capabilities", None)
    if caps is None and callable(getattr(session, "get_server_capabilities", None)):  # mcp 1
        caps = session.get_server_capabilities()
    if caps is None or not hasattr(caps, capability):
        return True
    return getattr(caps, capability) is not None


def _innermost(exc: BaseException) -> BaseException:
    """The single error inside (nested) exception groups, or ``exc`` itself."""
    while len(getattr(exc, "exceptions", ())) == 1:
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    return exc


def _connection_error(server: str, what: str, exc: Exception) -> RuntimeError:
    return RuntimeError(f"MCP server {server!r} failed during {what}: {type(exc).__name__}: {exc}")


def _server_label(session: ClientSession) -> str:
    info = getattr(session, "server_info", None)
    if info is None:
        result = getattr(session, "initialize_result", None)
        info = getattr(result, "server_info", None) if result is not None else None
    return getattr(info, "name", None) or "mcp"


class MCPClient:
    """Converts MCP tools and resource templates into AG2 `Tool` objects."""

    @staticmethod
    def _convert_call_tool_result(call_tool_result: CallToolResult) -> tuple[str | list[str], Any]:
        """(text, or a list of texts; the non-text contents or None); ValueError for an error result."""
        texts = [c.text for c in call_tool_result.content if isinstance(c, TextContent)]
        others = [c for c in call_tool_result.content if not isinstance(c, TextContent)]
        tool_content: str | list[str] = texts[0] if len(texts) == 1 else texts
        if _field(call_tool_result, "is_error", "isError"):
            raise ValueError(f"Tool call failed: {tool_content}")
        return tool_content, others or None

    @classmethod
    def convert_tool(
        cls, tool: Any, session: ClientSession, *, caller: _SessionCaller | None = None, **kwargs: Any
    ) -> Tool:
        """An AG2 Tool calling the MCP tool ``tool`` through ``session``."""
        if not isinstance(tool, MCPTool):
            raise ValueError(f"Expected an instance of `mcp.types.Tool`, got {type(tool)}")  # noqa: TRY004 - as in ag2
        run = caller or _SessionCaller(session, None)
        name = tool.name

        async def call_tool(**arguments: Any) -> tuple[str | list[str], Any]:
            try:
                result = await run.run(lambda: session.call_tool(name, arguments, run.read_timeout()))
            except (ValueError, RuntimeError):
                raise
            except Exception as e:  # the SDK's MCPError / transport errors: a readable tool error
                raise _connection_error(_server_label(session), f"the call to tool {name!r}", e) from e
            return MCPClient._convert_call_tool_result(result)

        return Tool(
            name=name,
            description=tool.description,
            func_or_tool=call_tool,
            parameters_json_schema=_field(tool, "input_schema", "inputSchema"),
        )

    @classmethod
    def convert_resource(
        cls,
        resource_template: Any,
        session: ClientSession,
        resource_download_folder: Path | None,
        *,
        caller: _SessionCaller | None = None,
        **kwargs: Any,
    ) -> Tool:
        """An AG2 Tool reading resources of ``resource_template`` (saved to the folder when one is given)."""
        if not isinstance(resource_template, ResourceTemplate):
            raise ValueError(  # noqa: TRY004 - as in ag2
                f"Expected an instance of `mcp.types.ResourceTemplate`, got {type(resource_template)}"
            )
        run = caller or _SessionCaller(session, None)
        template = _field(resource_template, "uri_template", "uriTemplate")
        uri_description = (
            "A URI template (according to RFC 6570) that can be used to construct resource URIs.\n"
            f"Here is the correct format for the URI template:\n{template}\n"
        )
        folder = resource_download_folder

        async def call_resource(uri: Annotated[str, uri_description]) -> ReadResourceResult | ResultSaved:
            try:
                result = await run.run(lambda: session.read_resource(_resource_uri(uri)))
            except (ValueError, RuntimeError):
                raise
            except Exception as e:
                raise _connection_error(_server_label(session), f"reading resource {uri!r}", e) from e
            if folder is None:
                return result
            file_path = _sanitize_resource_filename(uri, folder, datetime.now().strftime("%Y%m%d%H%M%S"))
            async with await anyio.open_file(file_path, "w", encoding="utf-8") as f:
                await f.write(result.model_dump_json(indent=4))
            return ResultSaved(explanation=f"Request for uri {uri} was saved to {file_path}", file_path=file_path)

        return Tool(name=resource_template.name, description=resource_template.description, func_or_tool=call_resource)

    @classmethod
    async def load_mcp_toolkit(
        cls,
        session: ClientSession,
        *,
        use_mcp_tools: bool,
        use_mcp_resources: bool,
        resource_download_folder: Path | None,
        tool_timeout: float | None = None,
    ) -> Toolkit:
        """All of the session's tools and/or resource templates as a Toolkit."""
        caller = _SessionCaller(session, tool_timeout)
        tools: list[Tool] = []
        if use_mcp_tools and _offers(session, "tools"):
            listed = await session.list_tools()
            tools += [cls.convert_tool(tool=t, session=session, caller=caller) for t in listed.tools]
        if use_mcp_resources and _offers(session, "resources"):
            listed_templates = await session.list_resource_templates()
            templates = _field(listed_templates, "resource_templates", "resourceTemplates") or []
            tools += [
                cls.convert_resource(
                    resource_template=t,
                    session=session,
                    resource_download_folder=resource_download_folder,
                    caller=caller,
                )
                for t in templates
            ]
        return Toolkit(tools=tools)

    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        """Why this module cannot be used (None: it can)."""
        return None


# --------------------------------------------------------------------------------- session manager
class MCPClientSessionManager:
    """Opens MCP sessions from configs and closes them (with their transports) when done.

    ``async with manager.open_session(config) as session`` opens one server;
    ``async with manager.open_sessions(mcp_config) as sessions`` opens several (a dict by server name).
    Sessions opened on ``manager.exit_stack`` directly are closed by ``await manager.aclose()``.
    """

    def __init__(self) -> None:
        self.exit_stack = AsyncExitStack()
        self.sessions: dict[str, ClientSession] = {}

    @asynccontextmanager
    async def open_session(self, config: SessionConfigProtocol) -> AsyncIterator[ClientSession]:
        """An initialized session to the server of ``config``; closed on leaving the block."""
        async with AsyncExitStack() as stack:
            session = await stack.enter_async_context(config.create_session(stack))
            await session.initialize()
            self.sessions[config.server_name] = session
            try:
                yield session
            finally:
                if self.sessions.get(config.server_name) is session:
                    del self.sessions[config.server_name]

    @asynccontextmanager
    async def open_sessions(self, config: MCPConfig) -> AsyncIterator[dict[str, ClientSession]]:
        """Initialized sessions to every server of ``config``, by server name; all closed on leaving."""
        names = [s.server_name for s in config.servers]
        if len(set(names)) != len(names):
            raise ValueError(f"MCPConfig server names must be unique, got {names}")
        async with AsyncExitStack() as stack:
            opened = {}
            for server in config.servers:
                opened[server.server_name] = await stack.enter_async_context(self.open_session(server))
            yield opened

    async def aclose(self) -> None:
        """Close whatever was entered on ``exit_stack``."""
        await self.exit_stack.aclose()
        self.sessions.clear()

    async def __aenter__(self) -> "MCPClientSessionManager":  # noqa: PYI034
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def create_toolkit(
    session: ClientSession,
    *,
    use_mcp_tools: bool = True,
    use_mcp_resources: bool = True,
    resource_download_folder: Path | str | None = None,
    tool_timeout: float | None = None,
) -> Toolkit:
    """A Toolkit of the MCP server's tools and resource templates, calling it through ``session``.

    Args:
        session: an initialized ``mcp.ClientSession``; the tools use it while it stays open.
        use_mcp_tools: include the server's tools.
        use_mcp_resources: include one tool per resource template (taking a ``uri``).
        resource_download_folder: save each resource read there (a file named after the URI's last
            part and a timestamp, never outside the folder) and return a `ResultSaved` instead.
        tool_timeout: seconds a call may take before it fails (None: no limit; a server that dies
            mid-call fails the call at once either way).
    """
    folder: Path | None = None
    if resource_download_folder is not None:
        folder = Path(resource_download_folder)
        await anyio.to_thread.run_sync(lambda: folder.mkdir(parents=True, exist_ok=True))
    return await MCPClient.load_mcp_toolkit(
        session=session,
        use_mcp_tools=use_mcp_tools,
        use_mcp_resources=use_mcp_resources,
        resource_download_folder=folder,
        tool_timeout=tool_timeout,
    )


@contextmanager
def open_toolkit(
    config: SseConfig | StdioConfig | StreamableHTTPConfig | MCPConfig,
    *,
    use_mcp_tools: bool = True,
    use_mcp_resources: bool = True,
    resource_download_folder: Path | str | None = None,
    tool_timeout: float | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[Toolkit]:
    """``with open_toolkit(config) as toolkit:`` -- the servers' tools for sync and async chats alike.

    The sessions run on an event loop in a background thread for the duration of the block, so the
    tools work from ``initiate_chat``/``run`` as well as from ``a_initiate_chat``/``a_run``.
    With an `MCPConfig` the toolkits of all servers are merged (a later server's tool replaces an
    earlier one of the same name).
    """
    ready: concurrent.futures.Future[Toolkit] = concurrent.futures.Future()
    holder: dict[str, Any] = {}

    async def serve() -> None:
        stop = asyncio.Event()
        holder["loop"], holder["stop"] = asyncio.get_running_loop(), stop
        try:
            manager = MCPClientSessionManager()
            configs = config.servers if isinstance(config, MCPConfig) else [config]
            async with manager.open_sessions(MCPConfig(servers=configs)) as sessions:
                merged: list[Tool] = []
                for session in sessions.values():
                    kit = await create_toolkit(
                        session,
                        use_mcp_tools=use_mcp_tools,
                        use_mcp_resources=use_mcp_resources,
                        resource_download_folder=resource_download_folder,
                        tool_timeout=tool_timeout,
                    )
                    merged += kit.tools
                ready.set_result(Toolkit(tools=merged))
                await stop.wait()
        except BaseException as e:  # noqa: BLE001 - handed to the thread that waits in open_toolkit
            if not ready.done():
                ready.set_exception(e)
            else:
                holder["error"] = e

    thread = threading.Thread(target=lambda: asyncio.run(serve()), name="autogen-mcp-session", daemon=True)
    thread.start()
    try:
        toolkit = ready.result(timeout=startup_timeout)
    except concurrent.futures.TimeoutError:
        if "loop" in holder:
            holder["loop"].call_soon_threadsafe(holder["stop"].set)
        raise TimeoutError(f"The MCP server(s) did not start within {startup_timeout} s.") from None
    except Exception as e:
        cause = _innermost(e)
        names = ", ".join(repr(s.server_name) for s in (config.servers if isinstance(config, MCPConfig) else [config]))
        raise RuntimeError(f"Could not open the MCP session(s) to {names}: {type(cause).__name__}: {cause}") from e
    try:
        yield toolkit
    finally:
        loop = holder["loop"]
        if not loop.is_closed():
            loop.call_soon_threadsafe(holder["stop"].set)
        thread.join(timeout=30)


class ResultSaved(BaseModel):
    """A resource read saved to a file."""

    explanation: str
    file_path: Path
