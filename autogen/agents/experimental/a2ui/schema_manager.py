"""`A2UISchemaManager`: the A2UI schemas of one protocol version, and the prompt that teaches them.

Each version has a folder (``v0_9/``) holding the protocol's own files in ``spec/`` (the JSON
schemas published at a2ui.org, and the catalog's rules) beside AG2's prompt material
(``prompt_example.json``, ``prompt_message_types.md``). ``spec_dir`` points at another tree of
the same shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ....import_utils import optional_import
from .protocol import A2UI_DEFAULT_DELIMITER

if TYPE_CHECKING:
    from .actions import A2UIAction

__all__ = ["A2UISchemaManager"]

_HERE = Path(__file__).parent


class _Version:
    """Where a protocol version's schemas live and how its messages name it."""

    def __init__(self, default_catalog_id: str, schema_base_uri: str, version_string: str) -> None:
        self.default_catalog_id = default_catalog_id
        self.schema_base_uri = schema_base_uri
        self.version_string = version_string


_VERSIONS: dict[str, _Version] = {
    "v0.9": _Version(
        default_catalog_id="https://a2ui.org/specification/v0_9/basic_catalog.json",
        schema_base_uri="https://a2ui.org/specification/v0_9/",
        version_string="v0.9",
    ),
}

# component properties every component has, left out of a custom component's summary
_COMMON_PROPERTIES = frozenset({"id", "component", "accessibility"})


