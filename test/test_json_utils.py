"""resolve_json_references writes out a schema's references."""

from __future__ import annotations

import pytest

from autogen.json_utils import resolve_json_references


def test_references_are_replaced_and_definitions_kept() -> None:
    address = {"type": "object", "properties": {"city": {"type": "string"}}}
    schema = {
        "type": "object",
        "properties": {
            "home": {"$ref": "#/$defs/Address"},
            "all": {"type": "array", "items": {"$ref": "#/$defs/Address"}},
        },
        "$defs": {"Address": address},
    }
    resolved = resolve_json_references(schema)
    assert resolved["properties"] == {"home": address, "all": {"type": "array", "items": address}}
    assert resolved["$defs"] == {"Address": address}
    assert schema["properties"]["home"] == {"$ref": "#/$defs/Address"}  # the input is left as it was


def test_a_recursive_reference_stays_a_reference() -> None:
    schema = {
        "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}},
        "$ref": "#/$defs/Node",
    }
    resolved = resolve_json_references(schema)
    assert resolved == {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}


@pytest.mark.filterwarnings("ignore:jsonschema.exceptions.RefResolutionError is deprecated:DeprecationWarning")
def test_an_unresolvable_reference_raises() -> None:
    import jsonschema

    with pytest.raises(jsonschema.RefResolutionError, match="Unresolvable JSON pointer: '\\$defs/Missing'"):
        resolve_json_references({"properties": {"x": {"$ref": "#/$defs/Missing"}}})
