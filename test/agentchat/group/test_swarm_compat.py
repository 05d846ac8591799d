"""The legacy swarm API, mapped onto the pattern machinery, warning once that it is deprecated."""

from __future__ import annotations

import warnings

import pytest

import autogen
from autogen import ConversableAgent
from autogen.agentchat.contrib import swarm_agent
from autogen.agentchat.contrib.swarm_agent import (
    AfterWork,
    AfterWorkOption,
    OnCondition,
    OnContextCondition,
    SwarmAgent,
    SwarmResult,
    a_initiate_swarm_chat,
    initiate_swarm_chat,
    register_hand_off,
    run_swarm,
)
from autogen.agentchat.group import ContextVariables
from autogen.testing import FakeLLMServer, tool_call


@pytest.fixture(autouse=True)
def fresh_warnings():
    swarm_agent._warned.clear()
    yield


def test_swarm_chat_with_swarm_result_and_llm_handoff():
    with FakeLLMServer(
        [
            {"tool_calls": [tool_call("record", {"name": "Ann"}, id="r1")]},
            {"tool_calls": [tool_call("transfer_triage_to_billing", {}, id="h1")]},
            "billing done",
        ]
    ) as server:
        billing = ConversableAgent("billing", llm_config=server.llm_config)

        def record(name: str, context_variables: ContextVariables) -> SwarmResult:
            """Record the customer name."""
            context_variables["customer"] = name
            return SwarmResult(values=f"recorded {name}", context_variables=context_variables)

        triage = ConversableAgent("triage", llm_config=server.llm_config, functions=[record])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            register_hand_off(triage, [OnCondition(target=billing, condition="billing questions")])
            register_hand_off(billing, [AfterWork(AfterWorkOption.TERMINATE)])
            result, ctx, last = initiate_swarm_chat(
                initial_agent=triage, messages="my bill", agents=[triage, billing], context_variables={"customer": None}
            )
        assert any(issubclass(w.category, DeprecationWarning) and "v0.14" in str(w.message) for w in caught)
        tools = [t["function"]["name"] for t in server.requests[0].body["tools"]]
    assert tools == ["record", "transfer_triage_to_billing"]
    names = [m.get("name") for m in result.chat_history]
    assert names == [None, "triage", "_Swarm_Tool_Executor", "triage", "_Swarm_Tool_Executor", "billing"]
    assert ctx["customer"] == "Ann" and last is billing and result.summary == "billing done"


def test_deprecation_warning_is_given_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        SwarmAgent("x", llm_config=False)
        SwarmAgent("y", llm_config=False)
    assert len([w for w in caught if "SwarmAgent" in str(w.message)]) == 1


def test_swarm_context_condition_after_work_options_and_callable():
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="from a")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="from b")
    c = ConversableAgent("c", llm_config=False, human_input_mode="NEVER", default_auto_reply="from c")
    register_hand_off(a, [OnContextCondition(target=b, condition="go_b"), AfterWork(c)])
    seen = []

    def choose(last_speaker, messages, groupchat):
        seen.append(last_speaker.name)
        return "TERMINATE" if len(messages) > 3 else a

    result, _, _ = initiate_swarm_chat(
        initial_agent=a, messages="go", agents=[a, b, c], context_variables=ContextVariables({"go_b": False}), after_work=choose
    )
    assert [m["content"] for m in result.chat_history] == ["go", "from a", "from c", "from a", "from c"]
    assert seen == ["c", "c"]
    result, _, last = initiate_swarm_chat(
        initial_agent=a, messages="go", agents=[a, b, c], context_variables={"go_b": True}, after_work=AfterWorkOption.TERMINATE
    )
    assert [m["content"] for m in result.chat_history] == ["go", "[Handing off to b]", "from b"] and last is b


def test_duplicate_swarm_handoff_names_get_suffixes():
    with FakeLLMServer() as server:
        a = ConversableAgent("a", llm_config=server.llm_config)
        b = ConversableAgent("b b", llm_config=False)
        register_hand_off(a, [OnCondition(target=b, condition="one"), OnCondition(target=b, condition="two")])
    # Stored where the original keeps them; a name with a space is made a valid tool name.
    assert list(a._swarm_conditional_functions) == ["transfer_a_to_b_b", "transfer_a_to_b_b_2"]


async def test_async_swarm_and_run_swarm():
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="hi")
    result, _, last = await a_initiate_swarm_chat(initial_agent=a, messages="go", agents=[a])
    assert result.summary == "hi" and last is a
    response = run_swarm(initial_agent=a, messages="go", agents=[a])
    response.process(processor=_Silent())
    assert response.summary == "hi"
    assert autogen.run_swarm is run_swarm


class _Silent:
    def process(self, response):
        for _ in response.events:
            pass


def test_removed_alias_is_explained():
    with pytest.raises(AttributeError, match="UpdateSystemMessage"):
        swarm_agent.UPDATE_SYSTEM_MESSAGE
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_style = swarm_agent.ON_CONDITION(target=ConversableAgent("t", llm_config=False), condition="when")
    assert isinstance(old_style, OnCondition)
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
