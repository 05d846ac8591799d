"""Guardrails on agent inputs and outputs, with their activation targets."""

from __future__ import annotations

import pytest

from autogen import ConversableAgent
from autogen.agentchat import initiate_group_chat
from autogen.agentchat.group import AgentTarget
from autogen.agentchat.group.guardrails import GuardrailResult, LLMGuardrail, RegexGuardrail
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import FakeLLMServer


def plain(name: str, reply: str | None = None) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=reply or f"from {name}")


def test_regex_guardrail_checks():
    g = RegexGuardrail("ssn", condition=r"\d{3}-\d{2}-\d{4}", target=AgentTarget(plain("x")))
    hit = g.check("my number is 123-45-6789")
    assert hit.activated and "123-45-6789" in hit.justification
    assert hit.reply == "Guardrail 'ssn' has been activated.\nJustification: Match found -> 123-45-6789"
    assert not g.check([{"content": "nothing here"}]).activated
    assert g.check([{"content": None}, {"content": "x 111-22-3333"}]).activated
    with pytest.raises(ValueError, match="Invalid regex pattern"):
        RegexGuardrail("bad", condition="(", target=AgentTarget(plain("x")))


def test_input_guardrail_replaces_the_reply_and_routes_to_its_target():
    a, b, security = plain("a", "the password is hunter2"), plain("b"), plain("security")
    a.handoffs.set_after_work(AgentTarget(b))
    b.register_input_guardrail(
        RegexGuardrail("pw", condition="password", target=AgentTarget(security), activation_message="Sensitive input blocked.")
    )
    result, _, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b, security]), "go", max_rounds=4)
    assert [m["name"] for m in result.chat_history[1:]] == ["a", "b", "security"]
    assert result.chat_history[2]["content"] == "Sensitive input blocked.\nJustification: Match found -> password"
    assert last is security


def test_output_guardrail_replaces_what_the_agent_said():
    a, b, c = plain("a", "ssn 123-45-6789"), plain("b"), plain("c")
    a.handoffs.set_after_work(AgentTarget(b))
    a.register_output_guardrail(RegexGuardrail("ssn", condition=r"\d{3}-\d{2}-\d{4}", target=AgentTarget(c)))
    result, _, last = initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b, c]), "go", max_rounds=3)
    assert result.chat_history[1]["content"].startswith("Guardrail 'ssn' has been activated.")
    assert last is c  # the guardrail's target wins over a's after-work


def test_llm_guardrail_asks_a_model():
    verdict = '{"activated": true, "justification": "asks for medical advice"}'
    with FakeLLMServer([verdict, '{"activated": false, "justification": "fine"}']) as server:
        g = LLMGuardrail("medical", condition="the user asks for medical advice", target=AgentTarget(plain("doc")), llm_config=server.llm_config)
        first = g.check([{"role": "user", "content": "which pills should I take?", "name": "u"}])
        second = g.check("hello")
        body = server.requests[0].body
    assert first.activated and first.justification == "asks for medical advice"
    assert not second.activated
    assert "the user asks for medical advice" in body["messages"][0]["content"]
    assert body["response_format"]["type"] == "json_schema"
    with pytest.raises(ValueError, match="needs an llm_config"):
        LLMGuardrail("x", condition="c", target=AgentTarget(plain("d")), llm_config=None)
    with pytest.raises(ValueError, match="Failed to parse GuardrailResult"):
        GuardrailResult.parse("yes", g)


def test_guardrail_target_must_be_in_the_group():
    a, b = plain("a"), plain("b")
    a.register_output_guardrail(RegexGuardrail("r", condition="x", target=AgentTarget(plain("outsider"))))
    with pytest.raises(ValueError, match="guardrail 'r' hands off to agent 'outsider'"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a, b]), "go")
