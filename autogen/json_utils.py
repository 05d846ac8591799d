"""JSON-schema helpers (ag2's ``autogen.json_utils``)."""

from __future__ import annotations

import warnings
from typing import Any

from .import_utils import optional_import

__all__ = ["resolve_json_references"]


def resolve_json_references(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every ``$ref`` replaced by the part of the schema it points to.

    The definitions themselves are kept, and so is a reference met again inside its own target. An unresolvable reference raises jsonschema's ref-resolution error;
    needs ``jsonschema`` (``pip install "ag2[gemini]"``).
    """
    jsonschema = optional_import("jsonschema", "gemini", feature="resolve_json_references")
    with warnings.catch_warnings():  # RefResolver is deprecated but still the resolver whose errors ag2 raises
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver.from_schema(schema)

    def inline(node: Any, active: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in active:  # a recursive reference stays a reference
            with resolver.resolving(ref) as target:
                return inline(target, (*active, ref))
        return {key: inline(value, active) for key, value in node.items()}

    return inline(schema, ())  # type: ignore[no-any-return]
