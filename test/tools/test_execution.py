"""What happens when the model calls a tool: validation, conversion, serialization, async."""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
from typing import Annotated, Literal

import pydantic
import pytest
from pydantic import BaseModel

from autogen.tools import Tool, ToolArgumentError, load_basemodels_if_needed, tool


class Address(BaseModel):
    street: str
    zip_code: str


class Person(BaseModel):
    name: str
    age: int
    address: Address | None = None


def add(a: Annotated[int, "first"], b: int) -> int:
    return a + b


def test_executable_validates_calls_and_serializes() -> None:
    run = Tool(func_or_tool=add).make_executable()
    assert run(a=1, b=2) == "3"
    assert run(a="4", b=5) == "9"  # lax coercion of numeric strings, as pydantic does
    assert run(1, 2) == "3"  # positional calls map onto the parameters in order


def test_serialize_false_returns_the_raw_value() -> None:
    run = Tool(func_or_tool=add).make_executable(serialize=False)
    assert run(a=1, b=2) == 3


def test_dict_arguments_become_pydantic_models_and_model_results_become_json() -> None:
    seen: list[Person] = []

    def register(person: Annotated[Person, "who"], note: str = "") -> Person:
        seen.append(person)
        return person

    run = Tool(func_or_tool=register).make_executable()
    out = run(person={"name": "Ada", "age": "36", "address": {"street": "Main", "zip_code": "12345"}})
    assert isinstance(seen[0], Person) and isinstance(seen[0].address, Address)
    assert seen[0].age == 36 and seen[0].address.zip_code == "12345"
    assert json.loads(out) == {"name": "Ada", "age": 36, "address": {"street": "Main", "zip_code": "12345"}}


def test_wrong_type_error_names_tool_argument_and_expected_type() -> None:
    run = Tool(func_or_tool=add).make_executable()
    with pytest.raises(ToolArgumentError) as info:
        run(a="three", b=1)
    err = info.value
    assert isinstance(err, ValueError)
    text = str(err)
    assert "'add'" in text
    assert "argument 'a'" in text and "'three'" in text and "expected int" in text
    assert "a: int (required), b: int (required)" in text
    assert err.tool_name == "add" and err.errors[0]["loc"] == ("a",)


def test_missing_arguments_are_reported_and_unknown_ones_dropped() -> None:
    run = Tool(func_or_tool=add).make_executable()
    with pytest.raises(ToolArgumentError) as info:
        run(a=1, c=3)
    text = str(info.value)
    assert "missing required argument 'b' (expected int)" in text
    assert "'c'" not in text
    assert run(a=1, b=2, c=3) == "3"  # as in ag2, an argument the tool does not take is ignored


def test_numbers_are_not_strings() -> None:
    def echo(text: str) -> str:
        return text

    run = Tool(func_or_tool=echo).make_executable()
    with pytest.raises(ToolArgumentError, match="argument 'text': Input should be a valid string; got 7"):
        run(text=7)


def test_direct_calls_validate_and_raise_pydantics_error() -> None:
    def register(person: Person, times: int = 1) -> str:
        assert isinstance(person, Person) and isinstance(times, int)
        return person.name * times

    t = Tool(func_or_tool=register)
    assert t(person={"name": "Bo", "age": "3"}, times="2") == "BoBo"
    assert t({"name": "Al", "age": 1}) == "Al"
    assert t.func(person=Person(name="Cy", age=1), unknown=True) == "Cy"
    with pytest.raises(pydantic.ValidationError) as info:
        t(person={"name": "Bo"}, times="x")
    text = str(info.value)
    assert text.startswith("2 validation errors for register\n")
    assert "person.age\n  Field required" in text
    assert "times\n  Input should be a valid integer" in text


async def test_direct_calls_of_async_tools_validate_too() -> None:
    async def double(x: int) -> int:
        return 2 * x

    t = Tool(func_or_tool=double)
    assert await t(x="21") == 42
    with pytest.raises(pydantic.ValidationError, match="1 validation error for double"):
        await t(x=None)


def test_nested_model_error_shows_the_path() -> None:
    def register(person: Person) -> str:
        return person.name

    run = Tool(func_or_tool=register).make_executable()
    with pytest.raises(ToolArgumentError, match=r"argument 'person\.age'"):
        run(person={"name": "Ada", "age": "old"})


