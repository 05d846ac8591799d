"""Generate the source of an MCP proxy client from an OpenAPI spec: ``models.py`` (pydantic models of
the spec's object schemas) and ``main.py`` (one decorated function per operation on an `MCPProxy`
app, the security schemes each needs, and a command line that serves the app over MCP).

The spec is read as a plain dict; only local ``$ref``s (``#/...``) are followed.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .security import BaseSecurity

__all__ = ["Argument", "Operation", "generate_sources", "parse_operations", "snakecase"]

HTTP_METHODS = ("get", "put", "post", "delete", "head", "patch")
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


def snakecase(text: str) -> str:
    """``getPetById`` -> ``get_pet_by_id``; ``-``, ``.`` and spaces become ``_``."""
    text = re.sub(r"[\-\.\s]", "_", str(text))
    if not text:
        return text
    return text[0].lower() + re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), text[1:])


def _identifier(name: str) -> str:
    """A valid Python identifier close to ``name`` (snake_case)."""
    ident = re.sub(r"\W", "_", snakecase(name)).strip("_") or "arg"
    if ident[0].isdigit():
        ident = "_" + ident
    if keyword.iskeyword(ident) or ident in ("security", "body"):
        ident += "_"
    return re.sub(r"_+", "_", ident)


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9a-zA-Z]+", name) if part) or "Model"


@dataclass
class Argument:
    """One parameter of an operation, as an argument of the generated function."""

    name: str  # the Python name
    wire_name: str  # the name in the request
    location: str  # "path", "query", "header", "cookie" or "body"
    type_hint: str
    required: bool
    description: str | None = None


@dataclass
class Operation:
    """One OpenAPI operation: what the generated function is made of. Visitors may change
    ``function_name`` and ``tags`` before the code is written."""

    type: str  # the HTTP method
    path: str
    function_name: str
    summary: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    security: list[dict[str, Any]] = field(default_factory=list)
    arguments_list: list[Argument] = field(default_factory=list)

    @property
    def arguments(self) -> str:
        """The argument list, as written in the generated function's signature."""
        parts = []
        for arg in sorted(self.arguments_list, key=lambda a: not a.required):
            hint = arg.type_hint if arg.required else f"Optional[{arg.type_hint}]"
            if arg.description:
                hint = f"Annotated[{hint}, Field(description={arg.description!r})]"
            parts.append(f"{arg.name}: {hint}" if arg.required else f"{arg.name}: {hint} = None")
        return ", ".join(parts)


