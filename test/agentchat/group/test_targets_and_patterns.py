"""Every transition target type, and the five patterns, in real chats."""

from __future__ import annotations

import itertools

import pytest

from autogen import ConversableAgent
from autogen.agentchat import initiate_group_chat
from autogen.agentchat.group import (
    AgentNameTarget,
    AgentTarget,
    AskUserTarget,
    ContextVariables,
    FunctionTarget,
    FunctionTargetResult,
    GroupChatConfig,
    GroupChatTarget,
    NestedChatTarget,
    OnCondition,
    OnContextCondition,
    RevertToUserTarget,
    StayTarget,
    StringContextCondition,
    StringLLMCondition,
    TerminateTarget,
)
from autogen.agentchat.group.patterns import (
    AutoPattern,
    DefaultPattern,
    ManualPattern,
    RandomPattern,
    RoundRobinPattern,
)
from autogen.agentchat.group.targets.group_manager_target import GroupManagerSelectionMessageString, GroupManagerTarget
from autogen.agentchat.group.targets.transition_target import RandomAgentTarget
from autogen.testing import tool_call


def system_for(name: str) -> str:
    return f"[agent:{name}] You help."


def plain(name: str, reply: str | None = None) -> ConversableAgent:
    return ConversableAgent(
        name, llm_config=False, human_input_mode="NEVER", default_auto_reply=reply or f"from {name}"
    )


def llm(name: str, server, **kw) -> ConversableAgent:
    return ConversableAgent(name, system_message=system_for(name), llm_config=server.llm_config, **kw)


def contents(result):
    return [m["content"] for m in result.chat_history]


def test_agent_name_stay_and_terminate_targets():
    a, b = plain("a"), plain("b")
    a.handoffs.set_after_work(AgentNameTarget("b"))
    b.handoffs.add_after_work(
        OnContextCondition(target=TerminateTarget(), condition=StringContextCondition(variable_name="done"))
    )
    b.handoffs.add_after_work(OnContextCondition(target=StayTarget()))
    result, _, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=5)
    assert contents(result) == ["go", "from a", "from b", "from b", "from b"]
    result, _, last = initiate_group_chat(
        DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ContextVariables({"done": True})),
        "go",
        max_rounds=5,
    )
    assert contents(result) == ["go", "from a", "from b"] and last is b


def test_terminate_and_revert_to_user_via_llm_handoffs(routed_server, router):
    a = llm("a", routed_server)
    user = plain("user", "user again")
    a.handoffs.add_llm_conditions(
        [
            OnCondition(target=RevertToUserTarget(), condition=StringLLMCondition("ask the user")),
            OnCondition(target=TerminateTarget(), condition=StringLLMCondition("finished")),
        ]
    )
    router.add("a", {"tool_calls": [tool_call("transfer_to_revert_to_user_1", {}, id="1")]})
    router.add("a", {"tool_calls": [tool_call("transfer_to_terminate_2", {}, id="2")]})
    result, _, _last = initiate_group_chat(
        DefaultPattern(initial_agent=a, agents=[a], user_agent=user), "hi", max_rounds=20
    )
    names = [m.get("name") for m in result.chat_history]
    assert names == ["user", "a", "_Group_Tool_Executor", "user", "a", "_Group_Tool_Executor"]
    assert result.chat_history[-1]["content"] == "Terminate"
    tool_names = [t["function"]["name"] for t in router.requests["a"][0]["tools"]]
    assert tool_names == ["transfer_to_revert_to_user_1", "transfer_to_terminate_2"]


