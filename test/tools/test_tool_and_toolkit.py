"""Tool objects, Toolkit operations, registration on agents and result serialization."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import pytest
from pydantic import BaseModel

from autogen.tools import Tool, Toolkit, serialize_to_str


def add(a: Annotated[int, "first"], b: int) -> int:
    """Add two ints.
    Indented second line."""
    return a + b


def mul(a: int, b: int) -> int:
    return a * b


class Point(BaseModel):
    x: int
    y: int


def test_public_names() -> None:
    from autogen import tools

    expected = {"Tool", "tool", "Toolkit", "Depends", "BaseContext", "ChatContext", "get_function_schema",
                "load_basemodels_if_needed", "serialize_to_str", "ToolArgumentError"}  # fmt: skip
    assert set(tools.__all__) == expected
    assert all(hasattr(tools, n) for n in expected)


def test_defaults_from_the_function() -> None:
    t = Tool(func_or_tool=add)
    assert t.name == "add"
    assert t.description == add.__doc__  # raw, unstripped docstring
    assert Tool(func_or_tool=mul).description == ""
    assert "Tool(name='add'" in repr(t)


def test_tool_from_tool_with_rename_keeps_the_function() -> None:
    base = Tool(func_or_tool=add, description="add two ints")
    renamed = Tool(name="plus", func_or_tool=base)
    assert renamed.name == "plus" and renamed.description == "add two ints"
    assert renamed.tool_schema["function"]["name"] == "plus"
    assert renamed.tool_schema["function"]["parameters"] == base.tool_schema["function"]["parameters"]
    assert renamed(2, 3) == 5
    assert renamed.make_executable()(a=2, b=3) == "5"
    assert base.name == "add"  # the original is untouched

    described = Tool(description="sum", func_or_tool=renamed)
    assert (described.name, described.description) == ("plus", "sum")


def test_only_functions_and_tools_make_tools() -> None:
    with pytest.raises(ValueError, match="must be a function"):
        Tool(func_or_tool="add")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be a function"):
        Tool(func_or_tool=42)  # type: ignore[arg-type]


def test_registration_goes_through_the_agents_decorators(agent: Any) -> None:
    t = Tool(func_or_tool=add, description="add two ints")
    t.register_for_llm(agent)
    assert agent.llm_tools == [t] and agent.function_map == {}
    t.register_for_execution(agent)
    assert agent.function_map["add"](a=1, b=2) == "3"

    other = type(agent)("other")
    Tool(name="times", func_or_tool=mul).register_tool(other)
    assert [x.name for x in other.llm_tools] == ["times"]
    assert other.function_map["times"](a=2, b=4) == "8"


def test_toolkit_operations(agent: Any) -> None:
    kit = Toolkit([Tool(func_or_tool=add), Tool(func_or_tool=mul)])
    assert len(kit) == 2
    assert [t.name for t in kit.tools] == ["add", "mul"]
    assert kit.get_tool("mul").name == "mul"

    kit.set_tool(Tool(name="mul", description="new", func_or_tool=mul))  # replaces by name
    assert len(kit) == 2 and kit.get_tool("mul").description == "new"

    kit.remove_tool("add")
    assert [t.name for t in kit.tools] == ["mul"]
    with pytest.raises(ValueError, match="Tool 'add' not found"):
        kit.get_tool("add")
    with pytest.raises(ValueError, match="Tool 'add' not found.*'mul'"):
        kit.remove_tool("add")
    with pytest.raises(TypeError, match="Tool objects"):
        kit.set_tool(mul)  # type: ignore[arg-type]

    kit.register_for_llm(agent)
    kit.register_for_execution(agent)
    assert [t.name for t in agent.llm_tools] == ["mul"]
    assert agent.function_map["mul"](a=3, b=3) == "9"


class Opaque:
    def __str__(self) -> str:
        return "<opaque>"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain", "plain"),
        (3, "3"),
        (2.5, "2.5"),
        (True, "True"),
        (None, "None"),
        ({"a": 1, "b": "x"}, "{'a': 1, 'b': 'x'}"),  # 0.13 renders dicts with str(), not JSON
        ([1, "two"], "[1, 'two']"),
        ({"p": Point(x=1, y=2)}, "{'p': {'x': 1, 'y': 2}}"),
        (datetime.date(2024, 1, 2), "2024-01-02"),
        (Point(x=1, y=2), '{"x":1,"y":2}'),
        (Opaque(), "<opaque>"),
    ],
)
def test_serialize_to_str(value: Any, text: str) -> None:
    assert serialize_to_str(value) == text
