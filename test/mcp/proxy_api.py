"""A real HTTP API for the MCP proxy tests (Starlette under uvicorn in a thread, on 127.0.0.1): it
serves its OpenAPI spec and checks the credential of each security scheme it declares."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from mcp_test_servers import free_port

TOKEN = "oauth-token-1"
CREDENTIALS = {
    "header": "header-key",
    "query": "query-key",
    "cookie": "cookie-key",
    "bearer": "bearer-token",
    "basic": ("ann", "pw1"),
    "oauth": ("bob", "pw2"),
}


def _op(operation_id: str, summary: str, scheme: str, tags: list[str]) -> dict[str, Any]:
    return {"get": {"operationId": operation_id, "summary": summary, "tags": tags, "security": [{scheme: []}]}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Vault", "version": "2.0", "description": "Secrets behind every kind of lock."},
    "components": {
        "securitySchemes": {
            "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "oauth": {"type": "oauth2", "flows": {"password": {"tokenUrl": "token", "scopes": {}}}},
        },
        "schemas": {
            "NewPet": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The pet's name"},
                    "pet-kind": {"type": "string", "enum": ["cat", "dog"]},
                    "owner": {"$ref": "#/components/schemas/Owner"},
                },
                "required": ["name"],
            },
            "Owner": {"type": "object", "properties": {"email": {"type": "string"}}},
        },
    },
    "paths": {
        "/secret/header": _op("readHeaderSecret", "Read with an API key header", "headerKey", ["keys"]),
        "/secret/query": _op("readQuerySecret", "Read with an API key in the query", "queryKey", ["keys"]),
        "/secret/cookie": _op("readCookieSecret", "Read with an API key cookie", "cookieKey", ["keys"]),
        "/secret/bearer": _op("readBearerSecret", "Read with a bearer token", "bearer", ["http"]),
        "/secret/basic": _op("readBasicSecret", "Read with a user name and password", "basic", ["http"]),
        "/secret/oauth": _op("readOauthSecret", "Read with an OAuth2 token", "oauth", ["oauth"]),
        "/owners/{ownerId}/pets": {
            "post": {
                "operationId": "addPet",
                "description": "Add a pet to an owner.",
                "parameters": [
                    {"name": "ownerId", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "dryRun", "in": "query", "schema": {"type": "boolean"}, "description": "Only check"},
                    {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
                },
            }
        },
    },
}


class VaultApi:
    """The running API: its base URL and what it has seen (token requests, pet requests)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.token_requests: list[dict[str, list[str]]] = []
        self.pet_requests: list[dict[str, Any]] = []


def _app(api: VaultApi) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def granted(scheme: str) -> JSONResponse:
        return JSONResponse({"secret": f"opened by {scheme}"})

    def refused(scheme: str) -> JSONResponse:
        return JSONResponse({"detail": f"{scheme}: bad or missing credentials"}, status_code=401)

    async def spec(request: Request) -> JSONResponse:
        return JSONResponse(SPEC)

    async def token(request: Request) -> JSONResponse:
        form = parse_qs((await request.body()).decode())
        api.token_requests.append(form)
        if (form.get("username", [""])[0], form.get("password", [""])[0]) != CREDENTIALS["oauth"]:
            return JSONResponse({"detail": "Incorrect username or password"}, status_code=400)
        return JSONResponse({"access_token": TOKEN, "token_type": "bearer"})

    async def secret(request: Request) -> JSONResponse:
        scheme = request.path_params["scheme"]
        auth = request.headers.get("authorization", "")
        ok = {
            "header": request.headers.get("x-api-key") == CREDENTIALS["header"],
            "query": request.query_params.get("api_key") == CREDENTIALS["query"],
            "cookie": request.cookies.get("session") == CREDENTIALS["cookie"],
            "bearer": auth == f"Bearer {CREDENTIALS['bearer']}",
            "basic": auth == "Basic " + base64.b64encode(":".join(CREDENTIALS["basic"]).encode()).decode(),
            "oauth": auth == f"Bearer {TOKEN}",
        }.get(scheme, False)
        return granted(scheme) if ok else refused(scheme)

    async def add_pet(request: Request) -> JSONResponse:
        seen = {
            "owner": request.path_params["owner_id"],
            "query": dict(request.query_params),
            "request_id": request.headers.get("x-request-id"),
            "body": await request.json(),
        }
        api.pet_requests.append(seen)
        return JSONResponse(seen)

    return Starlette(
        routes=[
            Route("/openapi.json", spec),
            Route("/token", token, methods=["POST"]),
            Route("/secret/{scheme}", secret),
            Route("/owners/{owner_id:int}/pets", add_pet, methods=["POST"]),
        ]
    )


@contextmanager
def running_api() -> Iterator[VaultApi]:
    import uvicorn

    port = free_port()
    api = VaultApi(f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(_app(api), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield api
    finally:
        server.should_exit = True
        thread.join(timeout=10)