class _Schemas:
    """Turns JSON schemas into Python type expressions, collecting the model classes they need."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.classes: dict[str, str] = {}  # class name -> source
        self._by_ref: dict[str, str] = {}
        self.used: set[str] = set()

    def resolve(self, node: Any) -> Any:
        for _ in range(32):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            target: Any = self.spec
            for part in node["$ref"].lstrip("#/").split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, dict) else {}
            node = target
        return {}

    @staticmethod
    def _is_object(schema: dict[str, Any]) -> bool:
        return bool(schema.get("properties")) or any(
            isinstance(s, dict) and (s.get("properties") or "$ref" in s) for s in schema.get("allOf", [])
        )

    def type_of(self, schema: Any, hint_name: str, depth: int = 0) -> str:
        """The type expression for ``schema``; object schemas become classes (named after the
        referenced schema, or ``hint_name`` when inline)."""
        if depth > 12 or not isinstance(schema, dict):
            return "Any"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.resolve(schema)
            if isinstance(target, dict) and self._is_object(target):
                return self._class_for_ref(ref, target, depth)
            return self.type_of(target, _camel(ref.rsplit("/", 1)[-1]), depth + 1)
        expr = self._bare_type(schema, hint_name, depth)
        if schema.get("nullable") and expr not in ("Any", "None"):
            expr = f"Optional[{expr}]"
        return expr

    def _bare_type(self, schema: dict[str, Any], hint_name: str, depth: int) -> str:
        if "enum" in schema and all(isinstance(v, (str, int, bool)) or v is None for v in schema["enum"]):
            return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]" if schema["enum"] else "Any"
        if "const" in schema and isinstance(schema["const"], (str, int, bool)):
            return f"Literal[{schema['const']!r}]"
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                options = [self.type_of(s, f"{hint_name}{i}", depth + 1) for i, s in enumerate(schema[key])]
                return _union(options)
        if schema.get("allOf"):
            parts = schema["allOf"]
            if len(parts) == 1 and not schema.get("properties"):
                return self.type_of(parts[0], hint_name, depth + 1)
            return self._class(hint_name, schema, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union([self._bare_type({**schema, "type": k}, hint_name, depth) for k in kind])
        if kind == "array" or "items" in schema:
            items = schema.get("items")
            return f"list[{self.type_of(items, hint_name + 'Item', depth + 1) if items else 'Any'}]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                return self._class(hint_name, schema, depth)
            extra = schema.get("additionalProperties")
            value = self.type_of(extra, hint_name + "Value", depth + 1) if isinstance(extra, dict) and extra else "Any"
            return f"dict[str, {value}]"
        return _PRIMITIVES.get(kind, "Any") if isinstance(kind, str) else "Any"

    def _class_for_ref(self, ref: str, target: dict[str, Any], depth: int) -> str:
        name = self._by_ref.get(ref)
        if name is None:
            name = self._by_ref[ref] = self._free_name(_camel(ref.rsplit("/", 1)[-1]))
            self.classes[name] = ""  # reserved first: a recursive schema refers to itself by name
            self.classes[name] = self._class_source(name, target, depth)
        self.used.add(name)
        return name

    def _class(self, hint_name: str, schema: dict[str, Any], depth: int) -> str:
        name = self._free_name(_camel(hint_name))
        self.classes[name] = ""
        self.classes[name] = self._class_source(name, schema, depth)
        self.used.add(name)
        return name

    def _free_name(self, name: str) -> str:
        candidate, i = name, 1
        while candidate in self.classes or keyword.iskeyword(candidate):
            i += 1
            candidate = f"{name}{i}"
        return candidate

    def _properties(self, schema: dict[str, Any], depth: int) -> tuple[dict[str, Any], set[str]]:
        properties: dict[str, Any] = {}
        required: set[str] = set(schema.get("required") or [])
        for part in schema.get("allOf") or []:
            sub_props, sub_required = self._properties(self.resolve(part), depth + 1)
            properties.update(sub_props)
            required |= sub_required
        properties.update(schema.get("properties") or {})
        return properties, required

    def _class_source(self, name: str, schema: dict[str, Any], depth: int) -> str:
        properties, required = self._properties(schema, depth)
        lines = [f"class {name}(BaseModel):"]
        doc = schema.get("description") or schema.get("title")
        if doc:
            lines.append(f"    {_docstring(doc)}")
        lines.append("    model_config = ConfigDict(populate_by_name=True)")
        taken: set[str] = set()
        for wire, prop in properties.items():
            py = _identifier(wire)
            if py.startswith("model_"):
                py = "field_" + py
            while py in taken:
                py += "_"
            taken.add(py)
            hint = self.type_of(prop, f"{name}{_camel(wire)}", depth + 1)
            prop = self.resolve(prop) if isinstance(prop, dict) else {}
            options = []
            if py != wire:
                options.append(f"alias={wire!r}")
            if prop.get("description"):
                options.append(f"description={prop['description']!r}")
            if wire in required:
                default = "..."
            else:
                hint = hint if hint.startswith("Optional[") or hint == "Any" else f"Optional[{hint}]"
                default = "None"
            if options:
                lines.append(f"    {py}: {hint} = Field({default}, {', '.join(options)})")
            else:
                lines.append(f"    {py}: {hint}" + ("" if default == "..." else f" = {default}"))
        if not properties:
            lines.append("    pass")
        return "\n".join(lines)


def _union(options: list[str]) -> str:
    unique = list(dict.fromkeys(options))
    if "Any" in unique:
        return "Any"
    nullable = "None" in unique
    unique = [o for o in unique if o != "None"]
    if not unique:
        return "None"
    expr = unique[0] if len(unique) == 1 else "Union[" + ", ".join(unique) + "]"
    return f"Optional[{expr}]" if nullable else expr


def _docstring(text: str) -> str:
    text = " ".join(str(text).split()).replace("\\", "\\\\").replace('"""', "'''")
    return f'"""{text}"""'


