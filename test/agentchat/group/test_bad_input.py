"""Bad input: clear errors at construction where possible, else an event that ends the chat with the reason."""

from __future__ import annotations

import pytest

from autogen import ConversableAgent, UpdateSystemMessage
from autogen.agentchat import initiate_group_chat
from autogen.agentchat.group import (
    AgentNameTarget,
    AgentTarget,
    ContextExpression,
    ContextVariables,
    ExpressionContextCondition,
    FunctionTarget,
    FunctionTargetResult,
    OnCondition,
    OnContextCondition,
    ReplyResult,
    StringLLMCondition,
    TerminateTarget,
)
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import FakeLLMServer, tool_call


def plain(name: str) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=f"from {name}")


def reasons(stream) -> list[str]:
    return [e.content.termination_reason for e in stream.of_type("TerminationEvent")]


def test_handoff_to_an_agent_outside_the_group_fails_at_construction():
    a, b, outsider = plain("a"), plain("b"), plain("outsider")
    a.handoffs.add_context_condition(OnContextCondition(target=AgentTarget(outsider), condition=None))
    with pytest.raises(ValueError, match=r"OnContextCondition Hand-offs must be in the agents list: agent 'a' hands off to agent 'outsider'"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go")
    a.handoffs.clear()
    b.handoffs.set_after_work(AgentNameTarget("ghost"))
    with pytest.raises(ValueError, match=r"after work target Hand-offs must be in the agents list: agent 'b' hands off to agent 'ghost'"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go")


def test_other_construction_errors_name_what_is_wrong():
    a, b = plain("a"), plain("b")
    a.handoffs.add_llm_condition(OnCondition(target=AgentTarget(b), condition=StringLLMCondition("to b")))
    with pytest.raises(ValueError, match="Agent 'a' has OnCondition .* no llm_config"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go")
    a.handoffs.clear()
    ft = FunctionTarget(lambda m, c: FunctionTargetResult(target=TerminateTarget()))
    a.handoffs.add_context_condition(OnContextCondition(target=ft))
    with pytest.raises(ValueError, match="FunctionTarget, which only works as an after-work"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go")
    a.handoffs.clear()
    with pytest.raises(ValueError, match="initial agent 'c'"):
        initiate_group_chat(DefaultPattern(initial_agent=plain("c"), agents=[a, b]), "go")
    with pytest.raises(ValueError, match="first message is by 'zed'"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), [{"content": "x", "name": "zed"}])
    with pytest.raises(ValueError, match="groupchat"):
        DefaultPattern(initial_agent=a, agents=[a, b], group_manager_args={"groupchat": None})
    with pytest.raises(SyntaxError, match="does not parse"):
        ExpressionContextCondition(ContextExpression("${a} >"))


def test_missing_context_variable_ends_the_chat_with_a_reason(stream):
    a, b = plain("a"), plain("b")
    b.handoffs.add_context_condition(
        OnContextCondition(target=AgentTarget(a), condition=ExpressionContextCondition(ContextExpression("${approved} == True")))
    )
    a.handoffs.set_after_work(AgentTarget(b))
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ContextVariables({"x": 1})), "go", max_rounds=10)
    assert [m["content"] for m in result.chat_history] == ["go", "from a"]
    reason = reasons(stream)[0]
    assert "Agent 'b' OnContextCondition #1" in reason and "${approved}" in reason and "not set" in reason


def test_missing_variable_in_an_after_work_ends_the_chat_with_a_reason(stream):
    a, b = plain("a"), plain("b")
    a.handoffs.add_after_work(OnContextCondition(target=AgentTarget(b), condition=ExpressionContextCondition("${ready}")))
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=10)
    assert [m["content"] for m in result.chat_history] == ["go", "from a"]
    assert "after-work #1 of agent 'a'" in reasons(stream)[0] and "${ready}" in reasons(stream)[0]


def test_missing_variable_in_update_system_message_ends_the_chat(stream):
    a = ConversableAgent(
        "a", llm_config=False, human_input_mode="NEVER", update_agent_state_before_reply=UpdateSystemMessage("Hi {name}")
    )
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a], context_variables=ContextVariables({"x": 1})), "go", max_rounds=3)
    assert len(result.chat_history) == 1
    assert reasons(stream)[0].startswith("Agent 'a' could not update its state before replying") and "name" in reasons(stream)[0]
    assert len(reasons(stream)) == 1  # one banner, with the precise reason


def test_tool_returning_a_target_outside_the_group_ends_the_chat(stream):
    with FakeLLMServer([{"tool_calls": [tool_call("escalate", {}, id="e1")]}]) as server:

        def escalate() -> ReplyResult:
            """Escalate."""
            return ReplyResult(message="escalating", target=AgentNameTarget("nobody"))

        a = ConversableAgent("a", llm_config=server.llm_config, functions=[escalate])
        result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a]), "go", max_rounds=10)
    assert result.chat_history[-1]["content"] == "escalating"
    reason = reasons(stream)[0]
    assert "nobody" in reason and "not in the group chat" in reason and "'_Group_Tool_Executor' spoke" in reason


def test_tool_that_updates_context_then_raises_leaves_context_unchanged():
    with FakeLLMServer([{"tool_calls": [tool_call("charge", {"amount": 5}, id="c1"), tool_call("note", {}, id="c2")]}, "ok"]) as server:

        def charge(amount: int, context_variables: ContextVariables) -> str:
            """Charge."""
            context_variables["balance"] -= amount
            context_variables["log"].append("charged")
            raise RuntimeError("card declined")

        def note(context_variables: ContextVariables) -> str:
            """Note."""
            context_variables["noted"] = True
            return "noted"

        a = ConversableAgent("a", llm_config=server.llm_config, functions=[charge, note])
        ctx = ContextVariables({"balance": 10, "log": []})
        result, ctx_out, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a], context_variables=ctx), "go", max_rounds=4)
    assert ctx_out.to_dict() == {"balance": 10, "log": [], "noted": True}
    assert result.chat_history[2]["content"] == "Error: card declined\nnoted"
