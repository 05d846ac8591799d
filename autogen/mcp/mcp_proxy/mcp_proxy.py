"""`MCPProxy`: an MCP server whose tools are the operations of an HTTP API described by OpenAPI.

`MCPProxy.create` generates a client module from the spec into ``client_source_path``: ``main.py``
(one function per operation, registered on an ``app = MCPProxy(...)`` by the decorators ``get``,
``post``, ... with the security schemes it needs), ``models.py`` (the spec's object schemas as
pydantic models) and ``mcp_config.json`` (server URL, credentials to fill in, operations; one
``mcp_config_<tag>.json`` per tag too). ``python main.py stdio|sse|streamable-http`` serves it;
``CONFIG_PATH``/``CONFIG``, ``SECURITY`` and ``MCP_SETTINGS`` configure it.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from logging import getLogger
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from ...import_utils import optional_import
from .codegen import Operation, generate_sources, parse_operations
from .security import BaseSecurity, BaseSecurityParameters

if TYPE_CHECKING:
    from ...agentchat import ConversableAgent

__all__ = ["MCPProxy"]

logger = getLogger(__name__)

_EXTRA = "mcp-proxy-gen"


@contextmanager
def optional_temp_path(path: str | Path | None = None) -> Iterator[Path]:
    """``path`` (created if missing), or a temporary folder removed afterwards."""
    if path is None:
        with tempfile.TemporaryDirectory() as temp_dir:
            yield Path(temp_dir)
    else:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder


class MCPProxy:
    """The operations of an OpenAPI-described HTTP API, served as MCP tools."""

    def __init__(self, servers: list[dict[str, Any]], title: str | None = None, **kwargs: Any) -> None:
        """``servers``: the API's servers (the first one's ``url`` is called); ``kwargs``: the spec's other ``info``."""
        self._servers = servers
        self._title = title or "MCP Proxy"
        self._kwargs = kwargs
        self._registered_funcs: list[Callable[..., Any]] = []
        self._globals: dict[str, Any] = {}
        self._security: dict[str, list[BaseSecurity]] = {}
        self._security_params: dict[str | None, BaseSecurityParameters] = {}
        self._tags: set[str] = set()
        self._function_group: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ operations

    @staticmethod
    def _convert_camel_case_within_braces_to_snake(text: str) -> str:
        """``/pets/{petId}`` -> ``/pets/{pet_id}``."""
        return re.sub(
            r"\{([a-zA-Z0-9]+)\}", lambda m: "{" + re.sub(r"(?<!^)(?=[A-Z])", "_", m.group(1)).lower() + "}", text
        )

    @staticmethod
    def _get_params(path: str, func: Callable[..., Any]) -> tuple[set[str], set[str], str | None, bool]:
        """(query names, path names, the body's name or None, whether ``security`` is a parameter)."""
        names = set(inspect.signature(func).parameters)
        path_params = set(re.findall(r"\{(.+?)\}", path))
        if not path_params <= names:
            raise ValueError(f"Path params {path_params} not in {names}")
        body = "body" if "body" in names else None
        security = "security" in names
        return names - path_params - {body, "security"}, path_params, body, security

    def _process_params(
        self,
        process_path: str,
        func: Callable[..., Any],
        parameters: Mapping[str, Mapping[str, str]] | None = None,
        **kwargs: Any,
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """The URL, query parameters and the rest of the request (``json``, ``headers``, ``cookies``)."""
        if parameters:
            path_args = {spec["name"]: kwargs[arg] for arg, spec in parameters.items() if spec["in"] == "path"}
            q_params, _, body, security = self._get_params("", func)
        else:
            process_path = MCPProxy._convert_camel_case_within_braces_to_snake(process_path)
            q_params, path_names, body, security = MCPProxy._get_params(process_path, func)
            path_args = {p: kwargs[p] for p in path_names}
        quote = optional_import("requests", _EXTRA, feature="MCPProxy").utils.quote
        expanded = process_path.format(**{k: quote(str(v), safe="") for k, v in path_args.items()})
        url = str(self._servers[0]["url"]).rstrip("/") + "/" + expanded.lstrip("/")

        body_dict: dict[str, Any] = {}
        if body and kwargs.get(body) is not None:
            body_dict["json"] = _jsonable(kwargs[body])
        body_dict["headers"] = {"Content-Type": "application/json"}
        params: dict[str, Any] = {}
        for name, value in kwargs.items():
            if value is None or name == body or name == "security":
                continue
            where = (parameters or {}).get(name)
            if where is None:
                if name in q_params:
                    params[name] = _query_value(value)
            elif where["in"] == "query":
                params[where["name"]] = _query_value(value)
            elif where["in"] == "header":
                body_dict["headers"][where["name"]] = str(value)
            elif where["in"] == "cookie":
                body_dict.setdefault("cookies", {})[where["name"]] = str(value)
        if security and kwargs.get("security") is not None:
            kwargs["security"].apply(params, body_dict, kwargs["security"])
        return url, params, body_dict

    def _request(
        self,
        method: Literal["put", "get", "post", "head", "delete", "patch"],
        path: str,
        description: str | None = None,
        security: list[BaseSecurity] | None = None,
        parameters: Mapping[str, Mapping[str, str]] | None = None,
        **kwargs: Any,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            name = func.__name__
            for tag in kwargs.get("tags") or []:
                self._tags.add(tag)
                self._function_group.setdefault(tag, []).append(name)
            if security is not None:
                self._security[name] = security
            signature = inspect.signature(func)

            @wraps(func)
            def wrapper(*args: Any, **call_kwargs: Any) -> Any:
                arguments = signature.bind_partial(*args, **call_kwargs).arguments
                url, params, body_dict = self._process_params(path, func, parameters, **arguments)
                if self._security.get(name) is not None:
                    security_params, matched = self._get_security_params(name)
                    if security_params is None or matched is None:
                        raise ValueError(f"Security parameters are not set for '{name}'")
                    security_params.apply(params, body_dict, matched)
                requests = optional_import("requests", _EXTRA, feature="MCPProxy")
                response = requests.request(method.upper(), url, params=params, timeout=60, **body_dict)
                try:
                    return response.json()
                except ValueError:  # not JSON: the status and text tell what happened
                    return {"status_code": response.status_code, "text": response.text}

            wrapper._description = description or (func.__doc__.strip() if func.__doc__ else None)  # type: ignore[attr-defined]
            self._registered_funcs.append(wrapper)
            return wrapper

        return decorator

    def put(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as the ``PUT path`` operation."""
        return self._request("put", path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as the ``GET path`` operation."""
        return self._request("get", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as the ``POST path`` operation."""
        return self._request("post", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as the ``DELETE path`` operation."""
        return self._request("delete", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as the ``HEAD path`` operation."""
        return self._request("head", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function as the ``PATCH path`` operation."""
        return self._request("patch", path, **kwargs)

    # ------------------------------------------------------------------ security

    def set_security_params(self, security_params: BaseSecurityParameters, name: str | None = None) -> None:
        """Credentials for the operation ``name`` (checked against its schemes), or for all (``name=None``)."""
        if name is not None:
            security = self._security.get(name)
            if security is None:
                raise ValueError(f"Security is not set for '{name}'")
            if not any(s.accept(security_params) for s in security):
                raise ValueError(f"Security parameters {security_params} do not match security {security}")
        self._security_params[name] = security_params

    def _get_matching_security(
        self, security: list[BaseSecurity], security_params: BaseSecurityParameters
    ) -> BaseSecurity:
        for candidate in security:
            if candidate.accept(security_params):
                return candidate
        raise ValueError(f"Security parameters {security_params} does not match any given security {security}")

    def _get_security_params(self, name: str) -> tuple[BaseSecurityParameters | None, BaseSecurity | None]:
        security = self._security.get(name)
        if not security:
            return None, None
        security_params = self._security_params.get(name) or self._security_params.get(None)
        if security_params is None:
            raise ValueError(f"Security parameters are not set for {name} and there are no default security parameters")
        return security_params, self._get_matching_security(security, security_params)

    # ------------------------------------------------------------------ MCP server

    def get_mcp(self, **settings: Any) -> Any:
        """The MCP SDK's server (``FastMCP`` on mcp 1.x, ``MCPServer`` on 2.x) with every operation as
        a tool. ``settings``: the server's settings (``host``, ``port``, ``streamable_http_path``, ...)."""
        server = _sdk_server(self._title, settings)
        pydantic = optional_import("pydantic", "mcp", feature="MCPProxy")
        for func in self._registered_funcs:
            try:
                server.add_tool(func, name=func.__name__, description=getattr(func, "_description", None))
            except pydantic.PydanticInvalidForJsonSchema as e:
                logger.warning("Could not register function %s: %s", func.__name__, e)
        return server

    # ------------------------------------------------------------------ code generation

    @classmethod
    def generate_code(
        cls,
        input_text: str,
        output_dir: Path,
        disable_timestamp: bool = False,
        custom_visitors: list[Callable[[list[Operation]], None]] | None = None,
        *,
        servers: list[dict[str, Any]] | None = None,
    ) -> str:
        """Write ``main.py`` and ``models.py`` for the spec ``input_text`` (YAML or JSON) into
        ``output_dir``; returns the main module's name. ``custom_visitors`` may rename or regroup
        the operations before the code is written."""
        spec = _parse(input_text, "yaml")
        if servers:
            spec["servers"] = servers
        operations, schemas = parse_operations(spec)
        for visit in custom_visitors or []:
            visit(operations)
        main_source, models_source = generate_sources(spec, operations, schemas, disable_timestamp=disable_timestamp)
        main_path = output_dir / "main.py"
        with main_path.open("w", encoding="utf-8") as f:
            f.write(main_source)
        with (output_dir / "models.py").open("w", encoding="utf-8") as f:
            f.write(models_source)
        return main_path.stem

    def set_globals(self, main: ModuleType, suffix: str) -> None:
        """Keep the generated module's model classes (they name the functions' parameter types)."""
        self._globals = {
            k: v
            for k, v in vars(main).items()
            if not k.startswith("__") and getattr(v, "__module__", None) in (f"models_{suffix}", "typing")
        }

    @classmethod
    def create(
        cls,
        *,
        openapi_specification: str | None = None,
        openapi_url: str | None = None,
        client_source_path: str | Path | None = None,
        servers: list[dict[str, Any]] | None = None,
        rename_functions: bool = False,
        group_functions: bool = False,
        configuration_type: Literal["json", "yaml"] = "json",
        llm_config: Any = None,
    ) -> MCPProxy:
        """Generate the proxy's client module from a spec (its text, or the URL to fetch it from) into
        ``client_source_path`` (a temporary folder when None), import it and return its ``app``.

        ``servers`` replaces the spec's servers. ``rename_functions``: an LLM renames the
        operations whose names are longer than 64 characters; ``group_functions``: an LLM sorts
        the operations into groups (their tags, one ``mcp_config_<group>.json`` each). Both use
        ``llm_config`` (default: the current `LLMConfig` context)."""
        if (openapi_specification is None) == (openapi_url is None):
            raise ValueError("Either openapi_specification or openapi_url should be provided")
        yaml = optional_import("yaml", _EXTRA, feature="MCPProxy")
        if openapi_specification is None:
            requests = optional_import("requests", _EXTRA, feature="MCPProxy")
            with requests.get(openapi_url, timeout=10) as response:
                response.raise_for_status()
                openapi_specification = response.text
        spec = _parse(openapi_specification, configuration_type)
        if servers:
            spec["servers"] = servers

        visitors: list[Callable[[list[Operation]], None]] = []
        if rename_functions:
            from .operation_renaming import renaming_visitor

            visitors.append(renaming_visitor(llm_config))
        if group_functions:
            from .operation_grouping import grouping_visitor

            visitors.append(grouping_visitor(llm_config))

        with optional_temp_path(client_source_path) as folder:
            main_name = cls.generate_code(yaml.safe_dump(spec, sort_keys=False), folder, custom_visitors=visitors)
            main = _import_generated(folder, main_name)
            client: MCPProxy = main.app
            client.set_globals(main, suffix=folder.name)
            client.dump_configurations(output_dir=folder)
            return client

    # ------------------------------------------------------------------ configuration

    def _get_authentications(self) -> list[dict[str, Any]]:
        seen: set[str] = set()
        authentications = []
        for security_list in self._security.values():
            for security in security_list:
                params = security.Parameters().dump()  # type: ignore[attr-defined]
                if params.get("type") == "unsupported":
                    continue
                key = json.dumps(params, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    authentications.append(params)
        return authentications

    def dump_configurations(self, output_dir: Path) -> None:
        """``mcp_config_<tag>.json`` for each tag's operations, and ``mcp_config.json`` for all."""
        for tag, names in self._function_group.items():
            functions = [f for f in self._registered_funcs if f.__name__ in names]
            self.dump_configuration(Path(output_dir) / f"mcp_config_{tag}.json", functions)
        self.dump_configuration(Path(output_dir) / "mcp_config.json", self._registered_funcs)

    def dump_configuration(self, output_file: Path, functions: list[Callable[..., Any]] | None = None) -> None:
        """Write the server URL, the credentials to fill in and the operations (name, description)."""
        operations = [
            {"name": f.__name__, "description": " ".join((getattr(f, "_description", None) or "").split())}
            for f in (self._registered_funcs if functions is None else functions)
        ]
        config = {
            "server": {"url": self._servers[0]["url"]},
            "authentication": self._get_authentications(),
            "operations": operations,
        }
        with open(output_file, "w", encoding="utf-8") as f:
            f.write(json.dumps(config, indent=2, ensure_ascii=False) + "\n")

    def load_configuration(self, config_file: str) -> None:
        """Apply a configuration file (see `load_configuration_from_string`)."""
        with Path(config_file).open("r", encoding="utf-8") as f:
            config_data_str = f.read()
        self.load_configuration_from_string(config_data_str)

    def load_configuration_from_string(self, config_data_str: str) -> None:
        """Use the configured server URL and credentials, and keep only the listed operations."""
        config_data = json.loads(config_data_str)
        self._servers = [{"url": config_data["server"]["url"]}]
        for auth in config_data.get("authentication", []):
            self.set_security_params(BaseSecurity.parse_security_parameters(auth))
        names = {op["name"] for op in config_data.get("operations", [])}
        self._registered_funcs = [f for f in self._registered_funcs if f.__name__ in names]

    # ------------------------------------------------------------------ use from agents

    def _get_functions_to_register(
        self, functions: Iterable[str | Mapping[str, Mapping[str, str]]] | None = None
    ) -> dict[Callable[..., Any], dict[str, str | None]]:
        if functions is None:
            return {f: {"name": None, "description": getattr(f, "_description", None)} for f in self._registered_funcs}
        wanted: dict[str, dict[str, str | None]] = {}
        for f in functions:
            if isinstance(f, str):
                wanted[f] = {"name": None, "description": None}
            elif isinstance(f, dict):
                for k, v in f.items():
                    wanted[k] = {"name": v.get("name"), "description": v.get("description")}
            else:
                raise ValueError(f"Invalid type {type(f)} for function {f}")  # noqa: TRY004 - as ag2
        chosen = {f: wanted[f.__name__] for f in self._registered_funcs if f.__name__ in wanted}
        missing = set(wanted) - {f.__name__ for f in chosen}
        if missing:
            raise ValueError(f"Following functions {missing} are not valid functions")
        return chosen

    def _register_for_llm(
        self, agent: ConversableAgent, functions: Iterable[str | Mapping[str, Mapping[str, str]]] | None = None
    ) -> None:
        for f, v in self._get_functions_to_register(functions).items():
            agent.register_for_llm(name=v["name"], description=v["description"])(f)

    def _register_for_execution(
        self, agent: ConversableAgent, functions: Iterable[str | Mapping[str, Mapping[str, str]]] | None = None
    ) -> None:
        for f, v in self._get_functions_to_register(functions).items():
            agent.register_for_execution(name=v["name"])(f)

    def get_functions(self) -> list[str]:
        """Deprecated (as in ag2): raises; use `function_names`."""
        raise DeprecationWarning("Use function_names property instead of get_functions method")

    @property
    def function_names(self) -> list[str]:
        """The names of the operations."""
        return [f.__name__ for f in self._registered_funcs]

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
        """Fix argument values of the operation ``name``: they leave its signature (the model no longer sees them)."""
        func = self.get_function(name)
        signature = inspect.signature(func)
        unknown = set(kwargs) - set(signature.parameters)
        if unknown:
            raise ValueError(f"Function {name} has no parameters {sorted(unknown)}")

        @wraps(func)
        def injected(*args: Any, **call_kwargs: Any) -> Any:
            return func(*args, **{**call_kwargs, **kwargs})

        injected.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p for n, p in signature.parameters.items() if n not in kwargs]
        )
        injected._description = getattr(func, "_description", None)  # type: ignore[attr-defined]
        self.set_function(name, injected)


def _jsonable(value: Any) -> Any:
    """``value`` with pydantic models dumped as the API expects them (aliases, set fields only)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _query_value(value: Any) -> Any:
    """A query parameter as the API expects it: booleans as ``true``/``false`` (JSON), not Python's."""
    value = _jsonable(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_query_value(v) for v in value]
    return value


def _parse(text: str, configuration_type: Literal["json", "yaml"] = "json") -> dict[str, Any]:
    if configuration_type == "json":
        try:
            return dict(json.loads(text))
        except json.JSONDecodeError:
            pass  # YAML, then (a superset of JSON)
    yaml = optional_import("yaml", _EXTRA, feature="MCPProxy")
    return dict(yaml.safe_load(text))


def _import_generated(folder: Path, main_name: str) -> ModuleType:
    """Import the generated ``main`` (and the ``models`` it imports) from ``folder``, under names of their own."""

    def load(name: str, path: Path) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    suffix = re.sub(r"\W", "_", folder.name)
    previous = sys.modules.get("models")
    try:
        sys.modules["models"] = load(f"models_{suffix}", folder / "models.py")
        return load(f"{main_name}_{suffix}", folder / f"{main_name}.py")
    finally:
        if previous is None:
            sys.modules.pop("models", None)
        else:
            sys.modules["models"] = previous


def _sdk_server(name: str, settings: dict[str, Any]) -> Any:
    """The mcp SDK's high-level server; ``settings`` that are transport options apply when it runs."""
    optional_import("mcp", "mcp", feature="MCPProxy")
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError:  # mcp 1.x: FastMCP takes every setting itself
        from mcp.server.fastmcp import FastMCP

        return FastMCP(name=name, **settings)

    accepted = set(inspect.signature(MCPServer.__init__).parameters)
    own = {k: v for k, v in settings.items() if k in accepted}
    transport_options = {k: v for k, v in settings.items() if k not in accepted}

    class ProxyServer(MCPServer):  # type: ignore[misc, valid-type]
        def run(self, transport: Literal["stdio", "sse", "streamable-http"] = "stdio", **kwargs: Any) -> None:
            if transport != "stdio":
                method = self.run_sse_async if transport == "sse" else self.run_streamable_http_async
                known = inspect.signature(method).parameters
                kwargs = {**{k: v for k, v in transport_options.items() if k in known}, **kwargs}
            super().run(transport, **kwargs)

    return ProxyServer(name=name, **own)
