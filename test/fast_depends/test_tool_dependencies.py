"""Tools resolve their ``Depends`` parameters with autogen.fast_depends (one engine for both)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any, get_type_hints

import pytest

from autogen.fast_depends import dependency_provider
from autogen.fast_depends.dependencies.model import Depends as FastDependsMarker
from autogen.tools import Depends, Tool
from autogen.tools.dependency_injection import (
    Field,
    _remove_injected_params_from_signature,
    _set_return_annotation_to_any,
    _string_metadata_to_description_field,
    on,
)


@pytest.fixture(autouse=True)
def _no_overrides() -> Iterator[None]:
    yield
    dependency_provider.clear()


def test_tools_depends_is_the_fast_depends_marker() -> None:
    def provider() -> int:
        return 1

    marker = Depends(provider, use_cache=False)
    assert isinstance(marker, FastDependsMarker)
    assert marker.dependency is provider and marker.use_cache is False
    assert Depends(marker) is marker


def test_generator_dependencies_stay_open_while_the_tool_runs() -> None:
    events: list[str] = []

    def session() -> Iterator[str]:
        events.append("open")
        yield "s1"
        events.append("close")

    def lookup(key: str, db: Annotated[str, Depends(session)]) -> str:
        events.append(f"lookup {key} in {db}")
        return key.upper()

    run = Tool(func_or_tool=lookup).make_executable()
    assert run(key="k") == "K"
    assert events == ["open", "lookup k in s1", "close"]


async def test_async_generator_dependencies_of_async_tools() -> None:
    events: list[str] = []

    async def client() -> AsyncIterator[str]:
        events.append("connect")
        yield "c"
        events.append("disconnect")

    async def fetch(url: str, http: Annotated[str, Depends(client)]) -> str:
        return f"{http}:{url}"

    assert await Tool(func_or_tool=fetch).make_executable()(url="u") == "c:u"
    assert events == ["connect", "disconnect"]


def test_dependency_provider_overrides_apply_to_tools() -> None:
    def real_key() -> str:
        return "real"

    def call(q: str, key: Annotated[str, Depends(real_key)]) -> str:
        return f"{q}:{key}"

    tool = Tool(func_or_tool=call)
    with dependency_provider.scope(real_key, lambda: "test"):
        assert tool(q="a") == "a:test"
        assert tool.make_executable()(q="b") == "b:test"
    assert tool(q="c") == "c:real"


def test_a_provider_used_by_two_parameters_runs_once_per_call() -> None:
    calls: list[int] = []

    def stamp() -> int:
        calls.append(1)
        return len(calls)

    def both(x: int, a: Annotated[int, Depends(stamp)], b: int = Depends(stamp)) -> tuple[int, int]:
        return a, b

    run = Tool(func_or_tool=both).make_executable(serialize=False)
    assert run(x=1) == (1, 1)
    assert run(x=1) == (2, 2)


def test_dependency_inputs_are_cast_like_fast_depends_does() -> None:
    def offset(n: int, step: float = 0.5) -> float:
        return n + step

    def shift(n: int, moved: Annotated[float, Depends(offset)]) -> float:
        return moved

    assert Tool(func_or_tool=shift)(n="2") == 2.5


def test_constants_and_contexts_are_injected_without_calling_anything() -> None:
    def f(a: int, key: Annotated[str, Depends(on("k"))]) -> str:
        return f"{a}{key}"

    assert Tool(func_or_tool=f)(a=1) == "1k"


def test_ag2_signature_helpers_leave_the_original_function_alone() -> None:
    def f(a: int, secret: Annotated[str, Depends(on("s"))], b: Annotated[int, "the b"] = 1) -> int:
        return a + b

    before = inspect.signature(f)
    slim = _remove_injected_params_from_signature(f)
    assert list(inspect.signature(slim).parameters) == ["a", "b"]
    assert slim(1, "s") == 2
    assert inspect.signature(_set_return_annotation_to_any(f)).return_annotation is Any
    described = _string_metadata_to_description_field(f)
    field = get_type_hints(described, include_extras=True)["b"].__metadata__[0]
    assert isinstance(field, Field) and field.description == "the b"
    assert described(1, "s", 2) == 3
    assert inspect.signature(f) == before
    assert get_type_hints(f, include_extras=True)["b"].__metadata__ == ("the b",)


def test_the_package_imports_nothing_else_from_autogen() -> None:
    code = (
        "import sys, autogen\n"
        "before = set(sys.modules)\n"
        "import autogen.fast_depends\n"
        "print(sorted(m for m in set(sys.modules) - before if m.startswith('autogen.')"
        " and not m.startswith('autogen.fast_depends')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
