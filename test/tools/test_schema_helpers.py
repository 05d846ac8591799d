"""ag2's step-by-step schema helpers in autogen.tools.function_utils, and Depends(x=...)."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel

from autogen.tools import Depends, Tool
from autogen.tools.dependency_injection import Field
from autogen.tools.function_utils import (
    get_default_values,
    get_load_param_if_needed_function,
    get_missing_annotations,
    get_param_annotations,
    get_parameter_json_schema,
    get_parameters,
    get_required_params,
    get_typed_return_annotation,
    get_typed_signature,
)


class Point(BaseModel):
    x: int
    y: int


def move(p: Annotated[Point, "where"], steps: int = 1, label="x") -> str:
    return f"{p.x + steps},{p.y}"


def test_pieces_of_a_signature() -> None:
    sig = get_typed_signature(move)
    assert get_required_params(sig) == ["p"]
    assert get_default_values(sig) == {"steps": 1, "label": "x"}
    assert set(get_param_annotations(sig)) == {"p", "steps"}
    assert get_missing_annotations(sig, ["p"]) == (set(), {"label"})
    assert get_typed_return_annotation(move) is str


def test_parameters_assembled_from_the_pieces() -> None:
    sig = get_typed_signature(move)
    params = get_parameters(get_required_params(sig), get_param_annotations(sig), get_default_values(sig))
    dumped = params.model_dump()
    assert dumped["type"] == "object" and dumped["required"] == ["p"]
    assert dumped["properties"]["steps"] == {"type": "integer", "default": 1, "description": "steps"}
    assert dumped["properties"]["p"]["description"] == "where"
    assert dumped["properties"]["p"]["properties"]["x"]["type"] == "integer"


def test_parameter_schema_reads_field_descriptions() -> None:
    schema = get_parameter_json_schema("q", Annotated[str, Field(description="the query")], {"q": "all"})
    assert schema == {"type": "string", "description": "the query", "default": "all"}


def test_loader_only_for_model_classes() -> None:
    load = get_load_param_if_needed_function(Annotated[Point, "p"])
    assert load is not None and load({"x": 1, "y": 2}, Point) == Point(x=1, y=2)
    assert get_load_param_if_needed_function(list[Point]) is None
    assert get_load_param_if_needed_function(Point | None) is None


def test_depends_takes_its_provider_as_x_too() -> None:
    def secret() -> str:
        return "s3cret"

    def call(q: str, token: Annotated[str, Depends(x=secret)]) -> str:
        return f"{q}:{token}"

    tool = Tool(func_or_tool=call)
    assert "token" not in tool.tool_schema["function"]["parameters"]["properties"]
    assert tool(q="a") == "a:s3cret"
    with pytest.raises(TypeError):
        Depends()


def test_missing_return_annotation_warning_is_one_formatted_message(caplog: pytest.LogCaptureFixture) -> None:
    from autogen.tools import get_function_schema

    def f(a: int):
        return a

    get_function_schema(f, description="d")
    assert any("function 'f' is not annotated" in r.getMessage() and not r.args for r in caplog.records)