class A2UISchemaManager:
    """Loads the A2UI schemas of ``protocol_version`` (plus an optional custom catalog) and writes
    the system-prompt section asking an LLM for A2UI output.

    A custom catalog (a dict, or the path of a JSON file) must have a ``$id``: it becomes the
    ``catalogId`` of the agent's surfaces. Its components are offered beside the basic catalog's,
    and it takes the basic catalog's place as ``catalog.json`` when messages are validated (so it
    should reference ``basic_catalog.json`` in its ``$defs/anyComponent`` to keep the basic ones).
    """

    def __init__(
        self,
        protocol_version: str = "v0.9",
        custom_catalog: str | Path | dict[str, Any] | None = None,
        custom_catalog_rules: str | None = None,
        spec_dir: str | Path | None = None,
    ) -> None:
        version = _VERSIONS.get(protocol_version)
        if version is None:
            raise ValueError(
                f"Unsupported A2UI protocol version: {protocol_version!r}. Supported versions: {', '.join(_VERSIONS)}"
            )
        self._protocol_version = protocol_version
        self._version = version
        self._version_dir = Path(spec_dir or _HERE) / protocol_version.replace(".", "_")
        spec = self._version_dir / "spec"

        self._server_to_client: dict[str, Any] = _read_json(spec / "server_to_client.json")
        self._common_types: dict[str, Any] = _read_json(spec / "common_types.json")
        self._basic_catalog: dict[str, Any] = _read_json(spec / "basic_catalog.json")
        self._catalog_rules = _read_text(spec / "basic_catalog_rules.txt")
        self._prompt_example = _read_json(self._version_dir / "prompt_example.json")
        self._prompt_message_types = _read_text(self._version_dir / "prompt_message_types.md")

        self._custom_catalog: dict[str, Any] | None = None
        if isinstance(custom_catalog, dict):
            self._custom_catalog = custom_catalog
        elif custom_catalog is not None:
            self._custom_catalog = _read_json(Path(custom_catalog))
        self._custom_catalog_rules = custom_catalog_rules or ""

        if self._custom_catalog is None:
            self._catalog_id = version.default_catalog_id
        elif "$id" in self._custom_catalog:
            self._catalog_id = str(self._custom_catalog["$id"])
        else:
            raise ValueError(
                "Custom catalog must include a '$id' field: it is the catalogId the agent's createSurface "
                'messages name, e.g. {"$id": "https://example.com/my_catalog.json", "components": {...}}.'
            )

    # ------------------------------------------------------------------ what was loaded

    @property
    def protocol_version(self) -> str:
        """The protocol version, e.g. ``"v0.9"``."""
        return self._protocol_version

    @property
    def catalog_id(self) -> str:
        """The catalog the agent's surfaces use: the custom catalog's ``$id``, else the basic catalog's."""
        return self._catalog_id

    @property
    def server_to_client_schema(self) -> dict[str, Any]:
        """The schema of one agent-to-client A2UI message."""
        return self._server_to_client

    @property
    def basic_catalog_schema(self) -> dict[str, Any]:
        """The basic component catalog."""
        return self._basic_catalog

    @property
    def custom_catalog_schema(self) -> dict[str, Any] | None:
        """The custom catalog, if one was given."""
        return self._custom_catalog

    @property
    def common_types_schema(self) -> dict[str, Any]:
        """The types shared by the catalogs (bindings, dynamic values, actions)."""
        return self._common_types

    @property
    def version_string(self) -> str:
        """The ``version`` every A2UI message carries."""
        return self._version.version_string

    @property
    def catalog_rules(self) -> str:
        """Plain-text rules for the basic catalog's components."""
        return self._catalog_rules

    @property
    def custom_catalog_rules(self) -> str:
        """Plain-text rules for the custom catalog's components ("" when none)."""
        return self._custom_catalog_rules

    def _catalogs(self) -> list[dict[str, Any]]:
        return [self._basic_catalog] if self._custom_catalog is None else [self._basic_catalog, self._custom_catalog]

    def get_component_schemas(self) -> dict[str, dict[str, Any]]:
        """Each component's schema by type name (``"Button"``), the basic catalog's first."""
        schemas: dict[str, dict[str, Any]] = {}
        for catalog in self._catalogs():
            for name, schema in (catalog.get("components") or {}).items():
                if isinstance(schema, dict):
                    schemas.setdefault(name, schema)
        return schemas

    def build_schema_registry(self) -> Any:
        """A ``referencing.Registry`` resolving the schemas' cross-file ``$ref`` s locally.

        ``catalog.json`` (which ``server_to_client.json`` refers to) is the custom catalog when there
        is one, else the basic catalog; each schema is also reachable by its own ``$id``.
        """
        referencing = optional_import("referencing", "a2ui", feature="A2UI validation")
        draft = optional_import("referencing.jsonschema", "a2ui", feature="A2UI validation").DRAFT202012

        def resource(schema: dict[str, Any]) -> Any:
            return referencing.Resource.from_contents(schema, default_specification=draft)

        base = self._version.schema_base_uri
        active = self._custom_catalog if self._custom_catalog is not None else self._basic_catalog
        by_name = {"catalog.json": active, "common_types.json": self._common_types}
        by_name["basic_catalog.json"] = self._basic_catalog
        pairs: list[tuple[str, Any]] = []
        for name, schema in by_name.items():
            pairs += [(base + name, resource(schema)), (name, resource(schema))]
        for schema in [self._server_to_client, *self._catalogs(), self._common_types]:
            if schema.get("$id"):
                pairs.append((schema["$id"], resource(schema)))
        return referencing.Registry().with_resources(pairs)

    # ------------------------------------------------------------------ the prompt

    def generate_prompt_section(
        self,
        include_schema: bool = True,
        include_rules: bool = True,
        response_delimiter: str = A2UI_DEFAULT_DELIMITER,
        actions: list[A2UIAction] | None = None,
    ) -> str:
        """The part of the system prompt that asks for A2UI output.

        ``include_schema`` adds the message schema (more tokens, fewer invalid answers);
        ``include_rules`` the catalog rules; ``actions`` lists what buttons can trigger.
        """
        v = self._protocol_version
        example = json.dumps(self._prompt_example, separators=(",", ": ")).replace("{catalog_id}", self._catalog_id)
        response_format = (
            f"## A2UI Response Format ({v})\n\n"
            f"You can answer with a rich user interface described in A2UI {v}. To do so, write your text "
            f"answer, then a line holding only `{response_delimiter}`, then a JSON array of A2UI messages. "
            "Answer without the delimiter and JSON when text is enough.\n\n"
            f"For example:\n```\nYour order is ready to confirm.\n{response_delimiter}\n{example}\n```"
        )
        message_types = self._prompt_message_types.replace("{catalog_id}", self._catalog_id)
        sections = [response_format, "## A2UI Message Types\n\n" + message_types.replace("{version_string}", v)]
        components = self._components_section()
        if components:
            sections.append(components)
        if include_rules:
            rules = [r for r in (self._catalog_rules, self._custom_catalog_rules) if r]
            if rules:
                sections.append("## Component Rules\n\n" + "\n\n".join(rules))
        if actions:
            sections.append(_actions_section(actions))
        if include_schema:
            schema = json.dumps(self._server_to_client, indent=2)
            sections.append(f"## A2UI Message Schema ({v})\n\n```json\n{schema}\n```")
        return "\n\n".join(sections)

    def _components_section(self) -> str:
        basic = sorted(self._basic_catalog.get("components") or {})
        custom_components = (self._custom_catalog or {}).get("components") or {}
        if not basic and not custom_components:
            return ""
        lines = ["## Available Components", ""]
        if basic:
            lines += [f"**Basic catalog:** {', '.join(basic)}", ""]
        if custom_components:
            lines += [f"**Custom components:** {', '.join(sorted(custom_components))}", ""]
            for name in sorted(custom_components):
                summary = _component_summary(custom_components[name])
                if summary:
                    lines.append(f"- **{name}**: {summary}")
            lines.append("")
        lines.append(
            "A component is one flat object naming its type in `component`, e.g. "
            '`{"id": "greeting", "component": "Text", "text": "Hello"}`. Components refer to each other by '
            "`id`: containers (Column, Row) list theirs in `children`, wrappers (Card, Button) name one in `child`."
        )
        return "\n".join(lines)


