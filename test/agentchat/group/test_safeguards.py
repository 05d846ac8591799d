"""Safeguard policies on pattern group chats: what gets blocked, masked or only warned about, and
the events that say so."""

from __future__ import annotations

import json

import pytest

from autogen import ConversableAgent
from autogen.agentchat import initiate_group_chat, run_group_chat
from autogen.agentchat.group.patterns import DefaultPattern, RoundRobinPattern
from autogen.agentchat.group.safeguards import (
    SafeguardEnforcer,
    SafeguardEvent,
    apply_safeguard_policy,
    reset_safeguard_policy,
)
from autogen.testing import FakeLLMServer, tool_call


SSN = r"\d{3}-\d{2}-\d{4}"


def _agent(name: str, server, **kwargs) -> ConversableAgent:
    return ConversableAgent(name, system_message=f"[agent:{name}] You help.", llm_config=server.llm_config, **kwargs)


def _events(stream) -> list:
    return [e.content for e in stream.of_type("SafeguardEvent")]


def _transition(src: str, dst: str, action: str = "block", **check) -> dict:
    check = check or {"check_method": "regex", "pattern": r"\bpassword\b"}
    return {"message_source": src, "message_destination": dst, "action": action, **check}


# ---------------------------------------------------------------------- the policy's shape


@pytest.mark.parametrize(
    ("policy", "error"),
    [
        ({"inter_agent_safeguards": {"agent_transitions": [{"message_source": "a"}]}}, "missing required field: message_destination"),
        ({"inter_agent_safeguards": {"agent_transitions": [{"message_source": "a", "message_destination": "b", "action": "block"}]}}, "missing required field: check_method"),
        ({"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b", action="shout")]}}, "invalid action: shout"),
        ({"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b", check_method="regex", pattern="(")]}}, "invalid regex pattern"),
        ({"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b", check_method="llm")]}}, "must have either 'custom_prompt' or 'disallow_item'"),
        ({"agent_environment_safeguards": {"llm_interaction": [{"check_method": "regex", "pattern": "x", "message_source": "a", "message_destination": "llm"}]}}, "llm_interaction[0] missing required field: action"),
        ({"agent_environment_safeguards": {"tool_interaction": [{"check_method": "regex", "pattern": "x", "action": "mask"}]}}, "must have 'message_source' and 'message_destination'"),
        ({"agent_environment_safeguards": {"tool_interaction": [{"check_method": "sniff", "action": "mask"}]}}, "invalid check_method: sniff"),
    ],
)
def test_malformed_policies_are_refused_with_the_rule_named(policy, error):
    with pytest.raises(ValueError) as info:
        SafeguardEnforcer(policy=policy)
    assert error in str(info.value)


def test_llm_rules_need_a_safeguard_llm():
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b", check_method="llm", custom_prompt="rude?")]}}
    with pytest.raises(ValueError, match="safeguard_llm_config is required"):
        SafeguardEnforcer(policy=policy)


def test_policy_loads_from_a_json_file(tmp_path, stream):
    path = tmp_path / "policy.json"
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "*")]}}
    path.write_text(json.dumps(policy))
    enforcer = SafeguardEnforcer(policy=str(path))
    assert enforcer.policy == policy
    (load,) = _events(stream)
    assert load.event_type == "load" and "1 inter-agent and 0 environment" in load.message


def test_rules_naming_unknown_agents_or_foreign_tools_are_refused():
    a = ConversableAgent("a", llm_config=False)
    b = ConversableAgent("b", llm_config=False)

    @b.register_for_execution()
    def lookup(q: str) -> str:
        return q

    with pytest.raises(ValueError, match="Policy validation failed.*unknown source agent: 'ghost'"):
        apply_safeguard_policy(agents=[a, b], policy={"inter_agent_safeguards": {"agent_transitions": [_transition("ghost", "a")]}})
    foreign = {"agent_environment_safeguards": {"tool_interaction": [{"message_source": "a", "message_destination": "lookup", "check_method": "regex", "pattern": "x", "action": "block"}]}}
    with pytest.raises(ValueError, match="agent 'a' does not have access to tool 'lookup'"):
        apply_safeguard_policy(agents=[a, b], policy=foreign)
    with pytest.raises(ValueError, match="Either agents or groupchat_manager must be provided"):
        apply_safeguard_policy(policy={})


# ---------------------------------------------------------------------- inter-agent rules