def test_group_manager_target_uses_the_manager_llm_and_a_valid_tool_name(routed_server, router):
    a, b, c = llm("a", routed_server), llm("b", routed_server), llm("c", routed_server)
    a.handoffs.add_llm_condition(
        OnCondition(
            target=GroupManagerTarget(selection_message=GroupManagerSelectionMessageString("Pick from {agentlist}.")),
            condition=StringLLMCondition("let the manager decide"),
        )
    )
    router.add("a", {"tool_calls": [tool_call("transfer_to_group_manager_1", {}, id="g")]})
    router.add("manager", "c")
    router.add("c", "c speaking")
    pattern = DefaultPattern(
        initial_agent=a,
        agents=[a, b, c],
        group_manager_args={"llm_config": routed_server.llm_config, "system_message": system_for("manager")},
    )
    # The manager's selector uses its own system message; route by the selection prompt instead.
    original = router.agent_of
    router.agent_of = lambda req: "manager" if "Pick from" in str(req.messages[-1].get("content")) else original(req)
    _result, _, last = initiate_group_chat(pattern, "go", max_rounds=10)
    assert last is c
    selection = router.requests["manager"][0]["messages"]
    assert selection[-1]["content"] == "Pick from ['a', 'b', 'c']."  # no executor in the list
    assert "_Group_Tool_Executor" not in selection[0]["content"]


def test_ask_user_target_lets_a_human_pick(stream):
    a, b, c = plain("a"), plain("b"), plain("c")
    stream.inputs = ["2"]
    pattern = DefaultPattern(initial_agent=a, agents=[a, b, c], group_after_work=AskUserTarget())
    result, _, _last = initiate_group_chat(pattern, "go", max_rounds=3)
    assert contents(result) == ["go", "from a", "from b"]
    listed = stream.of_type("SelectSpeakerEvent")[0].content.agents
    assert listed == ["a", "b", "c"]


def test_random_target_never_picks_the_current_agent():
    a, b, c = plain("a"), plain("b"), plain("c")
    for agent in (a, b, c):
        agent.handoffs.set_after_work(RandomAgentTarget([a, b, c]))
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b, c]), "go", max_rounds=12)
    names = [m["name"] for m in result.chat_history[1:]]
    assert len(names) == 11 and all(x != y for x, y in itertools.pairwise(names))


def test_nested_chat_target_runs_in_a_wrapper_and_returns():
    a = plain("a", "question for the experts")
    expert = plain("expert", "expert answer")
    asker = plain("asker")
    a.handoffs.add_context_condition(
        OnContextCondition(
            target=NestedChatTarget(
                nested_chat_config={
                    "chat_queue": [{"recipient": expert, "sender": asker, "max_turns": 1, "summary_method": "last_msg"}]
                }
            ),
            condition=StringContextCondition(variable_name="need_expert"),
        )
    )
    a.handoffs.add_after_work(OnContextCondition(target=TerminateTarget()))
    ctx = ContextVariables({"need_expert": True})

    pattern = DefaultPattern(initial_agent=a, agents=[a], context_variables=ctx)
    result, _, _last = initiate_group_chat(
        pattern, [{"role": "user", "content": "please research", "name": "a"}], max_rounds=3
    )
    names = [m.get("name") for m in result.chat_history]
    assert names == ["a", "a", "wrapped_nested_a_1"]
    assert result.chat_history[1]["content"] == "[Handing off to wrapped_nested_a_1]"
    assert result.chat_history[2]["content"] == "expert answer"
    # the nested chat started from the last real message, not from the handoff note
    assert asker.chat_messages[expert][0]["content"] == "please research"


def test_group_chat_target_runs_an_inner_chat():
    x = plain("x", "inner result")
    inner = DefaultPattern(initial_agent=x, agents=[x])
    a = plain("a", "outer work")
    a.handoffs.add_context_condition(
        OnContextCondition(
            target=GroupChatTarget(
                group_chat_config=GroupChatConfig(pattern=inner, messages="inner task", max_rounds=3)
            ),
            condition=StringContextCondition(variable_name="delegate"),
        )
    )
    outer = DefaultPattern(initial_agent=a, agents=[a], context_variables=ContextVariables({"delegate": True}))
    result, _, last = initiate_group_chat(outer, "go", max_rounds=3)
    assert contents(result) == ["go", "[Handing off to wrapped_group_a_1]", "inner result"]
    assert last.name == "wrapped_group_a_1"


