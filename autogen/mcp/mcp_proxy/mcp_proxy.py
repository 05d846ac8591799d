"""`MCPProxy`: an MCP server whose tools are the operations of an HTTP API described by OpenAPI.

Unlike ag2 0.13.4, no client code is generated: `MCPProxy.create` reads the spec (JSON or YAML,
text or URL) and builds one function per operation; `get_mcp()` is the MCP server offering them.
``client_source_path`` receives the spec, ``mcp_config.json`` (server URL, authentication kinds,
operations) and a ``main.py`` that serves the proxy: ``python main.py stdio|streamable-http [PORT]``.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from ...import_utils import optional_import
from ..serve import ServedTool, build_server

__all__ = ["MCPProxy"]

HTTP_METHODS = ("get", "put", "post", "delete", "head", "patch")

MAIN_PY = '''"""Serve the MCP proxy of {title!r}: python main.py [stdio|streamable-http] [PORT]."""

import sys
from pathlib import Path

from autogen.mcp.mcp_proxy import MCPProxy

HERE = Path(__file__).parent
app = MCPProxy.from_specification_file(HERE / "openapi.json")
app.load_configuration(str(HERE / "mcp_config.json"))

if __name__ == "__main__":
    transport = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
    app.run(transport, port=port)
'''


@contextmanager
def optional_temp_path(path: str | None = None) -> Iterator[Path]:
    """``path`` (created if missing), or a temporary folder removed afterwards."""
    if path is not None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
    else:
        with tempfile.TemporaryDirectory() as td:
            yield Path(td)


def _snake(text: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    text = re.sub(r"[^0-9a-zA-Z_]+", "_", text).strip("_").lower()
    return re.sub(r"_+", "_", text) or "operation"


class _Operation:
    """One OpenAPI operation as a callable taking the model's keyword arguments."""

    def __init__(self, proxy: MCPProxy, method: str, path: str, spec: dict[str, Any], name: str) -> None:
        self.proxy, self.method, self.path, self.spec = proxy, method, path, spec
        self.__name__ = name
        self._description: str | None = spec.get("description") or spec.get("summary")
        self.locations: dict[str, str] = {}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for param in spec.get("parameters", []):
            param = proxy._resolve(param)
            arg = param["name"]
            self.locations[arg] = param.get("in", "query")
            schema = dict(proxy._resolve(param.get("schema", {"type": "string"})))
            if param.get("description"):
                schema["description"] = param["description"]
            properties[arg] = schema
            if param.get("required") or param.get("in") == "path":
                required.append(arg)
        body = spec.get("requestBody")
        if body:
            body = proxy._resolve(body)
            content = body.get("content", {})
            media = content.get("application/json") or next(iter(content.values()), {})
            properties["body"] = proxy._inline(media.get("schema", {"type": "object"}))
            self.locations["body"] = "body"
            if body.get("required"):
                required.append("body")
        self.input_schema = {"type": "object", "properties": properties, "required": required}
        self.security: list[dict[str, Any]] = spec.get("security", proxy._spec.get("security", []))

    def __call__(self, **kwargs: Any) -> Any:
        requests = optional_import("requests", "mcp-proxy-gen", feature="MCPProxy")
        url = self.proxy._servers[0]["url"].rstrip("/") + self.path
        query: dict[str, Any] = {}
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        body = None
        for arg, value in {**self.proxy._injected.get(self.__name__, {}), **kwargs}.items():
            where = self.locations.get(arg, "query")
            if where == "path":
                url = url.replace("{" + arg + "}", requests.utils.quote(str(value), safe=""))
            elif where == "header":
                headers[arg] = str(value)
            elif where == "cookie":
                cookies[arg] = str(value)
            elif where == "body":
                body = value
            else:
                query[arg] = value
        self.proxy._apply_security(self, query, headers)
        response = requests.request(
            self.method.upper(), url, params=query, headers=headers, cookies=cookies, json=body, timeout=60
        )
        try:
            return response.json()
        except ValueError:
            return {"status_code": response.status_code, "text": response.text}