def parse_operations(spec: dict[str, Any], schemas: _Schemas | None = None) -> tuple[list[Operation], _Schemas]:
    """The spec's operations in document order, each with its arguments typed."""
    schemas = schemas or _Schemas(spec)
    operations: list[Operation] = []
    taken: set[str] = set()
    global_security = spec.get("security") or []
    for path, item in (spec.get("paths") or {}).items():
        item = schemas.resolve(item)
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            name = _function_name(op.get("operationId"), method, path)
            while name in taken:
                name += "_"
            taken.add(name)
            operation = Operation(
                type=method,
                path=path,
                function_name=name,
                summary=op.get("summary"),
                description=op.get("description"),
                tags=[str(t) for t in op.get("tags") or []],
                security=op.get("security", global_security),
            )
            operation.arguments_list = _arguments(
                schemas, [*item.get("parameters", []), *op.get("parameters", [])], op, name
            )
            operations.append(operation)
    return operations, schemas


def _function_name(operation_id: str | None, method: str, path: str) -> str:
    if operation_id:
        name = re.sub(r"[/{=}]", "_", operation_id)
    else:
        name = method + re.sub(r"[/{=]", "_", snakecase(path)).replace("}", "")
    name = snakecase(name)
    return name if name.isidentifier() and not keyword.iskeyword(name) else _identifier(name)


def _arguments(schemas: _Schemas, parameters: list[Any], op: dict[str, Any], function_name: str) -> list[Argument]:
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for param in parameters:  # an operation's parameter overrides the path item's of the same name
        param = schemas.resolve(param)
        if isinstance(param, dict) and "name" in param:
            by_key[(param["name"], param.get("in", "query"))] = param
    args: list[Argument] = []
    taken: set[str] = set()
    for (wire, location), param in by_key.items():
        py = _identifier(wire)
        while py in taken:
            py += "_"
        taken.add(py)
        schema = param.get("schema")
        if schema is None and param.get("content"):
            schema = next(iter(param["content"].values()), {}).get("schema")
        hint = schemas.type_of(schema or {"type": "string"}, f"{_camel(function_name)}{_camel(wire)}")
        required = bool(param.get("required")) or location == "path"
        args.append(Argument(py, wire, location, hint, required, param.get("description")))
    body = op.get("requestBody")
    if body:
        body = schemas.resolve(body)
        content = body.get("content") or {}
        media = content.get("application/json") or next(iter(content.values()), {})
        hint = schemas.type_of(media.get("schema") or {}, f"{_camel(function_name)}Request")
        args.append(Argument("body", "body", "body", hint, bool(body.get("required")), body.get("description")))
    return args


def _security_source(spec: dict[str, Any], servers: list[dict[str, Any]]) -> tuple[dict[str, str], list[str]]:
    """Per scheme name, the source constructing its security class; and the classes needed."""
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    server_url = str(servers[0].get("url", "")) if servers else ""
    sources: dict[str, str] = {}
    classes: list[str] = []
    for name, scheme in schemes.items():
        params = {"name": name, **scheme, "server_url": server_url}
        if scheme.get("type") == "apiKey":
            params["name"] = scheme.get("name", name)
        security_class = BaseSecurity.get_security_class(type=scheme.get("type", ""), schema_parameters=params)
        sources[name] = security_class.get_security_parameters(schema_parameters=params)
        if security_class.__name__ not in classes:
            classes.append(security_class.__name__)
    return sources, classes