def test_a_blocked_message_never_reaches_the_agent_it_was_meant_for(routed_server, router, stream):
    router.add("a", "the password is hunter2").add("b", "noted")
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b")]}}
    pattern = RoundRobinPattern(initial_agent=a, agents=[a, b])
    result, _, _ = initiate_group_chat(pattern, "hi", max_rounds=3, safeguard_policy=policy)

    seen_by_b = router.requests["b"][0]["messages"]
    assert not any("hunter2" in (m.get("content") or "") for m in seen_by_b)
    assert seen_by_b[-1]["content"].startswith("🛡️ BLOCKED: Content blocked by safeguard")
    # The transcript keeps what a said; only the delivery to b was replaced.
    assert result.chat_history[1]["content"] == "the password is hunter2"
    kinds = [(e.event_type, e.action) for e in _events(stream)]
    assert kinds[0] == ("load", None)
    assert ("violation", None) in kinds and ("action", "block") in kinds
    action = next(e for e in _events(stream) if e.event_type == "action")
    assert (action.source_agent, action.target_agent) == ("a", "b")


def test_mask_keeps_the_message_but_hides_what_the_regex_finds(routed_server, router):
    router.add("a", "call me at 555-12-3456 or 555-98-7654").add("b", "ok")
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "*", "mask", check_method="regex", pattern=SSN)]}}
    initiate_group_chat(RoundRobinPattern(initial_agent=a, agents=[a, b]), "hi", max_rounds=3, safeguard_policy=policy)
    assert router.requests["b"][0]["messages"][-1]["content"] == "call me at [SENSITIVE_INFO] or [SENSITIVE_INFO]"


def test_a_policy_guards_its_run_only(routed_server, router):
    router.add("a", "password one", "password two").add("b", "ok", "ok")
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b")]}}
    pattern = RoundRobinPattern(initial_agent=a, agents=[a, b])
    initiate_group_chat(pattern, "hi", max_rounds=3, safeguard_policy=policy)
    assert not any(a.hook_lists[name] for name in ("process_message_before_send", "safeguard_tool_inputs"))
    initiate_group_chat(pattern, "again", max_rounds=3)
    assert router.requests["b"][1]["messages"][-1]["content"] == "password two"


def test_an_llm_check_decides_and_warning_only_reports(routed_server, router, stream):
    router.add("a", "you are useless").add("b", "sorry")
    a, b = _agent("a", routed_server), _agent("b", routed_server)
    verdict = json.dumps({"activated": True, "justification": "insulting"})
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b", "warning", check_method="llm", disallow_item=["insults"])]}}
    with FakeLLMServer([verdict]) as judge:
        initiate_group_chat(
            RoundRobinPattern(initial_agent=a, agents=[a, b]), "hi", max_rounds=3,
            safeguard_policy=policy, safeguard_llm_config=judge.llm_config,
        )
        asked = judge.requests[0].messages
    assert "insults" in asked[0]["content"] and asked[-1]["content"] == "you are useless"
    assert router.requests["b"][0]["messages"][-1]["content"] == "you are useless"  # warned, not changed
    assert [e.action for e in _events(stream) if e.event_type == "action"] == ["warning"]
    assert any(e.event_type == "violation" and "insulting" in e.message for e in _events(stream))


# ---------------------------------------------------------------------- agent-environment rules


def _tool_pattern(server, tool):
    a = _agent("a", server, functions=[tool])
    b = _agent("b", server)
    return a, b, DefaultPattern(initial_agent=a, agents=[a, b])


def test_tool_output_is_masked_before_the_agents_see_it(routed_server, router):
    def lookup(name: str) -> str:
        """Look a person up."""
        return f"{name}: SSN 123-45-6789, likes tea"

    router.add("a", {"tool_calls": [tool_call("lookup", {"name": "Ann"}, id="c1")]}, "done")
    a, _b, pattern = _tool_pattern(routed_server, lookup)
    policy = {"agent_environment_safeguards": {"tool_interaction": [
        {"message_source": "lookup", "message_destination": "a", "check_method": "regex", "pattern": SSN, "action": "mask"}
    ]}}
    result, _, _ = initiate_group_chat(pattern, "who is Ann?", max_rounds=4, safeguard_policy=policy)
    tool_message = result.chat_history[2]
    assert tool_message["tool_responses"][0]["content"] == "Ann: SSN [SENSITIVE_INFO], likes tea"
    assert "123-45" not in json.dumps(router.requests["a"][1]["messages"])


