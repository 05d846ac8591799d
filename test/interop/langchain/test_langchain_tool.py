"""LangChain tools converted with LangChainInteroperability and called by agents in chats against the fake
LLM server, on the real langchain-core (extra ``interop-langchain``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from autogen import AssistantAgent, UserProxyAgent
from autogen.interop import Interoperability, Interoperable, LangChainInteroperability
from autogen.testing import FakeLLMServer, tool_call

lc_tools = pytest.importorskip("langchain_core.tools", reason="needs the interop-langchain extra")


class WeatherInput(BaseModel):
    city: str = Field(description="The city to report on.")
    unit: str = Field(default="C", description="C or F.")


def make_weather_tool(calls: list[dict[str, Any]], name: str = "weather-report") -> Any:
    @lc_tools.tool(name, args_schema=WeatherInput)
    def weather(city: str, unit: str = "C") -> str:
        """Report today's weather in a city."""
        calls.append({"city": city, "unit": unit})
        return f"Sunny, 21 {unit} in {city}"

    return weather


def chat_agents(llm: FakeLLMServer) -> tuple[AssistantAgent, UserProxyAgent]:
    assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
    user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
    return assistant, user


def test_a_converted_langchain_tool_is_called_by_an_agent_in_a_chat() -> None:
    calls: list[dict[str, Any]] = []
    tool = Interoperability.convert_tool(tool=make_weather_tool(calls), type="langchain")
    script = [
        {"tool_calls": [tool_call("weather-report", {"tool_input": {"city": "Zagreb", "unit": "F"}}, id="c1")]},
        "It is sunny in Zagreb.",
    ]
    with FakeLLMServer(script) as llm:
        assistant, user = chat_agents(llm)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        result = user.initiate_chat(assistant, message="Weather in Zagreb?", max_turns=2)
        offered = llm.requests[0].body["tools"][0]["function"]
        answered = llm.requests[1].messages[-1]

    assert calls == [{"city": "Zagreb", "unit": "F"}]
    assert offered["name"] == "weather-report"
    assert offered["description"] == "Report today's weather in a city."
    # The model sees one argument, the LangChain tool's own input schema.
    assert offered["parameters"]["required"] == ["tool_input"]
    tool_input = offered["parameters"]["properties"]["tool_input"]
    schema = tool_input if "properties" in tool_input else offered["parameters"]["$defs"][tool_input["$ref"][8:]]
    assert set(schema["properties"]) == {"city", "unit"} and schema["required"] == ["city"]
    assert answered["role"] == "tool" and answered["tool_call_id"] == "c1"
    assert answered["content"] == "Sunny, 21 F in Zagreb"
    assert result.summary == "It is sunny in Zagreb."


def test_the_converted_tool_runs_the_langchain_tool_with_its_input_model() -> None:
    calls: list[dict[str, Any]] = []
    lc_tool = make_weather_tool(calls)
    tool = LangChainInteroperability.convert_tool(lc_tool)
    assert (tool.name, tool.description) == ("weather-report", "Report today's weather in a city.")
    assert tool.func(tool_input=lc_tool.get_input_schema()(city="Split")) == "Sunny, 21 C in Split"
    assert calls == [{"city": "Split", "unit": "C"}]
    assert not asyncio.iscoroutinefunction(tool.func)


def test_a_tool_with_a_native_coroutine_becomes_an_async_tool_of_an_async_chat() -> None:
    ran: list[str] = []

    async def lookup(word: str) -> str:
        ran.append(word)
        await asyncio.sleep(0)
        return f"{word}: a greeting"

    lc_tool = lc_tools.StructuredTool.from_function(coroutine=lookup, name="dictionary", description="Define a word.")
    tool = Interoperability.convert_tool(tool=lc_tool, type="langchain")
    assert asyncio.iscoroutinefunction(tool.func)

    script = [{"tool_calls": [tool_call("dictionary", {"tool_input": {"word": "hello"}}, id="d1")]}, "Done."]
    with FakeLLMServer(script) as llm:
        assistant, user = chat_agents(llm)
        tool.register_for_llm(assistant)
        tool.register_for_execution(user)
        asyncio.run(user.a_initiate_chat(assistant, message="Define hello", max_turns=2))
        answered = llm.requests[1].messages[-1]
    assert ran == ["hello"]
    assert answered["content"] == "hello: a greeting"


def test_a_class_based_tool_with_its_own_arun_is_awaited() -> None:
    class ShoutInput(BaseModel):
        text: str

    class Shout(lc_tools.BaseTool):
        name: str = "shout"
        description: str = "Upper-case a text."
        args_schema: type[BaseModel] = ShoutInput

        def _run(self, text: str) -> str:
            return "sync:" + text.upper()

        async def _arun(self, text: str) -> str:
            return "async:" + text.upper()

    class Plain(lc_tools.BaseTool):
        name: str = "plain"
        description: str = "Echo a text."

        def _run(self, text: str) -> str:
            return text

    shout = LangChainInteroperability.convert_tool(Shout())
    assert asyncio.iscoroutinefunction(shout.func)
    assert asyncio.run(shout.func(tool_input=ShoutInput(text="hi"))) == "async:HI"
    assert asyncio.run(shout.func(tool_input={"text": "ho"})) == "async:HO"
    # Without its own coroutine LangChain would only run _run in a thread: the sync wrapper is kept.
    assert not asyncio.iscoroutinefunction(LangChainInteroperability.convert_tool(Plain()).func)


def test_wrong_input_is_refused() -> None:
    with pytest.raises(ValueError, match="Expected an instance of `langchain_core.tools.BaseTool`"):
        LangChainInteroperability.convert_tool(lambda x: x)
    with pytest.raises(ValueError, match="does not support any additional arguments"):
        LangChainInteroperability.convert_tool(make_weather_tool([]), strict=True)


def test_langchain_is_a_supported_type_and_the_converter_is_interoperable() -> None:
    assert "langchain" in Interoperability.get_supported_types()
    assert LangChainInteroperability.get_unsupported_reason() is None
    assert isinstance(LangChainInteroperability(), Interoperable)
    assert Interoperability.get_interoperability_class("langchain") is LangChainInteroperability
    json.dumps(LangChainInteroperability.convert_tool(make_weather_tool([])).tool_schema)


def test_captainagents_executor_runs_a_converted_tool_from_code(tmp_path) -> None:
    from autogen.agentchat.contrib.captainagent.tool_retriever import LocalExecutorWithTools, format_ag2_tool
    from autogen.coding import CodeBlock

    calls: list[dict[str, Any]] = []
    tool = Interoperability.convert_tool(tool=make_weather_tool(calls, name="weather"), type="langchain")
    stub = format_ag2_tool(tool)
    assert stub.startswith("def weather(tool_input):")
    assert "city (string): The city to report on." in stub

    executor = LocalExecutorWithTools(tools=[tool], work_dir=tmp_path)
    code = 'print(weather(tool_input={"city": "Rijeka"}))'
    result = executor.execute_code_blocks([CodeBlock(language="python", code=code)])
    assert (result.exit_code, result.output) == (0, "Sunny, 21 C in Rijeka\n")
    assert calls == [{"city": "Rijeka", "unit": "C"}]