_MAIN = """
import argparse
import json
import os
from typing import Annotated, Any, Literal, Optional, Union

from autogen.mcp.mcp_proxy import MCPProxy
from autogen.mcp.mcp_proxy.security import BaseSecurity{security_imports}
from pydantic import Field
{model_imports}
app = MCPProxy({app_arguments})


{functions}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description={title!r})
    parser.add_argument(
        "transport", choices=["stdio", "sse", "streamable-http"], help="Transport mode (stdio, sse or streamable-http)"
    )
    args = parser.parse_args()

    if "CONFIG_PATH" in os.environ:
        app.load_configuration(os.environ["CONFIG_PATH"])

    if "CONFIG" in os.environ:
        app.load_configuration_from_string(os.environ["CONFIG"])

    if "SECURITY" in os.environ:
        app.set_security_params(BaseSecurity.parse_security_parameters_from_env(os.environ))

    mcp_settings = json.loads(os.environ.get("MCP_SETTINGS", "{{}}"))

    app.get_mcp(**mcp_settings).run(transport=args.transport)
"""


def _function_source(operation: Operation, security_sources: dict[str, str]) -> str:
    options = [repr(operation.path)]
    if operation.description:
        options.append(f"description={_docstring(operation.description)}")
    if operation.tags:
        options.append(f"tags={operation.tags!r}")
    schemes = [security_sources[n] for req in operation.security for n in req if n in security_sources]
    if schemes:
        options.append(f"security=[{', '.join(schemes)}]")
    mapping = {
        a.name: {"in": a.location, "name": a.wire_name}
        for a in operation.arguments_list
        if a.location != "body" and (a.location != "query" or a.wire_name != a.name)
    }
    if mapping:
        options.append(f"parameters={mapping!r}")
    lines = [f"@app.{operation.type}(", *(f"    {o}," for o in options), ")"]
    lines.append(f"def {operation.function_name}({operation.arguments}):")
    if operation.summary:
        lines.append(f"    {_docstring(operation.summary)}")
    lines.append('    raise RuntimeError("Should be patched by MCPProxy and never executed")')
    return "\n".join(lines)


def generate_sources(
    spec: dict[str, Any], operations: list[Operation], schemas: _Schemas, *, disable_timestamp: bool = False
) -> tuple[str, str]:
    """The text of ``main.py`` and ``models.py`` for ``operations`` of ``spec``."""
    header = "# generated by autogen.mcp.mcp_proxy from the OpenAPI specification"
    if not disable_timestamp:
        header += f"\n#   timestamp: {datetime.now(timezone.utc).isoformat(timespec='seconds')}"
    info = spec.get("info") or {}
    servers = spec.get("servers") or [{"url": "/"}]
    app_arguments = [f"{k}={v!r}" for k, v in info.items() if not str(k).startswith("x-") and str(k).isidentifier()]
    app_arguments.append(f"servers={[{'url': s.get('url')} for s in servers]!r}")
    security_sources, security_classes = _security_source(spec, servers)
    functions = "\n\n\n".join(_function_source(op, security_sources) for op in operations)

    models = [header, "", "from __future__ import annotations", ""]
    models += ["from typing import Any, Literal, Optional, Union", ""]
    models += ["from pydantic import BaseModel, ConfigDict, Field", ""]
    for source in schemas.classes.values():
        models += ["", source, ""]
    for name in schemas.classes:
        models.append(f"{name}.model_rebuild()")
    used = sorted(n for n in schemas.classes if re.search(rf"\b{n}\b", functions))
    main = (
        header
        + "\n"
        + _MAIN.format(
            security_imports="".join(f", {c}" for c in security_classes),
            model_imports=f"\nfrom models import {', '.join(used)}\n" if used else "",
            app_arguments=", ".join(app_arguments),
            functions=functions,
            title=str(info.get("title") or "MCP Proxy"),
        )
    )
    return main, "\n".join(models) + "\n"