def test_a_blocked_tool_call_is_not_run_and_says_why(routed_server, router, stream):
    calls = []

    def delete_all(table: str) -> str:
        """Delete every row."""
        calls.append(table)
        return "deleted"

    router.add("a", {"tool_calls": [tool_call("delete_all", {"table": "users"}, id="c1")]}, "ok")
    a, _b, pattern = _tool_pattern(routed_server, delete_all)
    policy = {"agent_environment_safeguards": {"tool_interaction": [
        {"message_source": "a", "message_destination": "delete_all", "check_method": "regex", "pattern": "users",
         "action": "block", "activation_message": "No deleting users"}
    ]}}
    result, _, _ = initiate_group_chat(pattern, "clean up", max_rounds=4, safeguard_policy=policy)
    assert calls == []
    assert result.chat_history[2]["content"] == "🛡️ BLOCKED: No deleting users"
    check = next(e for e in _events(stream) if e.event_type == "check")
    assert (check.source_agent, check.target_agent) == ("a", "delete_all")  # the caller, not the executor


def test_llm_input_block_stops_the_call(routed_server, router):
    router.add("b", "unused")
    a = _agent("a", routed_server)
    policy = {"agent_environment_safeguards": {"llm_interaction": [
        {"message_source": "a", "message_destination": "llm", "check_method": "regex", "pattern": "secret", "action": "block"}
    ]}}
    result, _, _ = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a]), "tell the secret", max_rounds=2, safeguard_policy=policy)
    assert result.chat_history[1]["content"] == "LLM call blocked by safeguard"
    assert router.requests["a"] == []


def test_human_input_is_masked_by_a_mask_llm(stream):
    stream.inputs = ["my card is 4111 1111 1111 1111", "exit"]
    a = ConversableAgent("a", llm_config=False, default_auto_reply="thanks")
    user = ConversableAgent("user", llm_config=False, human_input_mode="ALWAYS")
    from autogen.agentchat.group import RevertToUserTarget

    a.handoffs.set_after_work(RevertToUserTarget())
    verdict = json.dumps({"activated": True, "justification": "card number"})
    policy = {"agent_environment_safeguards": {"user_interaction": [
        {"message_source": "user", "message_destination": "user", "check_method": "llm", "disallow_item": ["card numbers"], "action": "mask"}
    ]}}
    with FakeLLMServer([verdict, json.dumps({"activated": False, "justification": "-"})]) as judge, FakeLLMServer(
        ["my card is [SENSITIVE_INFO]"]
    ) as masker:
        result, _, _ = initiate_group_chat(
            DefaultPattern(initial_agent=a, agents=[a], user_agent=user), "hi", max_rounds=4,
            safeguard_policy=policy, safeguard_llm_config=judge.llm_config, mask_llm_config=masker.llm_config,
        )
        assert "4111 1111" in masker.requests[0].messages[-1]["content"]
    assert result.chat_history[2]["content"] == "my card is [SENSITIVE_INFO]"
    assert result.human_input == ["my card is [SENSITIVE_INFO]"]  # what is kept is the masked text


# ---------------------------------------------------------------------- without a group chat


def test_apply_and_reset_on_two_agents():
    a = ConversableAgent("a", llm_config=False, default_auto_reply="my password is x", max_consecutive_auto_reply=1)
    b = ConversableAgent("b", llm_config=False, default_auto_reply="ok", max_consecutive_auto_reply=1)
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b")]}}
    enforcer = apply_safeguard_policy(agents=[a, b], policy=policy)
    assert isinstance(enforcer, SafeguardEnforcer)
    result = a.initiate_chat(b, message="the password is y", max_turns=1, silent=True)
    assert result.chat_history[0]["content"].startswith("🛡️ BLOCKED")
    reset_safeguard_policy(agents=[a, b])
    assert a.hook_lists["process_message_before_send"] == []
    result = a.initiate_chat(b, message="the password is y", max_turns=1, silent=True)
    assert result.chat_history[0]["content"] == "the password is y"


def test_background_run_reports_safeguard_events():
    a = ConversableAgent("a", llm_config=False, default_auto_reply="password")
    b = ConversableAgent("b", llm_config=False, default_auto_reply="ok")
    policy = {"inter_agent_safeguards": {"agent_transitions": [_transition("a", "b")]}}
    response = run_group_chat(RoundRobinPattern(initial_agent=a, agents=[a, b]), "hi", max_rounds=3, safeguard_policy=policy)
    kinds = [e.content.event_type for e in response.events if type(e).__name__ == "SafeguardEvent"]
    assert kinds[0] == "load" and "action" in kinds


def test_event_prints_a_framed_report():
    lines: list[str] = []
    event = SafeguardEvent(event_type="action", message="BLOCKED: no", action="block", source_agent="a", target_agent="b")
    event.print(lambda *args, **kwargs: lines.append(" ".join(map(str, args))))
    text = "\n".join(lines)
    assert "Safeguard Enforcement Action: BLOCK" in text and "From: a" in text and "To: b" in text
    assert SafeguardEvent.model_validate(json.loads(event.model_dump_json())).content.message == "BLOCKED: no"
