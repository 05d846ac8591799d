"""The original's helper entry points that ag2 code reaches for: a prepared run unpacks as a tuple,
the executor runs one agent's tool calls through its public tool reply, and helpers tell the truth."""

from __future__ import annotations

import pytest

from autogen import ConversableAgent
from autogen.agentchat.chat import ChatResult
from autogen.agentchat.group import ContextExpression, ContextVariables, ReplyResult
from autogen.agentchat.group.group_tool_executor import GroupToolExecutor
from autogen.agentchat.group.guardrails import GuardrailCheckResult, GuardrailResult, RegexGuardrail
from autogen.agentchat.group.patterns import DefaultPattern, RoundRobinPattern
from autogen.agentchat.group.patterns.pattern import Pattern
from autogen.agentchat.group.targets.transition_target import AgentNameTarget, StayTarget, TransitionTarget


def plain(name: str) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=f"from {name}")


def test_prepared_run_unpacks_like_the_original_tuple():
    a, b = plain("a"), plain("b")
    pattern = RoundRobinPattern(initial_agent=b, agents=[a, b])
    agents, wrapped, user, ctx, initial, after_work, executor, groupchat, manager, messages, last, names, temp = (
        pattern.prepare_group_chat(max_rounds=3, messages="go")
    )
    assert agents == [a, b] and wrapped == [] and user is None and initial is b
    assert isinstance(executor, GroupToolExecutor) and manager.groupchat is groupchat
    assert messages == [{"role": "user", "content": "go"}] and [t.name for t in temp] == ["_User"] and last is temp[0]
    assert names == ["a", "b"] and ctx is pattern.context_variables and after_work is pattern.group_after_work
    # the round-robin after-works are in place once the run is prepared
    assert b.handoffs.after_works[0].target.agent_name == "a"


def test_pattern_base_is_abstract_and_default_pattern_is_not():
    a = plain("a")
    with pytest.raises(TypeError):
        Pattern(initial_agent=a, agents=[a])  # type: ignore[abstract]
    assert isinstance(DefaultPattern(initial_agent=a, agents=[a]), Pattern)


def test_generate_group_tool_reply_runs_each_call_through_the_agents_tool_reply():
    executor = GroupToolExecutor()
    executor.context_variables = ContextVariables()

    def route(n: int) -> ReplyResult:
        return ReplyResult(
            message=f"routed {n}", target=AgentNameTarget("b"), context_variables=ContextVariables({"n": n})
        )

    executor._function_map = {"route": route, "echo": lambda text: text}
    message = {
        "role": "assistant",
        "name": "a",
        "content": None,
        "tool_calls": [
            {"id": "1", "type": "function", "function": {"name": "echo", "arguments": '{"text": "hi"}'}},
            {"id": "2", "type": "function", "function": {"name": "route", "arguments": '{"n": 5}'}},
        ],
    }
    ok, reply = executor._generate_group_tool_reply(agent=executor, messages=[message])
    assert ok and reply["content"] == "hi\nrouted 5"
    assert [r["tool_call_id"] for r in reply["tool_responses"]] == ["1", "2"]
    assert executor.get_next_target() == AgentNameTarget("b") and executor.context_variables["n"] == 5
    assert executor._generate_group_tool_reply(agent=executor, messages=[{"role": "user", "content": "x"}]) == (
        False,
        None,
    )


def test_executor_registers_ag2s_group_tool_reply_functions():
    executor = GroupToolExecutor()
    entries = {e["reply_func"].__name__: e for e in executor._reply_func_list}
    assert list(entries) == ["_a_generate_group_tool_reply", "_generate_group_tool_reply"]
    assert entries["_a_generate_group_tool_reply"]["ignore_async_in_sync_chat"] is True
    assert entries["_generate_group_tool_reply"]["ignore_async_in_sync_chat"] is False


def test_tool_content_is_normalised_to_text():
    executor = GroupToolExecutor()
    assert executor._normalize_tool_content(None) == ""
    assert executor._normalize_tool_content({"a": 1}) == '{"a": 1}'
    assert executor._normalize_tool_content([{"type": "text", "text": "part"}]) == "part"
    assert executor._normalize_tool_content(StayTarget()) == str(StayTarget())


def test_context_variable_errors_name_the_variable():
    ctx = ContextVariables({"x": 1})
    with pytest.raises(KeyError, match="Context variable 'y' not found"):
        ctx["y"]
    with pytest.raises(KeyError, match="Cannot delete non-existent context variable 'y'"):
        del ctx["y"]
    assert repr(ctx) == "ContextVariables(data={'x': 1})"
    # every variable must be set, even where `and` would not need to read it
    with pytest.raises(KeyError, match="Missing context variable: 'later'"):
        ContextExpression("${x} == 2 and ${later}").evaluate(ctx)
    with pytest.raises(ValueError, match="Attribute is not allowed"):
        ContextExpression("${user.flag}")


def test_guardrail_check_schema_has_no_runtime_objects():
    schema = GuardrailCheckResult.model_json_schema()
    assert set(schema["properties"]) == {"activated", "justification"} and schema["required"] == ["activated"]
    guardrail = RegexGuardrail("pw", condition="secret", target=StayTarget())
    result = GuardrailResult.parse('{"activated": true}', guardrail)
    assert result.activated and result.justification == "No justification provided" and result.guardrail is guardrail


def test_base_target_requires_subclasses_and_direct_targets_refuse_wrapping():
    with pytest.raises(NotImplementedError, match="Requires subclasses to implement"):
        TransitionTarget().needs_agent_wrapper()
    assert StayTarget().needs_agent_wrapper() is False
    with pytest.raises(NotImplementedError, match="does not require wrapping"):
        StayTarget().create_wrapper_agent(plain("a"), 0)


def test_chat_result_cost_has_both_usage_keys_by_default():
    assert ChatResult().cost == {"usage_including_cached_inference": {}, "usage_excluding_cached_inference": {}}
