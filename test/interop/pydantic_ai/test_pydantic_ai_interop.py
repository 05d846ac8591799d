"""PydanticAI tools converted with PydanticAIInteroperability, on the real pydantic-ai (extra
``interop-pydantic-ai``): a tool with a RunContext called by an agent in a chat against the fake LLM server,
the retry limit, and the schema the model is offered."""

from __future__ import annotations

import asyncio
import warnings
from inspect import signature

import pytest
from pydantic import BaseModel

from autogen import AssistantAgent, UserProxyAgent
from autogen.interop import Interoperability, Interoperable, PydanticAIInteroperability
from autogen.testing import FakeLLMServer, tool_call

pai = pytest.importorskip("pydantic_ai", reason="needs the interop-pydantic-ai extra")
from pydantic_ai.tools import Tool as PydanticAITool


class Player(BaseModel):
    name: str
    age: int


def get_player(ctx: pai.RunContext[Player], additional_info: str | None = None) -> str:
    """Describe the player.

    Args:
        ctx: The run context.
        additional_info: Anything to add to the description.
    """
    return f"{ctx.deps.name}, {ctx.deps.age}, {additional_info}"


def test_a_tool_with_a_context_gets_its_deps_in_a_chat() -> None:
    tool = Interoperability.convert_tool(
        tool=PydanticAITool(get_player, takes_ctx=True), type="pydanticai", deps=Player(name="Luka", age=25)
    )
    script = [
        {"tool_calls": [tool_call("get_player", {"additional_info": "goalkeeper"}, id="p1")]},
        "Luka is a goalkeeper.",
    ]
    with FakeLLMServer(script) as llm:
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        user.initiate_chat(assistant, message="Who is the player?", max_turns=2)
        offered = llm.requests[0].body["tools"][0]["function"]
        answered = llm.requests[1].messages[-1]

    assert offered["name"] == "get_player" and offered["description"] == "Describe the player."
    # PydanticAI's own schema, without the context parameter.
    assert offered["parameters"]["additionalProperties"] is False
    assert (
        offered["parameters"]["properties"]["additional_info"]["description"] == "Anything to add to the description."
    )
    assert "ctx" not in offered["parameters"]["properties"]
    assert answered["content"] == "Luka, 25, goalkeeper"


def test_a_tool_without_context_is_called_directly() -> None:
    def roll() -> str:
        """Roll a die."""
        return "4"

    tool = PydanticAIInteroperability.convert_tool(PydanticAITool(roll))
    assert (tool.name, tool.description, tool.func()) == ("roll", "Roll a die.", "4")
    with pytest.warns(UserWarning, match="will be ignored because the tool does not take a context"):
        PydanticAIInteroperability.convert_tool(PydanticAITool(roll), deps=1)


def test_an_async_tool_stays_async() -> None:
    async def double(ctx: pai.RunContext[int], x: int) -> int:
        """Double x and add the deps."""
        return 2 * x + ctx.deps

    tool = PydanticAIInteroperability.convert_tool(PydanticAITool(double, takes_ctx=True), deps=1)
    assert asyncio.iscoroutinefunction(tool.func)
    assert asyncio.run(tool.func(x=5)) == 11


def test_failures_count_towards_the_retry_limit_and_a_success_resets_it() -> None:
    outcomes = iter([ValueError("flaky"), "ok", ValueError("a"), ValueError("b")])
    seen_retry: list[int] = []

    def flaky(ctx: pai.RunContext[None], city: str) -> str:
        """Sometimes fails."""
        seen_retry.append(ctx.retry)
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return f"{outcome} {city}"

    tool = PydanticAITool(flaky, takes_ctx=True, max_retries=2)
    ctx = PydanticAIInteroperability._run_context(tool, deps=None)
    func = PydanticAIInteroperability.inject_params(ctx=ctx, tool=tool)
    assert list(signature(func).parameters) == ["city"]
    with pytest.raises(ValueError, match="flaky"):
        func(city="Zagreb")
    assert func(city="Zagreb") == "ok Zagreb"
    assert ctx.retries["flaky"] == 0
    for message in ("a", "b"):
        with pytest.raises(ValueError, match=message):
            func(city="Zagreb")
    with pytest.raises(ValueError, match="flaky failed after 2 retries"):
        func(city="Zagreb")
    assert seen_retry == [0, 1, 0, 1]


def test_wrong_input_is_refused() -> None:
    with pytest.raises(ValueError, match="Expected an instance of `pydantic_ai.tools.Tool`"):
        PydanticAIInteroperability.convert_tool(get_player)
    with pytest.raises(ValueError, match="the `deps` argument must be provided"):
        PydanticAIInteroperability.convert_tool(PydanticAITool(get_player, takes_ctx=True))


def test_pydanticai_is_a_supported_type() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated PydanticAI names are used
        PydanticAIInteroperability.convert_tool(
            PydanticAITool(get_player, takes_ctx=True), deps=Player(name="A", age=1)
        )
    assert "pydanticai" in Interoperability.get_supported_types()
    assert isinstance(PydanticAIInteroperability(), Interoperable)
