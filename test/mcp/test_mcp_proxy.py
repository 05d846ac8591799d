"""`MCPProxy`: a client module generated from a real API's OpenAPI spec, its security schemes applied
to real requests (the API on 127.0.0.1 checks every credential), served over MCP, and the LLM-based
renaming and grouping of operations against a FakeLLMServer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("yaml")
pytest.importorskip("uvicorn")

from mcp_test_servers import free_port, wait_for_port
from proxy_api import CREDENTIALS, SPEC, TOKEN, VaultApi, running_api

from autogen.mcp import create_toolkit
from autogen.mcp.mcp_client import MCPClientSessionManager, StdioConfig, StreamableHTTPConfig
from autogen.mcp.mcp_proxy import MCPProxy
from autogen.mcp.mcp_proxy.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    BaseSecurity,
    HTTPBasic,
    HTTPBearer,
    OAuth2PasswordBearer,
)
from autogen.testing import FakeLLMServer

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
PYTHONPATH = os.pathsep.join([str(ROOT), str(HERE), os.environ.get("PYTHONPATH", "")])
OPERATIONS = [
    "read_header_secret",
    "read_query_secret",
    "read_cookie_secret",
    "read_bearer_secret",
    "read_basic_secret",
    "read_oauth_secret",
    "add_pet",
]


@pytest.fixture(scope="module")
def api() -> Iterator[VaultApi]:
    with running_api() as api:
        yield api


@pytest.fixture(scope="module")
def generated(api: VaultApi, tmp_path_factory: pytest.TempPathFactory) -> tuple[MCPProxy, Path]:
    folder = tmp_path_factory.mktemp("vault")
    proxy = MCPProxy.create(
        openapi_url=f"{api.url}/openapi.json", client_source_path=folder, servers=[{"url": api.url}]
    )
    return proxy, folder


def test_create_writes_the_client_module(generated: tuple[MCPProxy, Path], api: VaultApi) -> None:
    proxy, folder = generated
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [
        "main.py",
        "mcp_config.json",
        "mcp_config_http.json",
        "mcp_config_keys.json",
        "mcp_config_oauth.json",
        "models.py",
    ]
    main = (folder / "main.py").read_text()
    assert "from autogen.mcp.mcp_proxy import MCPProxy" in main
    assert "app = MCPProxy(title='Vault', version='2.0'" in main
    assert "security=[APIKeyHeader(name='X-API-Key')]" in main
    assert "security=[APIKeyCookie(name='session')]" in main
    assert f"security=[OAuth2PasswordBearer(name='oauth', token_url='{api.url}/token')]" in main
    assert "def add_pet(owner_id: int, body: NewPet, dry_run:" in main
    models = (folder / "models.py").read_text()
    assert "class NewPet(BaseModel):" in models and "class Owner(BaseModel):" in models
    assert "alias='pet-kind'" in models

    assert proxy.function_names == OPERATIONS
    config = json.loads((folder / "mcp_config.json").read_text())
    assert config["server"] == {"url": api.url}
    assert [op["name"] for op in config["operations"]] == OPERATIONS
    assert config["operations"][0]["description"] == "Read with an API key header"
    # one placeholder entry per kind of credential, for the user to fill in
    assert config["authentication"] == [
        {"type": "apiKey", "schema_parameters": {"in": "header"}, "value": "API_KEY"},
        {"type": "apiKey", "schema_parameters": {"in": "query"}, "value": "API_KEY"},
        {"type": "apiKey", "schema_parameters": {"in": "cookie"}, "value": "API_KEY"},
        {"type": "http", "schema_parameters": {"scheme": "bearer"}, "value": "BEARER_TOKEN"},
        {"type": "http", "schema_parameters": {"scheme": "basic"}, "username": "USERNAME", "password": "PASSWORD"},
        {
            "type": "oauth2",
            "schema_parameters": {"flows": {"password": {"tokenUrl": "TOKEN_URL"}}},
            "username": "USERNAME",
            "password": "PASSWORD",
            "bearer_token": None,
        },
    ]
    keys = json.loads((folder / "mcp_config_keys.json").read_text())
    assert [op["name"] for op in keys["operations"]] == OPERATIONS[:3]


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("read_header_secret", APIKeyHeader.Parameters(value=CREDENTIALS["header"])),
        ("read_query_secret", APIKeyQuery.Parameters(value=CREDENTIALS["query"])),
        ("read_cookie_secret", APIKeyCookie.Parameters(value=CREDENTIALS["cookie"])),
        ("read_bearer_secret", HTTPBearer.Parameters(value=CREDENTIALS["bearer"])),
        ("read_basic_secret", HTTPBasic.Parameters(username="ann", password="pw1")),
    ],
)
def test_each_security_scheme_reaches_the_api(generated: tuple[MCPProxy, Path], operation: str, params: Any) -> None:
    proxy, _ = generated
    scheme = operation.split("_")[1]
    wrong = params.model_copy(update={k: "wrong" for k in params.model_dump()})
    proxy.set_security_params(wrong, name=operation)
    assert proxy.get_function(operation)() == {"detail": f"{scheme}: bad or missing credentials"}
    proxy.set_security_params(params, name=operation)
    assert proxy.get_function(operation)() == {"secret": f"opened by {scheme}"}


def test_oauth2_password_flow_fetches_the_token_once(generated: tuple[MCPProxy, Path], api: VaultApi) -> None:
    proxy, _ = generated
    api.token_requests.clear()
    params = OAuth2PasswordBearer.Parameters(username="bob", password="pw2")
    proxy.set_security_params(params, name="read_oauth_secret")
    read = proxy.get_function("read_oauth_secret")
    assert read() == {"secret": "opened by oauth"}
    assert read() == {"secret": "opened by oauth"}
    assert api.token_requests == [{"username": ["bob"], "password": ["pw2"]}]
    assert params.bearer_token == TOKEN


def test_security_parameters_must_fit_the_operation(generated: tuple[MCPProxy, Path]) -> None:
    proxy, _ = generated
    with pytest.raises(ValueError, match="do not match"):
        proxy.set_security_params(HTTPBearer.Parameters(value="x"), name="read_basic_secret")
    with pytest.raises(ValueError, match="Security is not set for 'add_pet'"):
        proxy.set_security_params(HTTPBearer.Parameters(value="x"), name="add_pet")
    fresh = MCPProxy.create(openapi_specification=json.dumps(SPEC), servers=[{"url": "http://127.0.0.1:9"}])
    with pytest.raises(ValueError, match="Security parameters are not set for read_header_secret"):
        fresh.get_function("read_header_secret")()


def test_arguments_go_to_path_query_header_and_body(generated: tuple[MCPProxy, Path], api: VaultApi) -> None:
    proxy, _ = generated
    add_pet = proxy.get_function("add_pet")
    seen = add_pet(owner_id=7, body={"name": "rex", "pet-kind": "dog"}, dry_run=True, x_request_id="r-1")
    assert seen == {
        "owner": 7,
        "query": {"dryRun": "true"},
        "request_id": "r-1",
        "body": {"name": "rex", "pet-kind": "dog"},
    }
    # a model instance is sent by its wire names, without the fields it left unset
    new_pet = add_pet.__wrapped__.__annotations__["body"]
    seen = add_pet(owner_id=8, body=new_pet(name="tom", pet_kind="cat"))
    assert seen["body"] == {"name": "tom", "pet-kind": "cat"} and seen["query"] == {}


def test_credentials_from_the_environment_over_stdio(generated: tuple[MCPProxy, Path]) -> None:
    _, folder = generated
    env = {"PYTHONPATH": PYTHONPATH, **HTTPBasic.Parameters(username="ann", password="pw1").to_env()}
    stdio = StdioConfig(
        server_name="vault", command=sys.executable, args=[str(folder / "main.py"), "stdio"], environment=env
    )

    async def main() -> Any:
        async with MCPClientSessionManager().open_session(stdio) as session:
            toolkit = await create_toolkit(session)
            assert [t.name for t in toolkit.tools] == OPERATIONS
            schema = toolkit.get_tool("add_pet").tool_schema["function"]["parameters"]
            assert schema["required"] == ["owner_id", "body"]
            assert schema["properties"]["dry_run"]["description"] == "Only check"
            text, _ = await toolkit.get_tool("read_basic_secret")()
            return json.loads(text)

    import anyio

    assert anyio.run(main) == {"secret": "opened by basic"}


def test_configuration_file_sets_credentials_and_operations(
    generated: tuple[MCPProxy, Path], api: VaultApi, tmp_path: Path
) -> None:
    _, folder = generated
    config = json.loads((folder / "mcp_config.json").read_text())
    config["authentication"] = [a for a in config["authentication"] if a["type"] == "apiKey"][:1]
    config["authentication"][0]["value"] = CREDENTIALS["header"]
    config["operations"] = [op for op in config["operations"] if op["name"] in ("read_header_secret", "add_pet")]
    config_path = tmp_path / "vault.json"
    config_path.write_text(json.dumps(config))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, "CONFIG_PATH": str(config_path)}
    env["MCP_SETTINGS"] = json.dumps({"port": port, "host": "127.0.0.1"})
    process = subprocess.Popen([sys.executable, str(folder / "main.py"), "streamable-http"], env=env)
    try:
        wait_for_port(port, process)
        http = StreamableHTTPConfig(server_name="vault", url=f"http://127.0.0.1:{port}/mcp")

        async def main() -> Any:
            async with MCPClientSessionManager().open_session(http) as session:
                toolkit = await create_toolkit(session)
                assert [t.name for t in toolkit.tools] == ["read_header_secret", "add_pet"]
                text, _ = await toolkit.get_tool("read_header_secret")()
                return json.loads(text)

        import anyio

        assert anyio.run(main) == {"secret": "opened by header"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_security_parameters_round_trip_through_their_dump() -> None:
    for params in [
        APIKeyQuery.Parameters(value="v"),
        HTTPBasic.Parameters(username="u", password="p"),
        OAuth2PasswordBearer.Parameters(username="u", password="p", bearer_token="t"),
    ]:
        assert BaseSecurity.parse_security_parameters(json.loads(params.to_env()["SECURITY"])) == params


def test_cli_create(api: VaultApi, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    cli = [sys.executable, "-m", "autogen.mcp", "create", "--openapi-url", f"{api.url}/openapi.json"]
    cli += ["--client-source-path", str(out), "--server-url", api.url]
    subprocess.run(cli, check=True, env={**os.environ, "PYTHONPATH": PYTHONPATH})
    config = json.loads((out / "mcp_config.json").read_text())
    assert config["server"] == {"url": api.url}
    assert [op["name"] for op in config["operations"]] == OPERATIONS


LONG_ID = "getTheListOfEveryPetThatIsCurrentlyRegisteredInTheStoreIncludingArchivedOnes"


def _long_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.0",
        "info": {"title": "Shop", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:9"}],
        "paths": {
            "/pets": {"get": {"operationId": LONG_ID, "summary": "List all pets, archived ones too", "tags": ["x"]}},
            "/orders": {"get": {"operationId": "listOrders", "summary": "List orders"}},
            "/orders/{id}": {
                "delete": {
                    "operationId": "cancelOrder",
                    "summary": "Cancel an order",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                }
            },
        },
    }


def _llm_config(llm: FakeLLMServer) -> dict[str, Any]:
    return {"config_list": [{"model": "fake-model", "base_url": llm.base_url, "api_key": "k"}], "cache_seed": None}


def test_rename_functions_asks_the_llm_until_the_name_is_valid(tmp_path: Path) -> None:
    with FakeLLMServer() as llm:
        llm.add_replies("List All Pets", "list_orders", "`list_all_pets`")
        proxy = MCPProxy.create(
            openapi_specification=json.dumps(_long_spec()),
            client_source_path=tmp_path,
            rename_functions=True,
            llm_config=_llm_config(llm),
        )
        requests = [r for r in llm.requests if r.path.endswith("/chat/completions")]
    assert proxy.function_names == ["list_all_pets", "list_orders", "cancel_order"]
    assert "def list_all_pets(" in (tmp_path / "main.py").read_text()
    assert len(requests) == 3
    first = requests[0].messages
    assert first[0]["role"] == "system" and "snake_case" in first[0]["content"]
    assert snakecase_of(LONG_ID) in first[1]["content"] and "List all pets, archived ones too" in first[1]["content"]
    # each refusal tells the model why
    assert requests[1].messages[-1]["content"] == "Function name must be in snake_case."
    assert requests[2].messages[-1]["content"].startswith("Function name is already taken.")


def snakecase_of(name: str) -> str:
    from autogen.mcp.mcp_proxy.codegen import snakecase

    return snakecase(name)


def test_group_functions_asks_the_llm_for_groups(tmp_path: Path) -> None:
    with FakeLLMServer() as llm:
        llm.add_replies(
            json.dumps(
                {"groups": [{"name": "orders", "description": "Orders."}, {"name": "pets", "description": "P"}]}
            ),
            json.dumps({"orders": "Order handling.", "pets": "Pet listing."}),
            json.dumps({"groups": ["orders"]}),  # /orders
            json.dumps({"groups": ["orders", "unknown"]}),  # /orders/{id}
            json.dumps({"groups": ["pets"]}),  # /pets
        )
        proxy = MCPProxy.create(
            openapi_specification=json.dumps(_long_spec()),
            client_source_path=tmp_path,
            group_functions=True,
            llm_config=_llm_config(llm),
        )
        requests = [r for r in llm.requests if r.path.endswith("/chat/completions")]
    assert len(requests) == 5
    assert "cancel_order" in requests[0].messages[-1]["content"]
    assert sorted(p.name for p in tmp_path.glob("mcp_config*.json")) == [
        "mcp_config.json",
        "mcp_config_orders.json",
        "mcp_config_pets.json",
    ]
    orders = json.loads((tmp_path / "mcp_config_orders.json").read_text())
    assert [op["name"] for op in orders["operations"]] == ["list_orders", "cancel_order"]
    assert len(proxy.function_names) == 3


def test_proxy_needs_exactly_one_spec_source() -> None:
    with pytest.raises(ValueError, match="Either openapi_specification or openapi_url"):
        MCPProxy.create()


def test_inject_parameters_hides_them(generated: tuple[MCPProxy, Path], api: VaultApi) -> None:
    proxy = MCPProxy.create(openapi_specification=json.dumps(SPEC), servers=[{"url": api.url}])
    proxy.inject_parameters("add_pet", owner_id=3)
    add_pet = proxy.get_function("add_pet")
    import inspect

    assert "owner_id" not in inspect.signature(add_pet).parameters
    assert add_pet(body={"name": "kit"})["owner"] == 3
    with pytest.raises(DeprecationWarning):
        proxy.get_functions()