def _component_summary(schema: Any) -> str:
    """A custom component's description, else the list of its own properties."""
    if not isinstance(schema, dict):
        return ""
    if schema.get("description"):
        return str(schema["description"])
    names: set[str] = set()
    for part in [schema, *(p for p in schema.get("allOf") or [] if isinstance(p, dict))]:
        names.update(part.get("properties") or {})
    names -= _COMMON_PROPERTIES
    return f"Properties: {', '.join(sorted(names))}" if names else ""


def _actions_section(actions: list[A2UIAction]) -> str:
    """The prompt's list of what buttons can do: server events, then client functions."""
    events = [a for a in actions if a.action_type == "event"]
    functions = [a for a in actions if a.action_type == "functionCall"]
    lines = ["## Available Actions", "", "Buttons in your UI can trigger these actions."]
    if events:
        lines += ["", "### Server Events", "", "A click sends the event to you, with its context."]
        for action in events:
            lines.append(f"- `{action.name}`" + (f": {action.description}" if action.description else ""))
            if action.example_context:
                lines.append(f"  Context: {json.dumps(action.example_context)}")
        lines += [
            "",
            "A button sending an event:",
            "```json",
            '{"id": "send_btn", "component": "Button", "child": "send_label", "action": '
            + '{"event": {"name": "<action name>", "context": {...}}}},',
            '{"id": "send_label", "component": "Text", "text": "<button label>"}',
            "```",
        ]
    if functions:
        lines += [
            "",
            "### Client Functions",
            "",
            "These run in the client without reaching you. Write the call exactly as shown: the same function "
            + 'name in `call`, the same argument names in `args`, `"returnType": "void"`, nothing more.',
        ]
        for action in functions:
            call = {"call": action.name, "args": action.example_args or {}, "returnType": "void"}
            button = {"id": "fn_btn", "component": "Button", "child": "fn_label", "action": {"functionCall": call}}
            lines.append(f"- **`{action.name}`**" + (f": {action.description}" if action.description else ""))
            lines.append(f"  ```json\n  {json.dumps(button)}\n  ```")
    return "\n".join(lines)


def _read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _read_text(path: Path) -> str:
    """A text file's stripped content; "" when the file does not exist."""
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""
