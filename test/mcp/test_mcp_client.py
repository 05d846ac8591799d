"""`autogen.mcp` against real MCP servers (the mcp SDK's server in a subprocess, over stdio and
streamable HTTP on 127.0.0.1), driven by chats whose model is the scripted FakeLLMServer."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from mcp_test_servers import MATH_SERVER, HttpServer, wait_for_pid

from autogen import AssistantAgent, UserProxyAgent
from autogen.mcp import create_toolkit, mcp_client
from autogen.mcp.mcp_client import (
    MCPClientSessionManager,
    MCPConfig,
    ResultSaved,
    SseConfig,
    StdioConfig,
    StreamableHTTPConfig,
    _sanitize_resource_filename,
    open_toolkit,
)
from autogen.testing import FakeLLMServer, tool_call

mcp_types = pytest.importorskip("mcp.types")


def stdio_config(name: str = "math", env: dict[str, str] | None = None) -> StdioConfig:
    return StdioConfig(server_name=name, command=sys.executable, args=[str(MATH_SERVER)], environment=env)


def two_agents(server: FakeLLMServer) -> tuple[AssistantAgent, UserProxyAgent]:
    assistant = AssistantAgent("assistant", llm_config=server.llm_config)
    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
    return assistant, user


def tool_messages(history: list[dict[str, Any]]) -> list[str]:
    return [r["content"] for m in history for r in m.get("tool_responses", [])]


def kill_when_started(pid_file: Path) -> threading.Thread:
    """SIGKILL the server as soon as its ``slow`` tool is sleeping."""

    def killer() -> None:
        os.kill(wait_for_pid(pid_file), signal.SIGKILL)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    return thread


# ------------------------------------------------------------------------------------- the toolkit
async def test_toolkit_offers_the_servers_tools_and_resource_templates(tmp_path: Path) -> None:
    async with MCPClientSessionManager().open_session(stdio_config()) as session:
        toolkit = await create_toolkit(session)
        assert [t.name for t in toolkit.tools] == ["add", "multiply", "slow", "fail", "echo_resource", "evil_resource"]
        add = toolkit.get_tool("add").tool_schema
        assert add["function"]["description"] == "Add two numbers"
        assert add["function"]["parameters"]["properties"] == {
            "a": {"title": "A", "type": "integer"},
            "b": {"title": "B", "type": "integer"},
        }
        echo = toolkit.get_tool("echo_resource").tool_schema["function"]
        assert echo["parameters"] == {
            "type": "object",
            "properties": {
                "uri": {
                    "type": "string",
                    "description": "A URI template (according to RFC 6570) that can be used to construct resource "
                    "URIs.\nHere is the correct format for the URI template:\necho://{message}\n",
                }
            },
            "required": ["uri"],
        }

        assert await toolkit.get_tool("multiply")(a=6, b=7) == ("42", None)
        read = await toolkit.get_tool("echo_resource")(uri="echo://AG2")
        assert isinstance(read, mcp_types.ReadResourceResult)
        assert read.contents[0].text == "Resource echo: AG2"
        with pytest.raises(ValueError, match="Tool call failed"):
            await toolkit.get_tool("fail")(reason="x")

        only_tools = await create_toolkit(session, use_mcp_resources=False)
        only_resources = await create_toolkit(session, use_mcp_tools=False)
        assert len(only_tools) == 4 and [t.name for t in only_resources] == ["echo_resource", "evil_resource"]


async def test_resource_downloads_stay_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "downloads" / "inner"
    async with MCPClientSessionManager().open_session(stdio_config()) as session:
        toolkit = await create_toolkit(session, resource_download_folder=folder)
        assert folder.is_dir()
        evil = toolkit.get_tool("evil_resource")
        uris = [
            ("evil://../../x", "x"),
            ("evil://a/../../../y", "y"),
            ("evil://..\\..\\z", "z"),
            ("evil://..", "resource"),
            ("evil:///etc/passwd", "passwd"),
        ]
        if not mcp_client.MCP_V2:
            # mcp 1.x's client takes none of these as a URL (pydantic AnyUrl), so they cannot be asked for
            uris = [("evil://plain", "plain")]
        for uri, stem in uris:
            saved = await evil(uri=uri)
            assert isinstance(saved, ResultSaved)
            assert saved.file_path.parent == folder.resolve() and saved.file_path.name.startswith(f"{stem}_")
            stored = mcp_types.ReadResourceResult.model_validate(json.loads(saved.file_path.read_text()))
            assert stored.contents[0].text.startswith("evil payload")
    written = {p.relative_to(tmp_path).parts[:2] for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {("downloads", "inner")}  # nothing landed anywhere else


def test_sanitize_refuses_a_symlink_leading_out(tmp_path: Path) -> None:
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / "x_ts").symlink_to(tmp_path / "outside")
    with pytest.raises(ValueError, match="Path traversal"):
        _sanitize_resource_filename("res://x", folder, "ts")


# ------------------------------------------------------------------------------------------- chats
def test_sync_chat_calls_an_mcp_tool_and_reads_a_resource(tmp_path: Path) -> None:
    replies = [
        {"tool_calls": [tool_call("add", {"a": 2, "b": 3}), tool_call("echo_resource", {"uri": "echo://hello"})]},
        "5, and the resource says hello. TERMINATE",
    ]
    with open_toolkit(stdio_config()) as toolkit, FakeLLMServer(replies) as llm:
        assistant, user = two_agents(llm)
        toolkit.register_for_llm(assistant)
        toolkit.register_for_execution(user)
        assert {t["function"]["name"] for t in assistant.llm_config["tools"]} >= {"add", "echo_resource"}
        result = user.initiate_chat(assistant, message="add 2 and 3, read echo://hello", max_turns=2)
    results = tool_messages(result.chat_history)
    assert results[0] == "['5', None]"
    assert "Resource echo: hello" in results[1]
    assert result.chat_history[-1]["content"].startswith("5, and the resource")
    sent = llm.requests[1].body["messages"]
    assert [m["content"] for m in sent if m["role"] == "tool"] == results


async def test_async_chat_on_the_sessions_own_loop() -> None:
    replies = [{"tool_calls": [tool_call("multiply", {"a": 4, "b": 5})]}, "20 TERMINATE"]
    async with MCPClientSessionManager().open_session(stdio_config()) as session:
        toolkit = await create_toolkit(session)
        with FakeLLMServer(replies) as llm:
            assistant, user = two_agents(llm)
            toolkit.register_for_llm(assistant)
            toolkit.register_for_execution(user)
            result = await user.a_initiate_chat(assistant, message="4 times 5", max_turns=2)
    assert tool_messages(result.chat_history) == ["['20', None]"]


async def test_a_sync_chat_blocking_the_sessions_loop_gets_an_error_not_a_hang(monkeypatch) -> None:
    monkeypatch.setattr(mcp_client, "_LOOP_STALL_SECONDS", 0.5)
    replies = [{"tool_calls": [tool_call("add", {"a": 1, "b": 1})]}, "gave up TERMINATE"]
    async with MCPClientSessionManager().open_session(stdio_config()) as session:
        toolkit = await create_toolkit(session)
        with FakeLLMServer(replies) as llm:
            assistant, user = two_agents(llm)
            toolkit.register_for_llm(assistant)
            toolkit.register_for_execution(user)
            result = user.initiate_chat(assistant, message="1+1", max_turns=2)  # blocks this loop
    (message,) = tool_messages(result.chat_history)
    assert message.startswith("Error:") and "event loop is blocked" in message and "open_toolkit" in message


def test_streamable_http_chat(http_server: HttpServer) -> None:
    replies = [
        {"tool_calls": [tool_call("add", {"a": 20, "b": 22}), tool_call("echo_resource", {"uri": "echo://http"})]},
        "42 TERMINATE",
    ]
    config = StreamableHTTPConfig(server_name="http-math", url=http_server.url)
    with open_toolkit(config) as toolkit, FakeLLMServer(replies) as llm:
        assistant, user = two_agents(llm)
        toolkit.register_for_llm(assistant)
        toolkit.register_for_execution(user)
        result = user.initiate_chat(assistant, message="20+22", max_turns=2)
    results = tool_messages(result.chat_history)
    assert results[0] == "['42', None]" and "Resource echo: http" in results[1]


def test_sse_server() -> None:
    server = HttpServer(transport="sse")
    try:
        with open_toolkit(SseConfig(server_name="sse-math", url=server.url)) as toolkit:
            assert asyncio.run(toolkit.get_tool("multiply")(a=3, b=5)) == ("15", None)
            assert "Resource echo: sse" in str(asyncio.run(toolkit.get_tool("echo_resource")(uri="echo://sse")))
    finally:
        server.stop()


async def test_several_servers_through_mcp_config(http_server: HttpServer) -> None:
    config = MCPConfig(servers=[stdio_config("local"), StreamableHTTPConfig(server_name="remote", url=http_server.url)])
    manager = MCPClientSessionManager()
    async with manager.open_sessions(config) as sessions:
        assert set(sessions) == set(manager.sessions) == {"local", "remote"}
        for session in sessions.values():
            toolkit = await create_toolkit(session, use_mcp_resources=False)
            assert await toolkit.get_tool("add")(a=1, b=2) == ("3", None)
    assert manager.sessions == {}
    with pytest.raises(ValueError, match="unique"):
        async with manager.open_sessions(MCPConfig(servers=[stdio_config("a"), stdio_config("a")])):
            pass


def test_sessions_are_closed_and_the_server_process_ends(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    async def run() -> int:
        async with MCPClientSessionManager().open_session(stdio_config(env={"MCP_TEST_PID_FILE": str(pid_file)})) as s:
            toolkit = await create_toolkit(s)
            await toolkit.get_tool("slow")(seconds=0)
        return int(pid_file.read_text())

    pid = asyncio.run(run())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail("the stdio server process outlived its session")


# -------------------------------------------------------------------------------- failing servers
def test_stdio_server_killed_mid_call_gives_an_error_tool_message(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    replies = [
        {"tool_calls": [tool_call("slow", {"seconds": 60})]},
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2})]},
        "the server died TERMINATE",
    ]
    started = time.monotonic()
    with (
        open_toolkit(stdio_config(env={"MCP_TEST_PID_FILE": str(pid_file)})) as toolkit,
        FakeLLMServer(replies) as llm,
    ):
        assistant, user = two_agents(llm)
        toolkit.register_for_llm(assistant)
        toolkit.register_for_execution(user)
        kill_when_started(pid_file)
        result = user.initiate_chat(assistant, message="sleep", max_turns=3)
    assert time.monotonic() - started < 45
    first, second = tool_messages(result.chat_history)
    assert first.startswith("Error:") and "'slow'" in first and "Connection closed" in first
    assert second.startswith("Error:")  # the dead session fails fast for later calls too
    assert result.chat_history[-1]["content"] == "the server died TERMINATE"


@pytest.mark.skipif(
    not mcp_client.MCP_V2,
    reason="mcp 1.x's streamable HTTP client drops a broken response stream and waits (set tool_timeout)",
)
def test_http_server_killed_mid_call_gives_an_error_tool_message(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    server = HttpServer(env={"MCP_TEST_PID_FILE": str(pid_file)})
    replies = [{"tool_calls": [tool_call("slow", {"seconds": 60})]}, "the server died TERMINATE"]
    try:
        started = time.monotonic()
        config = StreamableHTTPConfig(server_name="http-math", url=server.url)
        with open_toolkit(config) as toolkit, FakeLLMServer(replies) as llm:
            assistant, user = two_agents(llm)
            toolkit.register_for_llm(assistant)
            toolkit.register_for_execution(user)
            kill_when_started(pid_file)
            result = user.initiate_chat(assistant, message="sleep", max_turns=2)
        assert time.monotonic() - started < 45
    finally:
        server.stop()
    (message,) = tool_messages(result.chat_history)
    assert message.startswith("Error:") and "'slow'" in message
    assert result.chat_history[-1]["content"] == "the server died TERMINATE"


def test_tool_timeout_fails_a_hung_call(tmp_path: Path) -> None:
    with open_toolkit(stdio_config(), tool_timeout=1.0) as toolkit:
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="'slow'"):
            asyncio.run(toolkit.get_tool("slow")(seconds=30))
        assert time.monotonic() - started < 20
        assert asyncio.run(toolkit.get_tool("add")(a=1, b=1)) == ("2", None)  # the session survives


def test_open_toolkit_reports_a_server_that_cannot_start() -> None:
    config = StdioConfig(server_name="broken", command=sys.executable, args=["-c", "import sys; sys.exit(3)"])
    expected = "Could not open the MCP session.*'broken'.*Connection closed"
    with pytest.raises(RuntimeError, match=expected), open_toolkit(config, startup_timeout=30):
        pass


def test_missing_sdk_names_the_extra() -> None:
    code = "import sys; sys.modules['mcp'] = None\nimport autogen.mcp"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode != 0 and 'pip install "ag2[mcp]"' in out.stderr


def test_import_autogen_does_not_load_mcp() -> None:
    code = "import sys, autogen; print(any(m == 'mcp' or m.startswith(('mcp.', 'autogen.mcp')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_stdio_server_starts_when_stderr_has_no_file_descriptor(monkeypatch) -> None:
    # a notebook kernel replaces sys.stderr with a stream that has no fileno(); the server's stderr then
    # goes to the process's original stderr instead of failing with UnsupportedOperation
    import io

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with open_toolkit(stdio_config()) as toolkit:
        assert "add" in {tool.name for tool in toolkit.tools}
