"""Beyond ag2 0.13.4: AG2 tools and agents served over MCP (``python -m autogen.mcp serve``).
(The OpenAPI proxy, ``python -m autogen.mcp create``, is tested in test_mcp_proxy.py.)"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp_test_servers import free_port, wait_for_port

from autogen.mcp import create_toolkit
from autogen.mcp.mcp_client import MCPClientSessionManager, StdioConfig, StreamableHTTPConfig, open_toolkit
from autogen.testing import FakeLLMServer

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
PYTHONPATH = os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")])


def serve_config(target: str, env: dict[str, str] | None = None) -> StdioConfig:
    return StdioConfig(
        server_name="ag2",
        command=sys.executable,
        args=["-m", "autogen.mcp", "serve", target],
        environment={"PYTHONPATH": PYTHONPATH, **(env or {})},
    )


async def test_a_toolkit_served_over_stdio() -> None:
    async with MCPClientSessionManager().open_session(serve_config("served_objects:toolkit")) as session:
        toolkit = await create_toolkit(session)
        assert [t.name for t in toolkit.tools] == ["plus", "greet", "broken"]
        schema = toolkit.get_tool("plus").tool_schema["function"]
        assert schema["description"] == "Add two integers"
        assert schema["parameters"]["properties"]["a"] == {"type": "integer", "description": "first"}
        assert await toolkit.get_tool("plus")(a=2, b=40) == ("42", None)
        assert await toolkit.get_tool("greet")(name="ann") == ("hello ann", None)
        with pytest.raises(ValueError, match="broken on purpose"):
            await toolkit.get_tool("broken")()
        with pytest.raises(ValueError, match="Tool call failed"):
            await toolkit.get_tool("plus")(a="x", b=1)


async def test_a_model_parameters_schema_resolves_from_its_root() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    async with MCPClientSessionManager().open_session(serve_config("served_objects:order")) as session:
        (listed,) = (await session.list_tools()).tools
        schema = getattr(listed, "input_schema", None) or listed.inputSchema  # mcp 2.x / 1.x
        # the parameter keeps its own $defs (as in ag2's schemas); its refs point there from the root
        assert schema["properties"]["order"]["$defs"]["Item"]["required"] == ["sku"]
        assert schema["properties"]["order"]["properties"]["items"]["items"] == {
            "$ref": "#/properties/order/$defs/Item"
        }
        good = {"order": {"items": [{"sku": "a", "quantity": 2}, {"sku": "b"}]}}
        jsonschema.validate(good, schema)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"order": {"items": [{"quantity": 2}]}}, schema)
        toolkit = await create_toolkit(session)
        assert await toolkit.get_tool("order")(**good) == ("3", None)


def test_an_agent_served_over_streamable_http() -> None:
    port = free_port()
    with FakeLLMServer(["The answer is 42."]) as llm:
        env = {**os.environ, "PYTHONPATH": PYTHONPATH, "FAKE_LLM_CONFIG": json.dumps(llm.llm_config)}
        cmd = [sys.executable, "-m", "autogen.mcp", "serve", "served_objects:agent"]
        proc = subprocess.Popen([*cmd, "--transport", "streamable-http", "--port", str(port)], env=env)
        try:
            wait_for_port(port, proc)
            config = StreamableHTTPConfig(server_name="agent", url=f"http://127.0.0.1:{port}/mcp")
            with open_toolkit(config) as toolkit:
                (helper,) = toolkit.tools
                assert helper.name == "helper" and helper.description == "Answers questions"
                assert asyncio.run(helper(message="what is six times seven?")) == ("The answer is 42.", None)
            assert llm.requests[0].body["messages"][-1]["content"] == "what is six times seven?"
        finally:
            proc.terminate()
            proc.wait(timeout=10)
