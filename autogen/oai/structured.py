"""Structured output: turn a user's ``response_format`` into the chat-completions request form.

Accepted forms: a pydantic model class (sent as a strict JSON schema named after the class), a
JSON-schema dict (made strict), or an explicit OpenAI form (``{"type": "json_object"}``,
``{"type": "json_schema", ...}``, ``{"type": "text"}``), passed through unchanged.
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["cache_form", "format_structured_content", "is_model_class", "strict_json_schema", "to_request_format"]

_PASSTHROUGH_TYPES = {"json_object", "json_schema", "text"}


def is_model_class(obj: Any) -> bool:
    """True for a pydantic model class (anything with ``model_json_schema`` and ``model_validate_json``)."""
    return isinstance(obj, type) and hasattr(obj, "model_json_schema") and hasattr(obj, "model_validate_json")


def to_request_format(response_format: Any) -> dict[str, Any] | None:
    """The ``response_format`` request parameter for a user's structured-output setting."""
    if response_format is None:
        return None
    if is_model_class(response_format):
        return _json_schema_format(response_format.__name__, response_format.model_json_schema())
    if isinstance(response_format, dict):
        if response_format.get("type") in _PASSTHROUGH_TYPES:
            return response_format
        return _json_schema_format(str(response_format.get("title") or "response"), response_format)
    raise TypeError(
        "response_format must be a pydantic model class, a JSON-schema dict, or an OpenAI response_format dict "
        f'such as {{"type": "json_object"}}; got {type(response_format).__name__}'
    )


def cache_form(response_format: Any) -> Any:
    """A JSON-able stand-in for ``response_format`` in a cache key (a model class -> its JSON schema)."""
    if is_model_class(response_format):
        return response_format.model_json_schema()
    return response_format


def _json_schema_format(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    safe_name = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "response"
    return {
        "type": "json_schema",
        "json_schema": {"name": safe_name, "schema": strict_json_schema(schema), "strict": True},
    }


def strict_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` that satisfies OpenAI's strict mode.

    Every object lists all its properties as required and forbids additional ones; ``default``
    values (not allowed in strict mode) are removed. Nested definitions are handled too.
    """
    result = copy.deepcopy(schema)
    _make_strict(result)
    return result


def _make_strict(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _make_strict(item)
        return
    if not isinstance(node, dict):
        return
    node.pop("default", None)
    props = node.get("properties")
    if node.get("type") == "object" or isinstance(props, dict):
        if isinstance(props, dict):
            node["required"] = list(props)
        node["additionalProperties"] = False
    for key in ("properties", "$defs", "definitions"):
        sub = node.get(key)
        if isinstance(sub, dict):
            for value in sub.values():
                _make_strict(value)
    for key in ("items", "anyOf", "allOf", "oneOf", "prefixItems"):
        if key in node:
            _make_strict(node[key])


def format_structured_content(response_format: Any, content: str | None) -> str | None:
    """The text an agent should see for a structured reply.

    When ``response_format`` is a model class that defines ``format()``, the JSON reply is parsed
    into the model and ``format()``'s string is returned; otherwise the JSON text is returned as is
    (also when it does not parse, so nothing the model said is lost).
    """
    if content is None or not is_model_class(response_format) or not callable(getattr(response_format, "format", None)):
        return content
    try:
        return str(response_format.model_validate_json(content).format())
    except ValueError:
        return content
