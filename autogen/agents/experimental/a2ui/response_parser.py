"""`A2UIResponseParser`: split an answer into its text and its A2UI messages, and check them."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from ....import_utils import optional_import
from .protocol import A2UI_DEFAULT_DELIMITER

__all__ = ["A2UIParseResult", "A2UIResponseParser", "A2UIValidationResult", "strip_markdown_fences"]

logger = logging.getLogger(__name__)

_FENCE = "```"


@dataclass
class A2UIValidationResult:
    """Whether A2UI messages met the schema, and what was wrong when they did not."""

    is_valid: bool
    """True when every message is valid."""

    errors: list[str] = field(default_factory=list)
    """One line per problem, ``"Operation <index>: <problem>"``."""


@dataclass
class A2UIParseResult:
    """An answer split at the delimiter."""

    text: str
    """The text before the delimiter (the whole answer when it has none), stripped."""

    operations: list[dict[str, Any]]
    """The A2UI messages after the delimiter (empty when there are none or they did not parse)."""

    has_a2ui: bool
    """Whether the answer carried A2UI JSON (even JSON that did not parse)."""

    raw_json: str | None = None
    """The JSON text found after the delimiter."""

    parse_error: str | None = None
    """Why that JSON could not be used, if it could not."""


def strip_markdown_fences(text: str) -> str:
    """``text`` without a surrounding Markdown code fence (```` ```json ... ``` ````), stripped."""
    text = text.strip()
    if text.startswith(_FENCE):
        newline = text.find("\n")
        text = text[newline + 1 :] if newline >= 0 else text[len(_FENCE) :]
    return text.removesuffix(_FENCE).strip()


class A2UIResponseParser:
    """Finds the A2UI JSON after ``delimiter`` in an answer and validates it.

    Validation needs ``server_to_client_schema`` (without it everything is valid) and, for the
    schema's references to the catalog, ``schema_registry`` (see
    `A2UISchemaManager.build_schema_registry`). With ``component_schemas`` and ``catalog_id`` an
    invalid ``updateComponents`` message is reported component by component.
    """

    def __init__(
        self,
        version_string: str,
        delimiter: str = A2UI_DEFAULT_DELIMITER,
        server_to_client_schema: dict[str, Any] | None = None,
        schema_registry: Any | None = None,
        component_schemas: dict[str, dict[str, Any]] | None = None,
        catalog_id: str | None = None,
    ) -> None:
        self._version_string = version_string
        self._delimiter = delimiter
        self._schema = server_to_client_schema
        self._registry = schema_registry
        self._component_schemas = component_schemas or {}
        self._catalog_id = catalog_id

    def parse(self, response: str) -> A2UIParseResult:
        """Split ``response`` at the first delimiter and read the JSON after it.

        A single object counts as a list of one message; nothing after the delimiter means no A2UI.
        """
        text, found, rest = response.partition(self._delimiter)
        text = text.strip()
        if not found:
            return A2UIParseResult(text=text, operations=[], has_a2ui=False)
        raw = strip_markdown_fences(rest)
        if not raw:
            return A2UIParseResult(text=text, operations=[], has_a2ui=False)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as e:
            return A2UIParseResult(text, [], True, raw_json=raw, parse_error=f"Invalid JSON: {e}")
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            error = f"Expected JSON array or object, got {type(data).__name__}"
            return A2UIParseResult(text, [], True, raw_json=raw, parse_error=error)
        return A2UIParseResult(text=text, operations=data, has_a2ui=True, raw_json=raw)

    def format_validation_error(self, parse_result: A2UIParseResult, validation_result: A2UIValidationResult) -> str:
        """The message asking the LLM to correct its A2UI output, listing what was wrong."""
        lines = ["Your A2UI output had validation errors:"]
        lines += [f"- {error}" for error in validation_result.errors]
        if parse_result.parse_error:
            lines.append(f"- JSON parse error: {parse_result.parse_error}")
        lines.append("")
        lines.append(
            "Please fix these errors and regenerate the A2UI JSON. Every message needs "
            f'"version": "{self._version_string}" and all of its required properties.'
        )
        return "\n".join(lines)

    def validate(self, operations: list[dict[str, Any]]) -> A2UIValidationResult:
        """Check each message against the schema (needs the ``a2ui`` extra: jsonschema)."""
        if self._schema is None:
            return A2UIValidationResult(is_valid=True)
        validator = self._validator(self._schema)
        errors: list[str] = []
        unresolvable = optional_import("referencing.exceptions", "a2ui", feature="A2UI validation").Unresolvable
        for index, operation in enumerate(operations):
            try:
                problems = list(validator.iter_errors(operation))
            except unresolvable as e:
                raise ValueError(
                    f"The A2UI schema refers to {e.ref!r}, which this parser cannot resolve: give it a "
                    "schema_registry (A2UISchemaManager.build_schema_registry())."
                ) from e
            if not problems:
                continue
            detail = self._component_errors(operation) or [self._explain(operation, problems)]
            errors += [f"Operation {index}: {d}" for d in detail]
        return A2UIValidationResult(is_valid=not errors, errors=errors)

    def _explain(self, operation: Any, problems: list[Any]) -> str:
        """The most useful of a message's errors. The schema's ``oneOf`` alone only says that no kind of
        message matched: the errors against the kind the message names (its ``createSurface``, ...
        key) say what is wrong with it."""
        best = _best_error(problems)
        if best.validator != "oneOf" or best.absolute_path or not isinstance(operation, dict):
            return _describe(best)
        definitions = self._schema.get("$defs", {}) if self._schema else {}
        kinds: dict[int, str] = {}  # branch index -> the key naming that kind of message
        for index, branch in enumerate(best.validator_value):
            definition = definitions.get(str(branch.get("$ref", "")).rsplit("/", 1)[-1], {})
            for key in definition.get("required", []):
                if key != "version":
                    kinds[index] = key
        chosen = [index for index, key in kinds.items() if key in operation]
        if len(chosen) != 1:
            return f"a message needs exactly one of {', '.join(sorted(set(kinds.values())))}"
        within = [e for e in best.context if e.relative_schema_path and e.relative_schema_path[0] == chosen[0]]
        return _describe(_best_error(within) if within else best)

    def _validator(self, schema: dict[str, Any]) -> Any:
        jsonschema = optional_import("jsonschema", "a2ui", feature="A2UI validation")
        cls = jsonschema.validators.validator_for(schema)
        registry = self._registry
        if registry is None:  # an empty registry: references are never fetched over the network
            registry = optional_import("referencing", "a2ui", feature="A2UI validation").Registry()
        return cls(schema, registry=registry)

    def _component_errors(self, operation: Any) -> list[str]:
        """One error per invalid component of an ``updateComponents`` message (else none)."""
        body = operation.get("updateComponents") if isinstance(operation, dict) else None
        if not isinstance(body, dict) or not self._component_schemas or not self._catalog_id:
            return []
        components = body.get("components")
        if not isinstance(components, list):
            return []
        errors: list[str] = []
        for component in components:
            if not isinstance(component, dict):
                errors.append(f"Component {component!r}: a component must be a JSON object")
                continue
            kind, cid = component.get("component", "unknown"), component.get("id", "?")
            if kind not in self._component_schemas:
                errors.append(f"Component '{cid}': unknown component type '{kind}'")
                continue
            try:
                validator = self._validator({"$ref": f"{self._catalog_id}#/components/{kind}"})
                problems = list(validator.iter_errors(component))
            except Exception as e:  # noqa: BLE001 - a broken catalog is the developer's problem, not the model's
                logger.warning("Could not validate component '%s' (%s): %s", cid, kind, e)
                continue
            if problems:
                errors.append(f"Component '{cid}' ({kind}): {_describe(_best_error(problems))}")
        return errors


def _best_error(problems: list[Any]) -> Any:
    """The error most worth showing. An ``unevaluatedProperties`` error listing every property is
    only a consequence of another error when there is one, so it is passed over then."""
    jsonschema = optional_import("jsonschema", "a2ui", feature="A2UI validation")
    primary = [e for e in problems if e.validator != "unevaluatedProperties"] or problems
    return jsonschema.exceptions.best_match(primary)


def _describe(error: Any) -> str:
    """An error's message, with where it is when that is not the top of the checked object."""
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message} (at {where})" if where else str(error.message)
