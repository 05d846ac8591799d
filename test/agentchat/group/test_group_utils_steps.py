"""The steps of a pattern run (`group_utils`), used on their own and as the run uses them."""

from __future__ import annotations

from autogen import ConversableAgent
from autogen.agentchat.group import (
    AgentTarget,
    ContextVariables,
    OnContextCondition,
    StringContextCondition,
    group_utils,
)
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.agentchat.group.targets.group_manager_target import GroupManagerTarget
from autogen.agentchat.group.targets.transition_target import StayTarget, TerminateTarget
from autogen.agentchat.groupchat import GroupChat, GroupChatManager


def plain(name: str, says: str = "ok") -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=says)


def test_remove_function_hides_handoff_calls_and_their_answers_only():
    hide = group_utils.make_remove_function(["transfer_to_b"])
    history = [
        {"role": "user", "content": "go"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "1", "function": {"name": "transfer_to_b", "arguments": "{}"}},
                {"id": "2", "function": {"name": "lookup", "arguments": "{}"}},
            ],
        },
        {
            "role": "tool",
            "content": "x\ny",
            "tool_responses": [
                {"tool_call_id": "1", "role": "tool", "content": "x"},
                {"tool_call_id": "2", "role": "tool", "content": "y"},
            ],
        },
    ]
    shown = hide(history)
    assert [c["id"] for c in shown[1]["tool_calls"]] == ["2"]
    assert [r["tool_call_id"] for r in shown[2]["tool_responses"]] == ["2"]
    assert shown[2]["content"] == "y"
    assert len(history[1]["tool_calls"]) == 2  # the history itself is untouched


def test_an_agents_terminate_after_work_wins_over_the_group_manager():
    a, b = plain("a"), plain("b")
    a.handoffs.set_after_work(TerminateTarget())
    executor = group_utils.GroupToolExecutor()
    chat = GroupChat(agents=[executor, a, b], messages=[{"role": "assistant", "name": "a", "content": "done"}])
    chosen = group_utils.determine_next_agent(a, chat, a, False, executor, ["a", "b"], None, GroupManagerTarget())
    assert chosen is None


def test_after_a_tool_result_a_stay_target_stays_with_the_caller():
    a, b = plain("a"), plain("b")
    executor = group_utils.GroupToolExecutor()
    chat = GroupChat(
        agents=[executor, a, b],
        messages=[
            {"role": "assistant", "name": "a", "content": "calling"},
            {"role": "tool", "name": executor.name, "content": "result"},
        ],
    )
    executor.set_next_target(StayTarget())
    assert (
        group_utils.determine_next_agent(executor, chat, a, False, executor, ["a", "b"], None, TerminateTarget()) is a
    )


def test_a_context_condition_hands_off_outside_a_run_through_the_groups_executor():
    a, b = plain("a"), plain("b")
    a.context_variables = ContextVariables({"ready": True})
    a.handoffs.add_context_condition(
        OnContextCondition(target=AgentTarget(b), condition=StringContextCondition(variable_name="ready"))
    )
    group_utils.establish_group_agent(a)
    executor = group_utils.GroupToolExecutor()
    manager = GroupChatManager(GroupChat(agents=[executor, a, b], messages=[]))
    group_utils.link_agents_to_group_manager([a], manager)
    done, note = group_utils._run_oncontextconditions(a, [{"role": "user", "content": "hi"}])
    assert done and note == "[Handing off to b]"
    assert executor.get_next_target().agent_name == "b"


def test_runs_use_the_steps_named_in_the_pattern_module(monkeypatch):
    from autogen.agentchat.group.patterns import pattern as pattern_module

    linked = []
    real = group_utils.link_agents_to_group_manager

    def spy(agents, manager):
        linked.append(manager)
        real(agents, manager)

    monkeypatch.setattr(pattern_module, "link_agents_to_group_manager", spy)
    a = plain("a", "hello")
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a]), "go", max_rounds=3)
    assert len(linked) == 1
    assert result.chat_history[-1]["content"] == "hello"


def test_a_failed_construction_leaves_nested_chat_targets_as_they_were():
    from autogen.agentchat.group import NestedChatTarget, OnCondition, StringLLMCondition

    config = {"config_list": [{"model": "fake", "model_client_cls": "FakeModelClient"}]}
    a = ConversableAgent("a", llm_config=config)
    target = NestedChatTarget(nested_chat_config={"chat_queue": [{"recipient": plain("inner"), "max_turns": 1}]})
    a.handoffs.add_llm_condition(OnCondition(target=target, condition=StringLLMCondition("nest")))
    outsider = plain("c")
    try:
        initiate_group_chat(DefaultPattern(initial_agent=outsider, agents=[a]), "go")
    except ValueError as e:
        assert "initial agent 'c'" in str(e)
    assert a.handoffs.llm_conditions[0].target is target
