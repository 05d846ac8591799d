"""Schemas derived from type hints: what the model is told about each tool."""

from __future__ import annotations

import enum
import json
import logging
from typing import Annotated, Any, Literal, Optional

import pydantic
import pytest
from pydantic import BaseModel

from autogen.tools import BaseContext, ChatContext, Depends, Tool, get_function_schema
from autogen.tools.dependency_injection import Field, on

ADD_SCHEMA = (
    '{"type":"function","function":{"description":"add two ints","name":"add","parameters":{"type":"object",'
    '"properties":{"a":{"type":"integer","description":"first"},"b":{"type":"integer","description":"b"}},'
    '"required":["a","b"]}}}'
)


def add(a: Annotated[int, "first"], b: int) -> int:
    return a + b


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Address(BaseModel):
    street: str
    zip_code: str


class Person(BaseModel):
    """A person."""

    name: str
    address: Address
    previous: Address | None = None


class Node(BaseModel):
    value: int
    children: list[Node] = []


class Account(BaseContext, BaseModel):
    user: str


class ContextVariables:  # stands in for the group-chat class, recognised by its name
    pass


def dumps(x: Any) -> str:
    return json.dumps(x, separators=(",", ":"))


def props(f: Any) -> dict[str, Any]:
    return get_function_schema(f, description="d")["function"]["parameters"]["properties"]


def test_add_example_matches_the_reference_schema_byte_for_byte() -> None:
    assert dumps(Tool(func_or_tool=add, description="add two ints").tool_schema) == ADD_SCHEMA
    # raw functions with Annotated[T, "text"] are accepted directly too (0.2 behaviour)
    assert dumps(get_function_schema(add, description="add two ints")) == ADD_SCHEMA


def test_legacy_module_path_exports_the_same_helpers() -> None:
    import autogen.function_utils as legacy
    from autogen import tools

    assert legacy.get_function_schema is tools.get_function_schema
    assert legacy.serialize_to_str is tools.serialize_to_str
    assert legacy.load_basemodels_if_needed is tools.load_basemodels_if_needed
    assert dumps(legacy.get_function_schema(add, description="add two ints")) == ADD_SCHEMA


def test_descriptions_from_field_and_pydantic_field_and_optional_annotated() -> None:
    def f(
        a: Annotated[str, Field(description="from Field")],
        b: Annotated[int, pydantic.Field(description="pydantic", ge=0)],
        c: Optional[Annotated[int, "inside optional"]] = None,  # noqa: UP045 - typing.Optional on purpose
    ) -> str:
        return ""

    p = props(f)
    assert p["a"] == {"type": "string", "description": "from Field"}
    assert p["b"]["description"] == "pydantic" and p["b"]["minimum"] == 0
    assert p["c"]["description"] == "inside optional"


def test_defaults_optional_literal_enum_and_containers() -> None:
    def f(
        color: Color = Color.RED,
        mode: Literal["fast", "slow"] = "fast",
        n: Optional[int] = None,  # noqa: UP045 - typing.Optional on purpose
        tags: list[str] = [],  # noqa: B006
        scores: dict[str, float] | None = None,
        ratio: float = 0.5,
    ) -> str:
        return ""

    schema = get_function_schema(f, description="d")
    p = schema["function"]["parameters"]["properties"]
    assert p["color"] == {
        "enum": ["red", "green"],
        "title": "Color",
        "type": "string",
        "default": "red",
        "description": "color",
    }
    assert p["mode"] == {"enum": ["fast", "slow"], "type": "string", "default": "fast", "description": "mode"}
    assert p["n"] == {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None, "description": "n"}
    assert p["tags"] == {"items": {"type": "string"}, "type": "array", "default": [], "description": "tags"}
    assert p["scores"]["anyOf"][0] == {"additionalProperties": {"type": "number"}, "type": "object"}
    assert dumps(p["ratio"]) == '{"type":"number","default":0.5,"description":"ratio"}'
    assert schema["function"]["parameters"]["required"] == []
    json.dumps(schema)  # the whole schema is JSON


def test_required_lists_parameters_without_defaults_in_signature_order() -> None:
    def f(z: int, a: str = "x", m: float = 1.0, b: bool = False, *, k: int) -> str:
        return ""

    assert get_function_schema(f, description="d")["function"]["parameters"]["required"] == ["z", "k"]


ADDRESS_SCHEMA = {
    "properties": {
        "street": {"title": "Street", "type": "string"},
        "zip_code": {"title": "Zip Code", "type": "string"},
    },
    "required": ["street", "zip_code"],
    "title": "Address",
    "type": "object",
}