def test_literal_and_optional_arguments_are_checked() -> None:
    def set_mode(mode: Literal["fast", "slow"], limit: int | None = None) -> str:
        return f"{mode}:{limit}"

    run = Tool(func_or_tool=set_mode).make_executable()
    assert run(mode="slow") == "slow:None"
    assert run(mode="fast", limit=None) == "fast:None"
    with pytest.raises(ToolArgumentError, match="'fast' or 'slow'"):
        run(mode="medium")


def test_too_many_positional_arguments() -> None:
    run = Tool(func_or_tool=add).make_executable()
    with pytest.raises(ToolArgumentError, match="3 positional arguments given but the tool takes at most 2"):
        run(1, 2, 3)


def test_function_with_kwargs_accepts_extra_arguments() -> None:
    def collect(a: int, **rest: int) -> dict:
        return {"a": a, **rest}

    run = Tool(func_or_tool=collect).make_executable(serialize=False)
    assert run(a=1, x=2) == {"a": 1, "x": 2}


def test_positional_only_parameters_are_passed_positionally() -> None:
    def power(base: int, exp: int = 2, /) -> int:
        return base**exp

    run = Tool(func_or_tool=power).make_executable()
    assert run(base=3) == "9"
    assert run(base=2, exp=3) == "8"


def test_methods_and_partials_are_tools() -> None:
    class Calculator:
        def __init__(self, offset: int) -> None:
            self.offset = offset

        def shift(self, x: int) -> int:
            """Add the offset."""
            return x + self.offset

    t = Tool(func_or_tool=Calculator(10).shift)
    assert t.name == "shift" and t.description == "Add the offset."
    assert list(t.tool_schema["function"]["parameters"]["properties"]) == ["x"]
    assert t.make_executable()(x=5) == "15"

    p = Tool(name="add_ten", func_or_tool=functools.partial(add, b=10))
    assert p.make_executable()(a=1) == "11"


async def test_async_tool_gives_an_async_executable() -> None:
    async def slow_add(a: int, b: int) -> dict:
        await asyncio.sleep(0)
        return {"sum": a + b}

    t = Tool(func_or_tool=slow_add)
    run = t.make_executable()
    assert inspect.iscoroutinefunction(run)
    assert await run(a="1", b=2) == "{'sum': 3}"  # 0.13 renders dicts with str()
    assert t.is_async
    with pytest.raises(ToolArgumentError):
        await run(a="x", b=2)
    assert await t(a=1, b=1) == {"sum": 2}


def test_executable_keeps_name_doc_and_visible_signature() -> None:
    t = Tool(name="plus", description="add two ints", func_or_tool=add)
    run = t.make_executable()
    assert run.__name__ == "plus"
    assert run.__doc__ == "add two ints"
    assert list(inspect.signature(run).parameters) == ["a", "b"]
    assert run.tool is t


def test_exceptions_from_the_function_propagate_unchanged() -> None:
    def boom(x: int) -> str:
        raise RuntimeError(f"broken {x}")

    with pytest.raises(RuntimeError, match="broken 1"):
        Tool(func_or_tool=boom).make_executable()(x=1)


def test_load_basemodels_if_needed_converts_dicts() -> None:
    @load_basemodels_if_needed
    def greet(person: Annotated[Person, "who"], times: int = 1) -> str:
        assert isinstance(person, Person)
        return person.name * times

    assert greet(person={"name": "Bo", "age": 3}, times=2) == "BoBo"
    assert greet({"name": "Al", "age": 3}) == "Al"
    assert greet(person=Person(name="Cy", age=1)) == "Cy"
    assert greet.__name__ == "greet"


async def test_load_basemodels_if_needed_async() -> None:
    @load_basemodels_if_needed
    async def age(person: Person | None) -> int:
        return person.age if person else -1

    assert inspect.iscoroutinefunction(age)
    assert await age(person={"name": "X", "age": 7}) == 7
    assert await age(person=None) == -1


def test_tool_decorator_forms() -> None:
    @tool()
    def a(x: int) -> int:
        """Doc of a."""
        return x

    @tool(name="bee", description="the b tool")
    def b(x: int) -> int:
        return x

    @tool
    def c(x: int) -> int:
        return x

    assert isinstance(a, Tool) and a.name == "a" and a.description == "Doc of a."
    assert (b.name, b.description) == ("bee", "the b tool")
    assert isinstance(c, Tool) and c(3) == 3
