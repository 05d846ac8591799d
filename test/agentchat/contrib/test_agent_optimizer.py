"""AgentOptimizer: the optimizer model (a FakeLLMServer) adds, revises and removes functions through tool
calls; the functions it returns are registered on real agents and run natively."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autogen import AssistantAgent, UserProxyAgent
from autogen.agentchat.contrib import agent_optimizer
from autogen.agentchat.contrib.agent_optimizer import ADD_FUNC, OPT_PROMPT, REMOVE_FUNC, REVISE_FUNC, AgentOptimizer
from autogen.testing import FakeLLMServer, tool_call

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SQUARE = {
    "name": "square",
    "description": "Square a number.",
    "arguments": json.dumps({"x": {"type": "integer", "description": "The number."}}),
    "packages": "",
    "code": "def square(x):\n    return x * x",
}


def optimizer(llm: FakeLLMServer, **kwargs) -> AgentOptimizer:
    config = {
        "config_list": [{**e, "model": "gpt-4-1106-preview"} for e in llm.config_list]
        + [{"model": "other", "api_key": "x"}]
    }
    return AgentOptimizer(max_actions_per_step=kwargs.pop("max_actions_per_step", 1), llm_config=config, **kwargs)


def test_a_step_adds_a_function_that_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(agent_optimizer, "EXECUTION_IMAGE", False)  # run here instead of the original's image
    monkeypatch.chdir(tmp_path)
    with FakeLLMServer([{"tool_calls": [tool_call("add_function", SQUARE)]}]) as llm:
        opt = optimizer(llm)
        assert len(opt.llm_config["config_list"]) == 1  # filtered to the optimizer model
        opt.record_one_conversation([{"role": "user", "content": "What is 7 squared?"}], is_satisfied=False)
        for_llm, for_executor = opt.step()
        body = llm.requests[-1].body
        assistant = AssistantAgent("assistant", llm_config=llm.llm_config)
    assert body["tools"] == [ADD_FUNC, REVISE_FUNC, REMOVE_FUNC] and body["tool_choice"] == "auto"
    prompt = body["messages"][0]["content"]
    assert prompt.startswith("You are a function optimizer.") and "What is 7 squared?" in prompt
    assert "{'Conversation 0': 0}" in prompt
    assert for_llm == [
        {
            "func_sig": {
                "name": "square",
                "description": "Square a number.",
                "parameters": {
                    "type": "object",
                    "properties": {"x": {"type": "integer", "description": "The number."}},
                },
            },
            "is_remove": False,
        }
    ]
    executor = UserProxyAgent("executor", human_input_mode="NEVER", code_execution_config=False)
    for item in for_llm:
        assistant.update_tool_signature({"type": "function", "function": item["func_sig"]}, is_remove=item["is_remove"])
    executor.register_function(function_map=for_executor)
    assert [t["function"]["name"] for t in assistant.llm_config["tools"]] == ["square"]
    assert "Result of square function execution:\n49" in executor.function_map["square"](x=7)


def test_invalid_actions_are_retried_and_removals_reported() -> None:
    broken = {**SQUARE, "code": "def square(x) return x"}
    revised = {**SQUARE, "name": "cube", "code": "def cube(x):\n    return x ** 3"}
    replies = [
        {"tool_calls": [tool_call("add_function", SQUARE)]},  # step 1
        {"tool_calls": [tool_call("revise_function", broken)]},  # step 2: does not compile, retried
        {"tool_calls": [tool_call("remove_function", {"name": "nope"})]},  # unknown function, retried
        {"tool_calls": [tool_call("remove_function", {"name": "square"}), tool_call("add_function", revised)]},
    ]
    with FakeLLMServer(replies) as llm:
        opt = optimizer(llm)
        opt.record_one_conversation([{"role": "user", "content": "a"}], is_satisfied=True)
        opt.step()
        opt.record_one_conversation([{"role": "user", "content": "b"}], is_satisfied=True)
        for_llm, for_executor = opt.step()
        assert len(llm.requests) == 4
    assert for_llm[0] == {"func_sig": {"name": "square"}, "is_remove": True}
    assert [item["func_sig"]["name"] for item in for_llm] == ["square", "cube"]
    assert for_executor["square"] is None and callable(for_executor["cube"])


def test_failures_are_remembered_and_reset() -> None:
    with FakeLLMServer(["TERMINATE"] * 2) as llm:
        opt = optimizer(llm)
        opt.record_one_conversation([{"role": "user", "content": "x"}], is_satisfied=True)
        opt.step()
        opt.record_one_conversation([{"role": "user", "content": "y"}], is_satisfied=False)
        assert opt.step() == ([], {})
        prompt = llm.requests[-1].messages[0]["content"]
    assert "Performance: \n0.0" in prompt and opt._best_performance == 1.0
    opt.reset_optimizer()
    assert opt._trial_conversations_history == [] and opt._best_performance == -1


def test_configuration_errors() -> None:
    with pytest.raises(ValueError, match="llm_config is required"):
        AgentOptimizer(max_actions_per_step=1)
    with pytest.raises(ValueError, match="non-empty 'model'"):
        AgentOptimizer(max_actions_per_step=1, llm_config={"config_list": []})
    assert "{best_functions}" in OPT_PROMPT