def test_function_target_after_work_updates_context_and_messages():
    a, b = plain("a", "order 42 please"), plain("b")

    def route(last_message: str, context_variables: ContextVariables, prefix: str) -> FunctionTargetResult:
        order = last_message.split()[1]
        return FunctionTargetResult(
            messages=f"{prefix}{order}",
            target=AgentTarget(b),
            context_variables=ContextVariables({"order": order}),
        )

    a.handoffs.set_after_work(FunctionTarget(route, extra_args={"prefix": "handle order "}))
    _result, ctx, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=3)
    assert last is b and ctx["order"] == "42"
    sent = [m for m in b.chat_messages[a._group_manager] if m.get("role") == "system"]
    assert sent == [
        {
            "content": "[FUNCTION_HANDOFF] - Reply from function route: \n\n handle order 42",
            "name": "route",
            "role": "system",
        }
    ]


def test_function_target_signature_is_checked():
    with pytest.raises(ValueError, match="positional"):
        FunctionTarget(lambda only: None)
    with pytest.raises(ValueError, match="Invalid extra_args"):
        FunctionTarget(lambda m, c: None, extra_args={"nope": 1})
    with pytest.raises(ValueError, match="Missing required extra_args"):
        FunctionTarget(lambda m, c, needed: None)
    with pytest.raises(ValueError, match="callable"):
        FunctionTarget("route")


def test_round_robin_pattern_order_includes_user_last():
    a, b, c, user = plain("a"), plain("b"), plain("c"), plain("user")
    pattern = RoundRobinPattern(initial_agent=b, agents=[a, b, c], user_agent=user)
    result, _, _ = initiate_group_chat(pattern, "go", max_rounds=7)
    assert [m["name"] for m in result.chat_history] == ["user", "b", "a", "c", "user", "b", "a"]


def test_random_pattern_moves_between_agents():
    a, b = plain("a"), plain("b")
    result, _, _ = initiate_group_chat(RandomPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=5)
    assert [m["name"] for m in result.chat_history[1:]] == ["a", "b", "a", "b"]


def test_manual_pattern_offers_agents_only(stream):
    a, b = plain("a"), plain("b")
    user = plain("user")
    stream.inputs = ["2"]
    _result, _, last = initiate_group_chat(
        ManualPattern(initial_agent=a, agents=[a, b], user_agent=user), "go", max_rounds=3
    )
    assert stream.of_type("SelectSpeakerEvent")[0].content.agents == ["a", "b"]
    assert last is b


def test_auto_pattern_needs_a_manager_llm_and_uses_it(routed_server, router):
    a, b = llm("a", routed_server), llm("b", routed_server)
    with pytest.raises(ValueError, match="group_manager_args"):
        initiate_group_chat(AutoPattern(initial_agent=a, agents=[a, b]), "go")
    router.add("a", "a first")
    router.add("b", "b next")
    router.add("sel", "b", "a")
    original = router.agent_of
    router.agent_of = lambda req: original(req) if str(req.messages[0].get("content")).startswith("[agent:") else "sel"
    pattern = AutoPattern(initial_agent=a, agents=[a, b], group_manager_args={"llm_config": routed_server.llm_config})
    result, _, _last = initiate_group_chat(pattern, "go", max_rounds=3)
    assert [m["name"] for m in result.chat_history[1:]] == ["a", "b"]
    # the selector saw the agents' descriptions, not the tool executor
    assert "_Group_Tool_Executor" not in router.requests["sel"][0]["messages"][0]["content"]


