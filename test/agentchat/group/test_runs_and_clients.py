"""Stepped runs, and handoff tools that change every turn without losing the agent's model client."""

from __future__ import annotations

from autogen import ConversableAgent
from autogen.agentchat import run_group_chat_iter
from autogen.agentchat.group import (
    AgentTarget,
    ContextStr,
    ContextStrLLMCondition,
    ContextVariables,
    OnCondition,
    ReplyResult,
)
from autogen.agentchat.group.events import AfterWorksTransitionEvent
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern, RoundRobinPattern
from autogen.testing import FakeModelClient, tool_call


def plain(name: str) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=f"from {name}")


def test_run_group_chat_iter_yields_chosen_events():
    a, b = plain("a"), plain("b")
    response = run_group_chat_iter(RoundRobinPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=4, yield_on=[AfterWorksTransitionEvent])
    seen = [(e.content.source_agent.name, e.content.transition_target.display_name()) for e in response]
    assert seen == [("a", "b"), ("b", "a")]
    assert response.summary == "from a"


def test_changing_handoff_prompts_keep_the_custom_model_client_and_usage():
    config = {"config_list": [{"model": "fake", "model_client_cls": "FakeModelClient"}]}
    a = ConversableAgent("a", llm_config=config, human_input_mode="NEVER")
    b = plain("b")

    def bump(context_variables: ContextVariables) -> ReplyResult:
        """Count."""
        context_variables["n"] += 1
        return ReplyResult(message=f"n={context_variables['n']}", context_variables=context_variables)

    a.register_for_llm()(bump)
    a.handoffs.add_llm_condition(OnCondition(target=AgentTarget(b), condition=ContextStrLLMCondition(ContextStr(template="hand over after {n} steps"))))
    a.register_model_client(
        FakeModelClient,
        replies=[
            {"tool_calls": [tool_call("bump", {}, id="1")]},
            {"tool_calls": [tool_call("bump", {}, id="2")]},
            {"tool_calls": [tool_call("transfer_to_b_1", {}, id="3")]},
        ],
    )
    client = a.client
    result, ctx, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ContextVariables({"n": 0})), "go", max_rounds=10)
    assert last is b and ctx["n"] == 2
    assert a.client is client  # never rebuilt, so the registered FakeModelClient stayed in place
    assert a.client.total_usage_summary is not None
    sent = [t["function"]["description"] for r in a.client._clients[0].calls for t in r.get("tools", []) if t["function"]["name"] == "transfer_to_b_1"]
    assert sent == ["hand over after 0 steps", "hand over after 1 steps", "hand over after 2 steps"]
