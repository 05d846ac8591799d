"""The converter registry and Interoperability's dispatch, with converters written here, and the errors of
the built-in converters when their framework is not installed (made absent with ``sys.modules[name] = None``,
Python's own way to block an import)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from autogen.import_utils import OptionalDependencyError
from autogen.interop import (
    CrewAIInteroperability,
    Interoperability,
    Interoperable,
    LangChainInteroperability,
    PydanticAIInteroperability,
    register_interoperable_class,
)
from autogen.interop.registry import InteroperableRegistry
from autogen.tools import Tool


class EchoInteroperability:
    """Converts a plain string into a tool echoing it (a converter as a user would write one)."""

    @classmethod
    def convert_tool(cls, tool: Any, prefix: str = "", **kwargs: Any) -> Tool:
        def echo() -> str:
            return prefix + tool

        return Tool(name="echo", description="Echo.", func_or_tool=echo)

    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        return None


class AbsentInteroperability(EchoInteroperability):
    @classmethod
    def get_unsupported_reason(cls) -> str | None:
        return "Please install `absent` extra to use this module:\n\n\tpip install ag2[absent]"


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> InteroperableRegistry:
    """A fresh registry in place of the global one."""
    fresh = InteroperableRegistry()
    monkeypatch.setattr(Interoperability, "registry", fresh)
    return fresh


def test_the_built_in_converters_are_registered_and_interoperable() -> None:
    registry = InteroperableRegistry.get_instance()
    assert registry.get_short_names() == ["crewai", "langchain", "pydanticai"]
    assert registry.get_class("langchain") is LangChainInteroperability
    assert registry.get_class("crewai") is CrewAIInteroperability
    assert registry.get_class("pydanticai") is PydanticAIInteroperability
    for converter in (CrewAIInteroperability, LangChainInteroperability, PydanticAIInteroperability):
        assert isinstance(converter(), Interoperable)
    assert not isinstance(object(), Interoperable)
    # Supported: those whose packages are installed, sorted.
    expected = [
        name for name in registry.get_short_names() if registry.get_class(name).get_unsupported_reason() is None
    ]
    assert Interoperability.get_supported_types() == expected


def test_convert_tool_dispatches_by_type_with_the_options(registry: InteroperableRegistry) -> None:
    registry.register("echo", EchoInteroperability)
    tool = Interoperability.convert_tool(tool="hi", type="echo", prefix="> ")
    assert isinstance(tool, Tool) and tool.func() == "> hi"
    assert Interoperability.get_supported_types() == ["echo"]


def test_a_name_is_registered_once(registry: InteroperableRegistry) -> None:
    registry.register("echo", EchoInteroperability)
    with pytest.raises(ValueError, match="Duplicate registration for echo"):
        registry.register("echo", AbsentInteroperability)


def test_unknown_and_unusable_types_are_refused_with_the_usable_ones_listed(registry: InteroperableRegistry) -> None:
    registry.register("echo", EchoInteroperability)
    registry.register("absent", AbsentInteroperability)
    registry.register("zecho", EchoInteroperability)
    with pytest.raises(
        ValueError, match="Interoperability class nope is not supported, supported types: 'echo', 'zecho'$"
    ):
        Interoperability.get_interoperability_class("nope")
    # A registered converter whose package is missing also says which extra brings it.
    with pytest.raises(ValueError, match=r"supported types: 'echo', 'zecho'\. Please install `absent` extra"):
        Interoperability.convert_tool(tool="x", type="absent")


def test_the_decorator_fills_the_global_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = InteroperableRegistry.get_instance()
    monkeypatch.setattr(registry, "_registry", dict(registry._registry))  # restored after the test

    @register_interoperable_class("echo")
    class Echo(EchoInteroperability):
        pass

    assert registry.get_class("echo") is Echo
    assert "echo" in Interoperability.get_supported_types()


@pytest.mark.filterwarnings("ignore:CrewAIInteroperability is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("converter", "short_name", "module", "extra"),
    [
        (LangChainInteroperability, "langchain", "langchain_core", "interop-langchain"),
        (PydanticAIInteroperability, "pydanticai", "pydantic_ai", "interop-pydantic-ai"),
        (CrewAIInteroperability, "crewai", "crewai", "interop-crewai"),
    ],
)
def test_a_missing_framework_names_its_extra(
    monkeypatch: pytest.MonkeyPatch, converter: Any, short_name: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    for name in [m for m in sys.modules if m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    assert converter.get_unsupported_reason() == (
        f"Please install `{extra}` extra to use this module:\n\n\tpip install ag2[{extra}]"
    )
    with pytest.raises(OptionalDependencyError, match=rf'pip install "ag2\[{extra}\]"'):
        converter.convert_tool(object())
    assert short_name not in Interoperability.get_supported_types()