def test_model_parameter_keeps_its_nested_models_in_its_own_defs() -> None:
    def f(person: Annotated[Person, "who"]) -> str:
        return ""

    params = get_function_schema(f, description="d")["function"]["parameters"]
    # pydantic's schema of the type as it is (as in ag2), the description put over the model's docstring
    assert dumps(params["properties"]["person"]) == dumps(
        {
            "$defs": {"Address": ADDRESS_SCHEMA},
            "description": "who",
            "properties": {
                "name": {"title": "Name", "type": "string"},
                "address": {"$ref": "#/$defs/Address"},
                "previous": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}], "default": None},
            },
            "required": ["name", "address"],
            "title": "Person",
            "type": "object",
        }
    )
    assert list(params) == ["type", "properties", "required"]


def test_lists_and_optionals_of_models_reference_their_defs() -> None:
    def f(homes: list[Address], old: Address | None = None) -> str:
        return ""

    p = props(f)
    assert dumps(p["homes"]) == dumps(
        {
            "$defs": {"Address": ADDRESS_SCHEMA},
            "items": {"$ref": "#/$defs/Address"},
            "type": "array",
            "description": "homes",
        }
    )
    assert dumps(p["old"]) == dumps(
        {
            "$defs": {"Address": ADDRESS_SCHEMA},
            "anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}],
            "default": None,
            "description": "old",
        }
    )


def test_recursive_model_is_a_reference_into_the_propertys_defs() -> None:
    def f(tree: Node) -> str:
        return ""

    tree = props(f)["tree"]
    assert tree["$ref"] == "#/$defs/Node" and tree["description"] == "tree"
    assert tree["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}


def test_required_parameter_without_annotation_is_a_type_error_naming_it() -> None:
    def f(a: int, secret_thing, other) -> str:
        return ""

    with pytest.raises(TypeError, match="'other', 'secret_thing'"):
        get_function_schema(f, description="d")


def test_unannotated_parameter_with_default_is_omitted_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    def f(a: int, b=3):
        return a + b

    with caplog.at_level(logging.WARNING, logger="autogen.tools"):
        params = get_function_schema(f, description="d")["function"]["parameters"]
    assert list(params["properties"]) == ["a"]
    assert params["required"] == ["a"]
    assert "'b'" in caplog.text
    assert "return type of the function 'f' is not annotated" in caplog.text


def test_injected_parameters_are_hidden_from_the_model() -> None:
    def f(
        city: str,
        ctx: ChatContext,
        account: Annotated[Account, Depends(Account(user="bob"))],
        api_key: Annotated[str, Depends(on("sk-secret"))],
        token: str = Depends(lambda: "tok"),
        context_variables: dict | None = None,
        shared: ContextVariables | None = None,
    ) -> str:
        return city

    t = Tool(func_or_tool=f)
    params = t.tool_schema["function"]["parameters"]
    assert params == {
        "type": "object",
        "properties": {"city": {"type": "string", "description": "city"}},
        "required": ["city"],
    }
    assert "sk-secret" not in json.dumps(t.tool_schema)
    # the injected wrapper's signature shows only what the model fills in
    import inspect

    assert list(inspect.signature(t.func).parameters) == ["city"]


def test_function_without_parameters() -> None:
    def now() -> str:
        """Current time."""
        return "noon"

    t = Tool(func_or_tool=now)
    assert t.tool_schema == {
        "type": "function",
        "function": {
            "description": "Current time.",
            "name": "now",
            "parameters": {"type": "object", "properties": {}, "required": []},
        },
    }


def test_schema_forms_and_verbatim_parameters() -> None:
    t = Tool(name="plus", description="add two ints", func_or_tool=add)
    assert t.function_schema == t.tool_schema["function"]
    assert t.realtime_tool_schema == {"type": "function", **t.function_schema}
    assert t.function_schema["name"] == "plus"

    custom = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    v = Tool(name="search", description="s", func_or_tool=add, parameters_json_schema=custom)
    assert v.tool_schema["function"]["parameters"] == custom
    v.tool_schema["function"]["parameters"]["properties"].clear()  # callers get a copy
    assert v.tool_schema["function"]["parameters"] == custom


def test_type_without_json_schema_names_the_parameter_but_tool_still_runs() -> None:
    class Handle:
        pass

    def f(n: int, h: Handle) -> str:
        return str(n)

    t = Tool(func_or_tool=f)
    with pytest.raises(TypeError, match="Parameter 'h' of 'f'.*Depends"):
        t.tool_schema  # noqa: B018
    assert t.make_executable()(n=1, h=Handle()) == "1"


def test_unresolvable_forward_reference_is_reported_when_the_schema_is_built() -> None:
    def f(a: int, b: NotDefinedAnywhere) -> str:  # noqa: F821
        return str(a)

    t = Tool(func_or_tool=f)
    with pytest.raises(TypeError, match="'NotDefinedAnywhere' of parameter 'b'"):
        t.tool_schema  # noqa: B018
    assert t.make_executable()(a=2, b=object()) == "2"
