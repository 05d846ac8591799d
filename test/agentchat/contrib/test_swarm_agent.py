"""The legacy swarm: handoffs stored on the agents, tools run by the hidden executor, sync and async alike."""

from __future__ import annotations

import json
import warnings

import pytest

from autogen import ConversableAgent
from autogen.agentchat.contrib.swarm_agent import (
    AfterWork,
    AfterWorkOption,
    OnCondition,
    OnContextCondition,
    SwarmResult,
    a_initiate_swarm_chat,
    initiate_swarm_chat,
    register_hand_off,
)
from autogen.agentchat.group import ContextVariables
from autogen.testing import FakeLLMServer, tool_call

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _quiet(name: str, reply: str) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=reply)


def _names(result) -> list:
    return [m.get("name") for m in result.chat_history]


def test_swarm_result_names_the_next_agent_and_merges_context():
    with FakeLLMServer([{"tool_calls": [tool_call("route", {"order": 7}, id="c1")]}]) as server:

        def route(order: int, context_variables: ContextVariables) -> SwarmResult:
            """Route an order."""
            return SwarmResult(values=f"routed {order}", agent="shipping", context_variables=ContextVariables({"order": order}))

        desk = ConversableAgent("desk", llm_config=server.llm_config, functions=[route])
        shipping = _quiet("shipping", "shipped")
        result, context, last = initiate_swarm_chat(
            initial_agent=desk, messages="send it", agents=[desk, shipping], context_variables={"order": None}
        )
        offered = server.requests[0].body["tools"][0]["function"]["parameters"]["properties"]
    assert "context_variables" not in offered  # filled in by the swarm, never asked of the model
    assert _names(result) == [None, "desk", "_Swarm_Tool_Executor", "shipping"]
    assert result.chat_history[2]["content"] == "routed 7"
    assert context["order"] == 7 and last is shipping


async def test_async_swarm_runs_async_tools_and_swarm_manager_free_options():
    with FakeLLMServer([{"tool_calls": [tool_call("note", {"text": "hi"}, id="n1")]}, "noted"]) as server:

        async def note(text: str, context_variables: ContextVariables) -> SwarmResult:
            """Note something."""
            context_variables["notes"] = [*context_variables.get("notes", []), text]
            return SwarmResult(values="ok", agent=AfterWorkOption.STAY, context_variables=context_variables)

        clerk = ConversableAgent("clerk", llm_config=server.llm_config, functions=[note])
        result, context, last = await a_initiate_swarm_chat(initial_agent=clerk, messages="note hi", agents=[clerk])
    # STAY from the tool returns to the clerk, whose after-work (the swarm's TERMINATE) ends the chat.
    assert _names(result) == [None, "clerk", "_Swarm_Tool_Executor", "clerk"]
    assert context["notes"] == ["hi"] and last is clerk and result.summary == "noted"


def test_handoff_tool_is_offered_only_while_available():
    def tools_offered(is_open: bool) -> list:
        with FakeLLMServer(["fine"]) as server:
            a = ConversableAgent("a", llm_config=server.llm_config)
            b = _quiet("b", "from b")
            register_hand_off(a, OnCondition(target=b, condition="When the user wants b", available="open"))
            initiate_swarm_chat(initial_agent=a, messages="hi", agents=[a, b], context_variables={"open": is_open})
            body = server.requests[0].body
        return [(t["function"]["name"], t["function"]["description"]) for t in body.get("tools", [])]

    assert tools_offered(True) == [("transfer_a_to_b", "When the user wants b")]
    assert tools_offered(False) == []


def test_context_condition_hands_off_to_a_nested_chat_and_comes_back():
    inner = _quiet("inner", "inner says hi")
    a = _quiet("a", "from a")
    nested = {"chat_queue": [{"recipient": inner, "message": "summarise", "max_turns": 1, "summary_method": "last_msg"}]}
    register_hand_off(a, OnContextCondition(target=nested, condition="nest"))
    result, _, _ = initiate_swarm_chat(initial_agent=a, messages="go", agents=[a], context_variables={"nest": True}, max_rounds=4)
    assert _names(result) == [None, "a", "nested_chat_a_1", "a"]
    assert result.chat_history[1]["content"] == "[Handing off to nested_chat_a_1]"
    assert result.chat_history[2]["content"] == "inner says hi"
    # A second chat reuses the nested chat agent instead of adding another handoff.
    result, _, _ = initiate_swarm_chat(initial_agent=a, messages="go", agents=[a], context_variables={"nest": True}, max_rounds=3)
    assert _names(result) == [None, "a", "nested_chat_a_1"]


def test_swarm_manager_after_work_asks_the_manager_about_the_agents_only():
    with FakeLLMServer(["b"]) as server:
        a = _quiet("a", "from a")
        b = _quiet("b", "from b")
        register_hand_off(a, AfterWork(AfterWorkOption.SWARM_MANAGER, next_agent_selection_msg="Pick one of {agentlist}."))
        result, _, last = initiate_swarm_chat(
            initial_agent=a, messages="go", agents=[a, b], swarm_manager_args={"llm_config": server.llm_config}
        )
        sent = json.dumps(server.requests[0].body["messages"])
    assert _names(result) == [None, "a", "b"] and last is b
    assert "Pick one of ['a', 'b']." in sent


def test_swarm_manager_after_work_needs_a_manager_llm():
    a = _quiet("a", "from a")
    register_hand_off(a, AfterWork("swarm_manager"))
    with pytest.raises(ValueError, match="swarm_manager_args"):
        initiate_swarm_chat(initial_agent=a, messages="go", agents=[a])


def test_after_work_function_may_name_an_agent_or_an_option():
    a, b = _quiet("a", "from a"), _quiet("b", "from b")
    turns = []

    def next_one(last_speaker, messages, groupchat):
        turns.append(last_speaker.name)
        return "b" if last_speaker is a else "terminate"

    result, _, last = initiate_swarm_chat(initial_agent=a, messages="go", agents=[a, b], after_work=next_one)
    assert _names(result) == [None, "a", "b"] and turns == ["a", "b"] and last is b


def test_selection_message_is_dropped_for_other_options():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        after_work = AfterWork(AfterWorkOption.STAY, next_agent_selection_msg="unused")
    assert after_work.next_agent_selection_msg is None
    assert any("SWARM_MANAGER" in str(w.message) for w in caught)
