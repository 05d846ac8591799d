"""DeepResearchAgent: a user asks, its LLM delegates to the DeepResearchTool, and the research teams run
against the scripted LLM of the tool's tests (FakeLLMServer); the browser step fails here (no browser-use)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from autogen import UserProxyAgent
from autogen.agents.experimental import DeepResearchAgent
from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import DeepResearchTool

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("browser_use") is not None, reason="browser-use is installed: the browser would run"
)


def _tool_tests() -> Any:
    path = (
        Path(__file__).resolve().parents[3] / "tools" / "experimental" / "deep_research" / "test_deep_research_tool.py"
    )
    spec = importlib.util.spec_from_file_location("_deep_research_tool_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tool_is_registered_for_its_llm() -> None:
    agent = DeepResearchAgent(name="researcher", llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
    assert isinstance(agent.tool, DeepResearchTool)
    assert agent.system_message == DeepResearchAgent.DEFAULT_PROMPT
    [schema] = agent.llm_config["tools"]
    assert schema["function"]["name"] == "delegate_research_task"
    assert schema["function"]["parameters"]["required"] == ["task"]


def test_user_gets_the_confirmed_answer() -> None:
    research = _tool_tests().ResearchScript()

    def reply(request: Any) -> Any:
        if request.messages[0]["content"] != DeepResearchAgent.DEFAULT_PROMPT:
            return research(request)
        if request.messages[-1]["role"] == "tool":
            return "Research result: " + request.messages[-1]["content"]
        return {"tool_calls": [tool_call("delegate_research_task", {"task": "Who founded the Zorblax project?"})]}

    with FakeLLMServer(reply) as server:
        agent = DeepResearchAgent(name="researcher", llm_config=server.llm_config, human_input_mode="NEVER")
        user = UserProxyAgent("user", human_input_mode="NEVER", code_execution_config=False)
        agent.tool.register_for_execution(user)
        result = user.initiate_chat(agent, message="Research who founded Zorblax.", max_turns=2)
    assert result.chat_history[-1]["content"] == "Research result: Answer confirmed:Ada Quill.\nReasoning: Sourced."
    assert "summarizer" in [role for role, _ in research.log]