class MCPProxy:
    """The operations of an OpenAPI-described HTTP API, served as MCP tools."""

    def __init__(self, servers: list[dict[str, Any]], title: str | None = None, **kwargs: Any) -> None:
        self._servers = servers
        self._title = title or "MCP Proxy"
        self._kwargs = kwargs
        self._spec: dict[str, Any] = {}
        self._registered_funcs: list[Any] = []
        self._security_params: dict[str | None, dict[str, Any]] = {}
        self._function_group: dict[str, list[str]] = {}
        self._injected: dict[str, dict[str, Any]] = {}

    # ---- spec ------------------------------------------------------------------------------------
    def _resolve(self, node: Any) -> Any:
        """Follow a local ``$ref`` (``#/components/...``)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            target: Any = self._spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node, seen = target, seen + 1
        return node

    def _inline(self, schema: Any, depth: int = 0) -> Any:
        """``schema`` with local references replaced by their targets (deep ones become objects)."""
        if depth > 8:
            return {"type": "object"}
        schema = self._resolve(schema)
        if isinstance(schema, dict):
            return {k: self._inline(v, depth + 1) for k, v in schema.items()}
        if isinstance(schema, list):
            return [self._inline(v, depth + 1) for v in schema]
        return schema

    def _load_spec(self, spec: dict[str, Any], *, rename_functions: bool = False) -> None:
        self._spec = spec
        self._title = spec.get("info", {}).get("title") or self._title
        taken: set[str] = set()
        for path, item in spec.get("paths", {}).items():
            for method in HTTP_METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                op = {**op, "parameters": [*item.get("parameters", []), *op.get("parameters", [])]}
                raw = op.get("operationId") or f"{method}_{path}"
                if rename_functions and op.get("summary"):
                    raw = op["summary"]
                name = _snake(raw)[:64]
                while name in taken:
                    name = f"{name}_"
                taken.add(name)
                func = _Operation(self, method, path, op, name)
                self._registered_funcs.append(func)
                for tag in op.get("tags", []):
                    self._function_group.setdefault(_snake(tag), []).append(name)

    @classmethod
    def from_specification(
        cls, specification: str | dict[str, Any], *, servers: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> MCPProxy:
        """A proxy for ``specification`` (a parsed spec, or its JSON/YAML text)."""
        spec = specification if isinstance(specification, dict) else _parse(specification)
        if servers:
            spec["servers"] = servers
        proxy = cls(servers=spec.get("servers") or [{"url": "/"}], title=spec.get("info", {}).get("title"))
        proxy._load_spec(spec, **kwargs)
        return proxy

    @classmethod
    def from_specification_file(cls, path: str | Path) -> MCPProxy:
        """A proxy for the spec saved at ``path``."""
        return cls.from_specification(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def create(
        cls,
        *,
        openapi_specification: str | None = None,
        openapi_url: str | None = None,
        client_source_path: str | None = None,
        servers: list[dict[str, Any]] | None = None,
        rename_functions: bool = False,
        group_functions: bool = False,
        configuration_type: Literal["json", "yaml"] = "json",
        llm_config: Any = None,
    ) -> MCPProxy:
        """Build the proxy from a spec given as text or URL; write it, its config and ``main.py`` to
        ``client_source_path`` (when given). ``group_functions`` writes one config per tag."""
        if (openapi_specification is None) == (openapi_url is None):
            raise ValueError("Either openapi_specification or openapi_url should be provided")
        if openapi_specification is None:
            requests = optional_import("requests", "mcp-proxy-gen", feature="MCPProxy")
            with requests.get(openapi_url, timeout=10) as response:
                response.raise_for_status()
                openapi_specification = response.text
        spec = _parse(openapi_specification, configuration_type)
        servers = [s for s in servers or [] if s.get("url")]
        proxy = cls.from_specification(spec, servers=servers or None, rename_functions=rename_functions)
        with optional_temp_path(client_source_path) as folder:
            with (folder / "openapi.json").open("w", encoding="utf-8") as f:
                json.dump(proxy._spec, f, indent=2, ensure_ascii=False)
            main_path = folder / "main.py"
            with main_path.open("w", encoding="utf-8") as f:
                f.write(MAIN_PY.format(title=proxy._title))
            if not group_functions:
                proxy._function_group = {}
            proxy.dump_configurations(output_dir=folder)
        return proxy

    # ---- tools -----------------------------------------------------------------------------------
    def get_functions(self) -> list[str]:
        """The operation names."""
        return [f.__name__ for f in self._registered_funcs]

    @property
    def function_names(self) -> list[str]:
        """The operation names."""
        return self.get_functions()

    def get_function(self, name: str) -> Callable[..., Any]:
        """The operation called ``name``."""
        for f in self._registered_funcs:
            if f.__name__ == name:
                return f
        raise ValueError(f"Function {name} not found")

    def set_function(self, name: str, func: Callable[..., Any]) -> None:
        """Replace the operation called ``name``."""
        for i, f in enumerate(self._registered_funcs):
            if f.__name__ == name:
                self._registered_funcs[i] = func
                return
        raise ValueError(f"Function {name} not found")

    def inject_parameters(self, name: str, **kwargs: Any) -> None:
        """Fixed argument values for the operation ``name`` (hidden from the model)."""
        op = self.get_function(name)
        self._injected.setdefault(name, {}).update(kwargs)
        if isinstance(op, _Operation):
            for key in kwargs:
                op.input_schema["properties"].pop(key, None)
                if key in op.input_schema["required"]:
                    op.input_schema["required"].remove(key)

    def set_security_params(self, security_params: Any, name: str | None = None) -> None:
        """Credentials for the spec's security schemes: ``{"scheme": ..., "value": ...}`` (a dict or an
        object with those attributes); ``name`` limits them to one operation."""
        if not isinstance(security_params, dict):
            security_params = {
                k: getattr(security_params, k) for k in ("scheme", "value") if hasattr(security_params, k)
            }
        self._security_params[name] = security_params

    def _apply_security(self, op: _Operation, query: dict[str, Any], headers: dict[str, str]) -> None:
        params = self._security_params.get(op.__name__) or self._security_params.get(None)
        if not params or not op.security:
            return
        schemes = self._spec.get("components", {}).get("securitySchemes", {})
        wanted = [n for requirement in op.security for n in requirement]
        scheme_name = params.get("scheme") or next(iter(wanted), None)
        scheme = schemes.get(scheme_name, {}) if scheme_name in wanted else {}
        value = str(params.get("value", ""))
        if scheme.get("type") == "apiKey" and scheme.get("in") == "query":
            query[scheme["name"]] = value
        elif scheme.get("type") == "apiKey":
            headers[scheme.get("name", "Authorization")] = value
        elif scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "basic":
            headers["Authorization"] = f"Basic {value}"
        elif scheme:
            headers["Authorization"] = f"Bearer {value}"

    def _served_tools(self) -> list[ServedTool]:
        anyio = optional_import("anyio", "mcp", feature="MCPProxy")
        served = []
        for func in self._registered_funcs:
            schema = getattr(func, "input_schema", {"type": "object", "properties": {}})

            async def handler(arguments: dict[str, Any], func: Any = func) -> Any:
                return await anyio.to_thread.run_sync(lambda: func(**arguments))

            served.append(ServedTool(func.__name__, getattr(func, "_description", None) or "", schema, handler))
        return served

    def get_mcp(self, **settings: Any) -> Any:
        """The MCP server offering every operation as a tool."""
        return build_server(self._title, self._served_tools(), **settings)

    def run(self, transport: Literal["stdio", "streamable-http"] = "stdio", **kwargs: Any) -> None:
        """Serve the proxy over stdio or streamable HTTP."""
        from ..serve import run_server

        run_server(self.get_mcp(), transport, **kwargs)

    # ---- configuration ---------------------------------------------------------------------------
    def _get_authentications(self) -> list[dict[str, Any]]:
        schemes = self._spec.get("components", {}).get("securitySchemes", {})
        return [{"security_scheme": name, **scheme} for name, scheme in schemes.items()]

    def dump_configurations(self, output_dir: Path) -> None:
        """``mcp_config.json`` for all operations, plus ``mcp_config_<tag>.json`` per tag group."""
        for tag, names in self._function_group.items():
            funcs = [f for f in self._registered_funcs if f.__name__ in names]
            self.dump_configuration(output_dir / f"mcp_config_{tag}.json", funcs)
        self.dump_configuration(output_dir / "mcp_config.json", self._registered_funcs)

    def dump_configuration(self, output_file: Path, functions: list[Any] | None = None) -> None:
        """Write the server URL, the authentication kinds and the operations (name, description)."""
        config = {
            "server": {"url": self._servers[0]["url"]},
            "authentication": self._get_authentications(),
            "operations": [
                {"name": f.__name__, "description": " ".join((getattr(f, "_description", None) or "").split())}
                for f in (self._registered_funcs if functions is None else functions)
            ],
        }
        with open(output_file, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=2, ensure_ascii=False)

    def load_configuration(self, config_file: str) -> None:
        """Apply a configuration file written by `dump_configuration` (possibly edited)."""
        with Path(config_file).open("r", encoding="utf-8") as f:
            self.load_configuration_from_string(f.read())

    def load_configuration_from_string(self, config_data_str: str) -> None:
        """Keep the configured server URL and operations only; apply credentials given in it."""
        config = json.loads(config_data_str)
        self._servers = [{"url": config["server"]["url"]}]
        for auth in config.get("authentication", []):
            if "value" in auth:
                self.set_security_params({"scheme": auth.get("security_scheme"), "value": auth["value"]})
        keep = {op["name"] for op in config.get("operations", [])}
        self._registered_funcs = [f for f in self._registered_funcs if f.__name__ in keep]


def _parse(text: str, configuration_type: Literal["json", "yaml"] = "json") -> dict[str, Any]:
    if configuration_type == "yaml":
        yaml = optional_import("yaml", "mcp-proxy-gen", feature="MCPProxy")
        return yaml.safe_load(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        yaml = optional_import("yaml", "mcp-proxy-gen", feature="MCPProxy")
        return yaml.safe_load(text)
