"""``get_schema``: the JSON schema of the arguments a call model takes (its dependencies' included)."""

from __future__ import annotations

from typing import Any

from ._compat import create_model, model_schema
from .core import CallModel

__all__ = ["get_schema"]

_REFS = "$defs"


def get_schema(call: CallModel[Any, Any], embed: bool = False, resolve_refs: bool = False) -> dict[str, Any]:
    """The JSON schema of ``call``'s flat parameters.

    ``embed``: a single parameter's own schema instead of an object holding it. ``resolve_refs``:
    ``$ref`` entries replaced by their definitions.
    """
    assert call.model, "Call should has a model"
    params = call.flat_params
    body: dict[str, Any] = model_schema(create_model(call.model.__name__, **params))  # type: ignore[call-overload]
    if not params:
        return {"title": body["title"], "type": "null"}
    if resolve_refs:
        definitions = body.pop(_REFS, {})
        body = _inline_refs(body, definitions)
    if embed and len(body["properties"]) == 1:
        body = next(iter(body["properties"].values()))
    return body


def _inline_refs(node: Any, definitions: dict[str, Any]) -> Any:
    """A copy of ``node`` with every ``{"$ref": "#/$defs/X"}`` replaced by definition X (inlined too)."""
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(f"#/{_REFS}/"):
        return _inline_refs(definitions[ref.removeprefix(f"#/{_REFS}/")], definitions)
    return {key: _inline_refs(value, definitions) for key, value in node.items()}
