"""Agents on "Bedrock": a two-agent tool chat, a group chat with auto speaker selection and a pattern chat
with an LLM handoff, through the real boto3 Converse client against FakeLLMServer(dialect="bedrock"),
which refuses any request the Converse API would refuse; and a tool chat with Claude on Bedrock
(api_type="anthropic" with AWS credentials) against FakeLLMServer(dialect="anthropic_bedrock")."""

from __future__ import annotations

import itertools

import pytest

pytest.importorskip("boto3")

from autogen import ConversableAgent, GroupChat, GroupChatManager
from autogen.agentchat.group import AgentTarget, OnCondition, StringLLMCondition
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import FakeLLMServer, tool_call

MODEL = "anthropic.claude-3-5-sonnet-20241022-v2:0"


def tool_ids(request) -> list[tuple[list[str], list[str]]]:
    """(toolUse ids, toolResult ids of the next turn) for each assistant turn that calls tools."""
    out = []
    msgs = request.messages
    for i, m in enumerate(msgs):
        uses = [b["toolUse"]["toolUseId"] for b in m["content"] if "toolUse" in b]
        if uses:
            out.append((uses, [b["toolResult"]["toolUseId"] for b in msgs[i + 1]["content"] if "toolResult" in b]))
    return out


def adder_pair(llm_config):
    assistant = ConversableAgent("assistant", llm_config=llm_config, system_message="You add numbers.")
    user = ConversableAgent(
        "user proxy",  # a name with a space
        human_input_mode="NEVER",
        llm_config=False,
        is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
    )

    @user.register_for_execution()
    @assistant.register_for_llm(description="Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    return assistant, user


PARALLEL = [
    {
        "tool_calls": [
            tool_call("add", {"a": 1, "b": 2}, id="tooluse_1"),
            tool_call("add", {"a": 3, "b": 4}, id="tooluse_2"),
        ]
    },
    "The sums are 3 and 7. TERMINATE",
]


def test_two_agent_tool_chat_with_parallel_calls(stream):
    with FakeLLMServer(PARALLEL, dialect="bedrock", model=MODEL) as bedrock:
        assistant, user = adder_pair(bedrock.llm_config)
        result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
        second = bedrock.requests[1]
        assert second.body["system"] == [{"text": "You add numbers."}]
        assert [m["role"] for m in second.messages] == ["user", "assistant", "user"]
        assert tool_ids(second) == [(["tooluse_1", "tooluse_2"], ["tooluse_1", "tooluse_2"])]
        results = [b["toolResult"]["content"] for b in second.messages[2]["content"]]
        assert results == [[{"text": "3"}], [{"text": "7"}]]
        assert second.body["toolConfig"]["tools"][0]["toolSpec"]["name"] == "add"
        assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


def test_group_chat_with_auto_speaker_selection(stream):
    def member(name: str, description: str) -> ConversableAgent:
        return ConversableAgent(name, llm_config=False, human_input_mode="NEVER",
                                default_auto_reply=f"from {name}", description=description)  # fmt: skip

    alice, bob, carol = member("alice", "plans"), member("bob", "builds"), member("carol", "checks")
    with FakeLLMServer(["bob", "carol", "alice"], dialect="bedrock", model=MODEL) as bedrock:
        gc = GroupChat([alice, bob, carol], max_round=4)
        manager = GroupChatManager(gc, llm_config=bedrock.llm_config)
        alice.initiate_chat(manager, message="hi")
        assert [m["name"] for m in gc.messages] == ["alice", "bob", "carol", "alice"]
        assert len(bedrock.requests) == 3
        last = bedrock.requests[2]
        assert any("alice: plans" in block["text"] for block in last.body["system"])
        roles = [m["role"] for m in last.messages]
        assert roles[0] == "user" and all(a != b for a, b in itertools.pairwise(roles)) and roles[-1] == "user"


def test_pattern_chat_with_an_llm_handoff(stream):
    with FakeLLMServer(dialect="bedrock", model=MODEL) as bedrock:
        bedrock.add_replies(
            {"tool_calls": [tool_call("transfer_to_tech_1", {}, id="tooluse_h")]},  # triage hands off
            "Restart the router. TERMINATE",  # tech answers
        )
        triage = ConversableAgent("triage", llm_config=bedrock.llm_config, system_message="Route questions.")
        tech = ConversableAgent("tech", llm_config=bedrock.llm_config, system_message="Fix computers.")
        triage.handoffs.add_llm_condition(
            OnCondition(target=AgentTarget(tech), condition=StringLLMCondition("When it is a tech question."))
        )
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
        pattern = DefaultPattern(initial_agent=triage, agents=[triage, tech], user_agent=user)
        result, _, last = initiate_group_chat(pattern, "My wifi is down.", max_rounds=6)
        assert last is tech
        assert any("Restart the router" in (m.get("content") or "") for m in result.chat_history)
        first = bedrock.requests[0]
        assert "transfer_to_tech_1" in [t["toolSpec"]["name"] for t in first.body["toolConfig"]["tools"]]
        tech_request = bedrock.requests[1]
        assert tech_request.body["system"][0]["text"].startswith("Fix computers.")
        assert tech_request.messages[0] == {"role": "user", "content": [{"text": "My wifi is down."}]}
        assert all(uses == results for uses, results in tool_ids(tech_request))


def test_two_agent_tool_chat_with_claude_on_bedrock(stream, monkeypatch):
    pytest.importorskip("anthropic")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with FakeLLMServer(PARALLEL, dialect="anthropic_bedrock", model=MODEL) as claude:
        assistant, user = adder_pair(claude.llm_config)
        result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
        second = claude.requests[1]
        assert second.path.endswith("/invoke") and second.system == "You add numbers."
        uses = [b["id"] for b in second.messages[1]["content"] if b["type"] == "tool_use"]
        assert uses == [b["tool_use_id"] for b in second.messages[2]["content"]] == ["tooluse_1", "tooluse_2"]
