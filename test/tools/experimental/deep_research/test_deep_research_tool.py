"""DeepResearchTool: the critic/summarizer and decomposition conversations run for real against a scripted
LLM (FakeLLMServer); the browser step (browser-use) is not installable here, so its ImportError is what the
subquestions get, and one test replaces that step (the only stand-in, for the browser)."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest

from autogen.testing import FakeLLMServer, tool_call
from autogen.tools.experimental import DeepResearchTool

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("browser_use") is not None, reason="browser-use is installed: the browser would run"
)

QUESTION = "Who founded the Zorblax project?"


def role_of(request: Any) -> str:
    system = request.messages[0]["content"]
    for marker, role in {
        "You answer the question the user gives you": "summarizer",
        "You judge the answer the summarizer": "critic",
        "You break complex questions down": "decomposer",
        "You check the subquestions": "decomposition_critic",
    }.items():
        if marker in system:
            return role
    return "other"


class ResearchScript:
    """Scripted research teams; ``log`` keeps (role, request)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def __call__(self, request: Any) -> Any:
        role = role_of(request)
        self.log.append((role, request))
        tool_results = [m["content"] for m in request.messages if m["role"] == "tool"]
        if role == "summarizer":
            if not tool_results:
                return {"tool_calls": [tool_call("split_question_and_answer_subquestions", {"question": QUESTION})]}
            return "Ada Quill founded it. (from: " + tool_results[-1][:200] + ")"
        if role == "critic":
            return {"tool_calls": [tool_call("confirm_summary", {"answer": "Ada Quill.", "reasoning": "Sourced."})]}
        if role == "decomposer":
            return "Subquestion: Who founded the Zorblax project?"
        if role == "decomposition_critic":
            if not tool_results:
                task = {"question": QUESTION, "subquestions": [{"question": "Who founded Zorblax?"}]}
                return {"tool_calls": [tool_call("generate_subquestions", {"task": task})]}
            return f"{DeepResearchTool.SUBQUESTIONS_ANSWER_PREFIX} none: {tool_results[-1]}"
        return "?"

    def requests(self, role: str) -> list[Any]:
        return [r for name, r in self.log if name == role]


def test_schema_and_agents() -> None:
    tool = DeepResearchTool(llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
    assert tool.name == "delegate_research_task"
    assert tool.function_schema["parameters"] == {
        "type": "object",
        "properties": {"task": {"type": "string", "description": "The task to perform a research on."}},
        "required": ["task"],
    }
    assert tool.summarizer_agent.name == "SummarizerAgent" and tool.critic_agent.name == "CriticAgent"
    assert [t["function"]["name"] for t in tool.critic_agent.llm_config["tools"]] == ["confirm_summary"]


def test_research_without_browser_reports_the_missing_extra() -> None:
    script = ResearchScript()
    with FakeLLMServer(script) as server:
        tool = DeepResearchTool(llm_config=server.llm_config)
        answer = tool.func(task=QUESTION)
    assert answer == "Answer confirmed:Ada Quill.\nReasoning: Sourced."
    # the decomposition critic saw the web step fail with the extra to install
    [_, after_tool] = script.requests("decomposition_critic")
    error = [m["content"] for m in after_tool.messages if m["role"] == "tool"][-1]
    assert error.startswith("Error:") and 'pip install "ag2[browser-use]"' in error
    # and that outcome went back to the summarizer as the subquestions' answer
    summarizer_tool_result = [m["content"] for m in script.requests("summarizer")[-1].messages if m["role"] == "tool"]
    assert summarizer_tool_result[-1].startswith("Subquestions answered: none: Error:")
    assert [name for name, _ in script.log] == [
        "summarizer",
        "decomposer",
        "decomposition_critic",  # calls generate_subquestions (the decomposer runs it, no LLM call)
        "decomposition_critic",  # reads the tool's error and closes the decomposition
        "summarizer",
        "critic",
    ]


def test_subquestion_answers_flow_into_the_confirmed_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand-in for the browser step only (browser-use cannot run here); everything else is real.
    asked: list[tuple[str, int]] = []

    def answer_from_the_web(question: str, llm_config: Any, max_web_steps: int) -> str:
        asked.append((question, max_web_steps))
        return "Answer confirmed: Ada Quill founded Zorblax in 1987."

    monkeypatch.setattr(DeepResearchTool, "_answer_question", staticmethod(answer_from_the_web))
    script = ResearchScript()
    with FakeLLMServer(script) as server:
        tool = DeepResearchTool(llm_config=server.llm_config, max_web_steps=7)
        answer = tool.func(task=QUESTION)
        # a follow-up task keeps the outer conversation (clear_history=False)
        tool.func(task="Please repeat the answer.")
    assert answer.startswith(DeepResearchTool.ANSWER_CONFIRMED_PREFIX)
    assert asked[0] == ("Who founded Zorblax?", 7)
    subquestions = [m["content"] for m in script.requests("summarizer")[1].messages if m["role"] == "tool"][-1]
    assert subquestions == (
        "Subquestions answered: \nTask: Who founded the Zorblax project?\n\nSubquestion 1:\n"
        "Question: Who founded Zorblax?\nAnswer confirmed: Ada Quill founded Zorblax in 1987.\n"
    )
    follow_up = script.requests("summarizer")[-1].messages
    assert any("Please answer the following question: " + QUESTION == m.get("content") for m in follow_up)


def test_generate_subquestions_schema_and_empty_task(monkeypatch: pytest.MonkeyPatch) -> None:
    from autogen import AssistantAgent

    generate = DeepResearchTool._get_generate_subquestions(llm_config={"config_list": []}, max_web_steps=3)
    agent = AssistantAgent("a", llm_config={"config_list": [{"model": "m", "api_key": "k"}]})
    agent.register_for_llm(description="Generate subquestions.")(generate)
    [schema] = agent.llm_config["tools"]
    assert schema["function"]["parameters"]["required"] == ["task"]
    task_schema = json.dumps(schema["function"]["parameters"]["properties"]["task"])
    assert "subquestions" in task_schema and "llm_config" not in task_schema

    monkeypatch.setattr(DeepResearchTool, "_answer_question", staticmethod(lambda q, llm_config, max_web_steps: "A"))
    from autogen.tools.experimental.deep_research.deep_research import Task

    result = generate(task=Task(question="Q?", subquestions=[]), llm_config={}, max_web_steps=3)
    assert result == "Subquestions answered: \nTask: Q?\n\nSubquestion 1:\nQuestion: Q?\nA\n"
