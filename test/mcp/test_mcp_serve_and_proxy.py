"""Beyond ag2 0.13.4: AG2 tools and agents served over MCP (``python -m autogen.mcp serve``), and the
OpenAPI proxy (``python -m autogen.mcp create``) in front of a real HTTP API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
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
        schema = listed.input_schema
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


# ------------------------------------------------------------------------------------ OpenAPI proxy
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Pet store", "version": "1"},
    "servers": [{"url": "http://example.invalid"}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        "schemas": {"NewPet": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
    },
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "summary": "List pets",
                "tags": ["pets"],
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            },
            "post": {
                "operationId": "createPet",
                "description": "Add a pet",
                "tags": ["pets", "admin"],
                "security": [{"key": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
                },
            },
        },
        "/pets/{petId}": {
            "get": {
                "operationId": "getPet",
                "description": "One pet",
                "tags": ["pets"],
                "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}],
            }
        },
    },
}


@pytest.fixture
def pet_api() -> Iterator[str]:
    """A real HTTP API (Starlette under uvicorn, in a thread) implementing SPEC."""
    uvicorn = pytest.importorskip("uvicorn")
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    pets = [{"id": 1, "name": "rex"}, {"id": 2, "name": "tom"}]

    async def list_pets(request: Request) -> JSONResponse:
        if request.method == "POST":
            if request.headers.get("x-api-key") != "secret":
                return JSONResponse({"error": "unauthorized"}, status_code=401)
            pet = {"id": len(pets) + 1, "name": (await request.json())["name"]}
            pets.append(pet)
            return JSONResponse(pet)
        return JSONResponse(pets[: int(request.query_params.get("limit", 100))])

    async def get_pet(request: Request) -> JSONResponse:
        return JSONResponse(pets[int(request.path_params["pet_id"]) - 1])

    app = Starlette(routes=[Route("/pets", list_pets, methods=["GET", "POST"]), Route("/pets/{pet_id:int}", get_pet)])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


async def test_openapi_proxy_generated_by_the_cli_serves_the_api(pet_api: str, tmp_path: Path) -> None:
    out = tmp_path / "proxy"
    cli = [sys.executable, "-m", "autogen.mcp", "create", "--openapi-specification", json.dumps(SPEC)]
    cli += ["--client-source-path", str(out), "--server-url", pet_api]
    subprocess.run(cli, check=True, env={**os.environ, "PYTHONPATH": PYTHONPATH})  # noqa: ASYNC221
    config = json.loads((out / "mcp_config.json").read_text())
    assert config["server"] == {"url": pet_api}
    assert [op["name"] for op in config["operations"]] == ["list_pets", "create_pet", "get_pet"]
    assert config["authentication"] == [
        {"security_scheme": "key", "type": "apiKey", "in": "header", "name": "X-API-Key"}
    ]
    config["authentication"][0]["value"] = "secret"  # the user fills in the credential
    (out / "mcp_config.json").write_text(json.dumps(config))

    stdio = StdioConfig(
        server_name="pets", command=sys.executable, args=[str(out / "main.py")], environment={"PYTHONPATH": PYTHONPATH}
    )
    async with MCPClientSessionManager().open_session(stdio) as session:
        toolkit = await create_toolkit(session)
        assert [t.name for t in toolkit.tools] == ["list_pets", "create_pet", "get_pet"]
        create_schema = toolkit.get_tool("create_pet").tool_schema["function"]["parameters"]
        assert create_schema["properties"]["body"]["properties"] == {"name": {"type": "string"}}
        assert create_schema["required"] == ["body"]
        text, _ = await toolkit.get_tool("list_pets")(limit=1)
        assert json.loads(text) == [{"id": 1, "name": "rex"}]
        text, _ = await toolkit.get_tool("create_pet")(body={"name": "kit"})
        assert json.loads(text) == {"id": 3, "name": "kit"}
        text, _ = await toolkit.get_tool("get_pet")(petId=3)
        assert json.loads(text) == {"id": 3, "name": "kit"}


def test_proxy_without_credentials_and_grouping(pet_api: str, tmp_path: Path) -> None:
    from autogen.mcp.mcp_proxy import MCPProxy

    proxy = MCPProxy.create(
        openapi_specification=json.dumps(SPEC),
        servers=[{"url": pet_api}],
        client_source_path=str(tmp_path),
        group_functions=True,
    )
    assert proxy.function_names == ["list_pets", "create_pet", "get_pet"]
    assert sorted(p.name for p in tmp_path.glob("mcp_config*.json")) == [
        "mcp_config.json",
        "mcp_config_admin.json",
        "mcp_config_pets.json",
    ]
    assert proxy.get_function("create_pet")(body={"name": "x"}) == {"error": "unauthorized"}
    proxy.set_security_params({"value": "secret"})
    assert proxy.get_function("create_pet")(body={"name": "y"})["name"] == "y"
    proxy.inject_parameters("list_pets", limit=2)
    assert "limit" not in proxy.get_function("list_pets").input_schema["properties"]
    assert len(proxy.get_function("list_pets")()) == 2
    with pytest.raises(ValueError, match="Either openapi_specification or openapi_url"):
        MCPProxy.create()