def test_auto_pattern_needs_some_llm_and_describes_every_agent(server):
    a, b = plain("a"), plain("b")
    with pytest.raises(ValueError, match="AutoPattern requires the group_manager_args to include an llm_config"):
        AutoPattern(initial_agent=a, agents=[a, b]).prepare_group_chat(max_rounds=3, messages="go")
    b.description = ""
    pattern = AutoPattern(initial_agent=a, agents=[a, b], group_manager_args={"llm_config": server.llm_config})
    prepared = pattern.prepare_group_chat(max_rounds=3, messages="go")
    assert prepared[5] is pattern.group_after_work and isinstance(prepared[5], GroupManagerTarget)
    assert b.description == "Agent b" and a.description == "You are a helpful AI Assistant."


def test_prepare_groupchat_auto_speaker_offers_only_the_group_agents():
    from autogen.agentchat.group.targets.group_manager_target import prepare_groupchat_auto_speaker
    from autogen.agentchat.groupchat import SELECT_SPEAKER_PROMPT_TEMPLATE, GroupChat

    a, b = plain("a"), plain("b")
    pattern = DefaultPattern(initial_agent=a, agents=[a, b])
    groupchat = pattern.prepare_group_chat(max_rounds=3, messages="go")[7]
    wrapper = plain("wrapped_nested_a_1")
    gc = GroupChat(agents=[*groupchat.agents, wrapper], messages=[])
    assert {x.name for x in gc.agents} == {"_Group_Tool_Executor", "a", "b", "_User", "wrapped_nested_a_1"}

    prepare_groupchat_auto_speaker(gc, a, None)
    assert gc.select_speaker_prompt_template == SELECT_SPEAKER_PROMPT_TEMPLATE.replace("{agentlist}", "['a', 'b']")
    prepare_groupchat_auto_speaker(gc, a, GroupManagerSelectionMessageString("Pick from {agentlist}"))
    assert gc.select_speaker_prompt_template == "Pick from ['a', 'b']"
    prepare_groupchat_auto_speaker(
        gc, a, GroupManagerSelectionMessageString("{agentlist}"), is_candidate=lambda x: x is b
    )
    assert gc.select_speaker_prompt_template == "['b']"

    # outside a pattern's run a target's selection message is prepared the same way
    gc.select_speaker_prompt_template = None
    assert GroupManagerTarget().resolve(gc, a, None).speaker_selection_method == "auto"
    assert gc.select_speaker_prompt_template is None  # no message: nothing to prepare
    GroupManagerTarget(selection_message="Choose: {agentlist}").resolve(gc, a, None)
    assert gc.select_speaker_prompt_template == "Choose: ['a', 'b']"


def test_context_str_selection_message_keeps_agentlist_for_the_group_chat():
    from autogen.agentchat.group.targets.group_manager_target import GroupManagerSelectionMessageContextStr

    message = GroupManagerSelectionMessageContextStr(context_str_template="{topic}: choose from {agentlist}")
    assert message.context_str_template == "{topic}: choose from <<agent_list>>"  # as ag2 stores it
    a = plain("a")
    a.context_variables = ContextVariables({"topic": "Billing"})
    assert message.get_message(a) == "Billing: choose from {agentlist}"
    again = GroupManagerSelectionMessageContextStr.model_validate(message.model_dump())
    assert again.get_message(a) == "Billing: choose from {agentlist}"


def test_a_pattern_with_a_nested_chat_can_run_twice():
    a = plain("a", "need help")
    expert = plain("expert", "expert answer")
    target = NestedChatTarget(
        nested_chat_config={"chat_queue": [{"recipient": expert, "sender": plain("asker"), "max_turns": 1}]}
    )
    a.handoffs.add_context_condition(
        OnContextCondition(target=target, condition=StringContextCondition(variable_name="ask"))
    )
    pattern = DefaultPattern(initial_agent=a, agents=[a], context_variables=ContextVariables({"ask": True}))
    first, _, _ = initiate_group_chat(pattern, "go", max_rounds=3)
    second, _, _ = initiate_group_chat(pattern, "go", max_rounds=3)
    assert contents(first) == contents(second) == ["go", "[Handing off to wrapped_nested_a_1]", "expert answer"]
    assert a.handoffs.context_conditions[0].target is target
