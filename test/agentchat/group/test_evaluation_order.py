"""§6.8: who speaks next, in order — context conditions, tool calls and pending targets, LLM
handoffs, after-works, the group after-work."""

from __future__ import annotations

from autogen import ConversableAgent, UpdateSystemMessage
from autogen.agentchat import initiate_group_chat
from autogen.agentchat.group import (
    AgentTarget,
    ContextExpression,
    ContextStr,
    ContextStrLLMCondition,
    ContextVariables,
    ExpressionAvailableCondition,
    ExpressionContextCondition,
    OnCondition,
    OnContextCondition,
    ReplyResult,
    StayTarget,
    StringAvailableCondition,
    StringContextCondition,
    StringLLMCondition,
    TerminateTarget,
)
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import tool_call


def system_for(name: str) -> str:
    return f"[agent:{name}] You help."


def _agent(name, server, **kw):
    return ConversableAgent(name, system_message=system_for(name), llm_config=server.llm_config, **kw)


def _speakers(result):
    return [m.get("name") for m in result.chat_history[1:]]


def test_context_condition_hands_off_before_any_llm_call(routed_server, router, stream):
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    a.handoffs.add_context_condition(
        OnContextCondition(target=AgentTarget(b), condition=ExpressionContextCondition(ContextExpression("${ready} == True")))
    )
    # An LLM handoff and an after-work also exist, but the context condition comes first.
    a.handoffs.add_llm_condition(OnCondition(target=TerminateTarget(), condition=StringLLMCondition("stop")))
    a.handoffs.set_after_work(TerminateTarget())
    router.add("b", "b answers")
    pattern = DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ContextVariables({"ready": True}))
    result, _, last = initiate_group_chat(pattern, "start", max_rounds=5)
    assert [m["content"] for m in result.chat_history] == ["start", "[Handing off to b]", "b answers"]
    assert "a" not in router.requests  # a never called its LLM
    assert last is b
    assert [e.content.transition_target.display_name() for e in stream.of_type("OnContextConditionTransitionEvent")] == ["b"]


def test_unavailable_context_condition_is_skipped(routed_server, router):
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    a.handoffs.add_context_condition(
        OnContextCondition(
            target=AgentTarget(b), condition=StringContextCondition(variable_name="go"), available=StringAvailableCondition("enabled")
        )
    )
    router.add("a", "a talks")
    pattern = DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ContextVariables({"go": True, "enabled": False}))
    result, _, last = initiate_group_chat(pattern, "start", max_rounds=5)
    assert [m["content"] for m in result.chat_history] == ["start", "a talks"]
    assert last is a


def test_tool_result_returns_control_to_the_caller(routed_server, router):
    def lookup(q: str) -> str:
        """Look up q."""
        return f"found {q}"

    a, b = _agent("a", routed_server, functions=[lookup]), _agent("b", routed_server)
    a.handoffs.set_after_work(AgentTarget(b))
    router.add("a", {"tool_calls": [tool_call("lookup", {"q": "x"}, id="c1")]}, "a read the result")
    router.add("b", "b done")
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go", max_rounds=10)
    assert _speakers(result) == ["a", "_Group_Tool_Executor", "a", "b"]
    assert result.chat_history[2]["content"] == "found x"


def test_llm_handoff_beats_after_work_and_is_hidden_from_later_llm_calls(routed_server, router):
    a, b, c = _agent("a", routed_server), _agent("b", routed_server), _agent("c", routed_server)
    a.handoffs.add_llm_condition(OnCondition(target=AgentTarget(b), condition=StringLLMCondition("when b should answer")))
    a.handoffs.set_after_work(AgentTarget(c))
    router.add("a", {"content": "passing to b", "tool_calls": [tool_call("transfer_to_b_1", {}, id="h1")]})
    router.add("b", "b answers")
    result, _, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b, c]), "go", max_rounds=10)
    assert _speakers(result) == ["a", "_Group_Tool_Executor", "b"]
    assert result.chat_history[2]["content"] == "Transfer to b"
    assert last is b
    # a's LLM was offered the handoff tool, with the condition as its description.
    tool = router.requests["a"][0]["tools"][0]["function"]
    assert tool == {"description": "when b should answer", "name": "transfer_to_b_1", "parameters": {"type": "object", "properties": {}}}
    # b's LLM does not see the handoff call or its response, only a's text.
    b_msgs = router.requests["b"][0]["messages"]
    assert not any(m.get("tool_calls") or m["role"] == "tool" for m in b_msgs)
    assert any(m.get("content") == "passing to b" for m in b_msgs)


def test_transit_messages_kept_when_not_excluded(routed_server, router):
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    a.handoffs.add_llm_condition(OnCondition(target=AgentTarget(b), condition=StringLLMCondition("to b")))
    router.add("a", {"tool_calls": [tool_call("transfer_to_b_1", {}, id="h1")]})
    router.add("b", "ok")
    pattern = DefaultPattern(initial_agent=a, agents=[a, b], exclude_transit_message=False)
    initiate_group_chat(pattern, "go", max_rounds=10)
    roles = [m["role"] for m in router.requests["b"][0]["messages"]]
    assert roles == ["system", "user", "assistant", "tool"]


def test_last_target_wins_when_several_calls_set_one(routed_server, router):
    a, b, c = _agent("a", routed_server), _agent("b", routed_server), _agent("c", routed_server)

    def pick_c() -> ReplyResult:
        """Pick c."""
        return ReplyResult(message="to c", target=AgentTarget(c))

    a.register_for_llm()(pick_c)
    a.handoffs.add_llm_condition(OnCondition(target=AgentTarget(b), condition=StringLLMCondition("to b")))
    router.add("a", {"tool_calls": [tool_call("transfer_to_b_1", {}, id="h1"), tool_call("pick_c", {}, id="h2")]})
    router.add("c", "c here")
    result, _, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b, c]), "go", max_rounds=10)
    assert last is c
    assert result.chat_history[2]["content"] == "Transfer to b\nto c"  # responses joined with "\n"


def test_after_works_in_order_then_group_after_work():
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="from a")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="from b")
    c = ConversableAgent("c", llm_config=False, human_input_mode="NEVER", default_auto_reply="from c")
    a.handoffs.add_after_work(OnContextCondition(target=AgentTarget(c), condition=StringContextCondition(variable_name="to_c")))
    a.handoffs.add_after_work(OnContextCondition(target=AgentTarget(b), condition=None))
    a.handoffs.add_after_work(OnContextCondition(target=AgentTarget(a), condition=StringContextCondition(variable_name="again")))
    # the unconditional after-work stays last
    assert [aw.condition is None for aw in a.handoffs.after_works] == [False, False, True]
    ctx = ContextVariables({"to_c": False, "again": False})
    pattern = DefaultPattern(initial_agent=a, agents=[a, b, c], context_variables=ctx, group_after_work=StayTarget())
    result, _, _ = initiate_group_chat(pattern, "go", max_rounds=4)
    # a -> b (unconditional after-work) -> b stays (group after-work StayTarget)
    assert _speakers(result) == ["a", "b", "b"]

    ctx2 = ContextVariables({"to_c": True, "again": False})
    pattern2 = DefaultPattern(initial_agent=a, agents=[a, b, c], context_variables=ctx2)
    result2, _, last = initiate_group_chat(pattern2, "go", max_rounds=4)
    assert _speakers(result2) == ["a", "c"]  # c has no after-work: the group after-work ends the chat
    assert last is c


def test_user_agent_returns_to_the_previous_agent():
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="from a")
    user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER", default_auto_reply="from user")
    from autogen.agentchat.group import RevertToUserTarget

    a.handoffs.set_after_work(RevertToUserTarget())
    pattern = DefaultPattern(initial_agent=a, agents=[a], user_agent=user)
    result, _, _ = initiate_group_chat(pattern, "hi", max_rounds=5)
    assert [m["content"] for m in result.chat_history] == ["hi", "from a", "from user", "from a", "from user"]
    assert result.chat_history[0]["name"] == "user"


def test_handoff_tools_follow_availability_and_context_prompts(routed_server, router):
    a, b = _agent("a", routed_server), _agent("b", routed_server)

    def unlock(context_variables: ContextVariables) -> ReplyResult:
        """Unlock the door."""
        context_variables["open"] = True
        context_variables["room"] = "kitchen"
        return ReplyResult(message="unlocked", context_variables=context_variables)

    a.register_for_llm()(unlock)
    a.handoffs.add_llm_condition(
        OnCondition(
            target=AgentTarget(b),
            condition=ContextStrLLMCondition(ContextStr(template="go to b in the {room}")),
            available=ExpressionAvailableCondition(ContextExpression("${open}")),
        )
    )
    router.add("a", {"tool_calls": [tool_call("unlock", {}, id="u1")]}, {"tool_calls": [tool_call("transfer_to_b_1", {}, id="t1")]})
    router.add("b", "in the kitchen")
    ctx = ContextVariables({"open": False, "room": "hall"})
    result, ctx_out, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b], context_variables=ctx), "go", max_rounds=10)
    first_tools = [t["function"]["name"] for t in router.requests["a"][0]["tools"]]
    second = {t["function"]["name"]: t["function"]["description"] for t in router.requests["a"][1]["tools"]}
    assert first_tools == ["unlock"]
    assert second == {"unlock": "Unlock the door.", "transfer_to_b_1": "go to b in the kitchen"}
    assert last is b and ctx_out["room"] == "kitchen"
    # After the chat the handoff tool is withdrawn from a's LLM config.
    assert [t["function"]["name"] for t in a.llm_config["tools"]] == ["unlock"]


def test_update_system_message_runs_before_the_reply(routed_server, router):
    a = ConversableAgent(
        "a",
        system_message="unused",
        llm_config=routed_server.llm_config,
        update_agent_state_before_reply=[UpdateSystemMessage("[agent:a] user is {user}")],
    )
    router.add("a", "hello Ann")
    initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a], context_variables=ContextVariables({"user": "Ann"})), "hi", max_rounds=2)
    assert router.requests["a"][0]["messages"][0] == {"content": "[agent:a] user is Ann", "role": "system"}
