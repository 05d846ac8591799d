"""Agents on "Anthropic": a two-agent tool chat, a classic group chat with auto speaker selection and a
pattern chat with an LLM handoff, each through the real anthropic SDK against
FakeLLMServer(dialect="anthropic"), which refuses any request the Messages API would refuse."""

from __future__ import annotations

import itertools

import pytest

pytest.importorskip("anthropic")

from autogen import ConversableAgent, GroupChat, GroupChatManager
from autogen.agentchat.group import AgentTarget, OnCondition, StringLLMCondition
from autogen.agentchat.group.multi_agent_chat import initiate_group_chat
from autogen.agentchat.group.patterns import DefaultPattern
from autogen.testing import FakeLLMServer, tool_call

MODEL = "claude-sonnet-4-5"


def tool_ids(request) -> list[tuple[list[str], list[str]]]:
    """(tool_use ids, tool_result ids of the next turn) for each assistant turn that calls tools."""
    out = []
    msgs = request.messages
    for i, m in enumerate(msgs):
        blocks = m["content"] if isinstance(m["content"], list) else []
        uses = [b["id"] for b in blocks if b["type"] == "tool_use"]
        if uses:
            nxt = msgs[i + 1]["content"]
            out.append((uses, [b["tool_use_id"] for b in nxt if b["type"] == "tool_result"]))
    return out


def test_two_agent_tool_chat_with_parallel_calls(stream):
    replies = [
        {
            "tool_calls": [
                tool_call("add", {"a": 1, "b": 2}, id="toolu_1"),
                tool_call("add", {"a": 3, "b": 4}, id="toolu_2"),
            ]
        },
        "The sums are 3 and 7. TERMINATE",
    ]
    with FakeLLMServer(replies, dialect="anthropic", model=MODEL) as claude:
        assistant = ConversableAgent("assistant", llm_config=claude.llm_config, system_message="You add numbers.")
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

        result = user.initiate_chat(assistant, message="Add 1+2 and 3+4.", max_turns=3)
        assert result.chat_history[-1]["content"] == "The sums are 3 and 7. TERMINATE"
        second = claude.requests[1]
        assert second.system == "You add numbers."
        assert [m["role"] for m in second.messages] == ["user", "assistant", "user"]
        assert tool_ids(second) == [(["toolu_1", "toolu_2"], ["toolu_1", "toolu_2"])]
        results = [b["content"] for b in second.messages[2]["content"]]
        assert results == ["3", "7"]
        assert second.body["tools"][0]["name"] == "add" and "input_schema" in second.body["tools"][0]
        assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


def test_group_chat_with_auto_speaker_selection(stream):
    def member(name: str, description: str) -> ConversableAgent:
        return ConversableAgent(name, llm_config=False, human_input_mode="NEVER",
                                default_auto_reply=f"from {name}", description=description)  # fmt: skip

    alice, bob, carol = member("alice", "plans"), member("bob", "builds"), member("carol", "checks")
    with FakeLLMServer(["bob", "carol", "alice"], dialect="anthropic", model=MODEL) as claude:
        gc = GroupChat([alice, bob, carol], max_round=4)
        manager = GroupChatManager(gc, llm_config=claude.llm_config)
        alice.initiate_chat(manager, message="hi")
        assert [m["name"] for m in gc.messages] == ["alice", "bob", "carol", "alice"]
        assert len(claude.requests) == 3
        last = claude.requests[2]
        assert "alice: plans" in last.system  # the selection prompts travel in the top-level system
        roles = [m["role"] for m in last.messages]
        assert roles[0] == "user" and all(a != b for a, b in itertools.pairwise(roles)) and roles[-1] == "user"


def test_pattern_chat_with_an_llm_handoff(stream):
    with FakeLLMServer(dialect="anthropic", model=MODEL) as claude:
        claude.add_replies(
            {"tool_calls": [tool_call("transfer_to_tech_1", {}, id="toolu_h")]},  # triage hands off
            "Restart the router. TERMINATE",  # tech answers
        )
        triage = ConversableAgent("triage", llm_config=claude.llm_config, system_message="Route questions.")
        tech = ConversableAgent("tech", llm_config=claude.llm_config, system_message="Fix computers.")
        triage.handoffs.add_llm_condition(
            OnCondition(target=AgentTarget(tech), condition=StringLLMCondition("When it is a tech question."))
        )
        user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
        pattern = DefaultPattern(initial_agent=triage, agents=[triage, tech], user_agent=user)
        result, _, last = initiate_group_chat(pattern, "My wifi is down.", max_rounds=6)
        assert last is tech
        assert any("Restart the router" in (m.get("content") or "") for m in result.chat_history)
        first = claude.requests[0]
        assert "transfer_to_tech_1" in [t["name"] for t in first.body["tools"]]
        tech_request = claude.requests[1]
        assert tech_request.system.startswith("Fix computers.")
        assert tech_request.messages[0] == {"role": "user", "content": "My wifi is down."}
        assert all(uses == results for uses, results in tool_ids(tech_request))


@pytest.mark.parametrize("streamed", [False, True])
def test_a_tool_chat_with_claude_on_vertex_ai(stream, monkeypatch, streamed):
    # AnthropicVertex posts to .../projects/{p}/locations/{r}/publishers/anthropic/models/{m}:rawPredict
    # (:streamRawPredict when streaming) with a bearer token; the body has anthropic_version, no model
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")  # the entry's Vertex project outweighs it
    replies = [{"tool_calls": [tool_call("add", {"a": 2, "b": 5}, id="toolu_v1")]}, "It is 7. TERMINATE"]
    with FakeLLMServer(replies, dialect="anthropic", model=MODEL) as claude:
        entry = {"api_type": "anthropic", "model": MODEL, "gcp_project_id": "my-proj", "gcp_region": "us-east5",
                 "gcp_auth_token": "ya29.fake", "base_url": claude.url + "/v1", "stream": streamed}  # fmt: skip
        assistant = ConversableAgent("assistant", llm_config={"config_list": [entry]}, system_message="You add.")
        user = ConversableAgent(
            "user", human_input_mode="NEVER", llm_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )  # fmt: skip

        @user.register_for_execution()
        @assistant.register_for_llm(description="Add two integers.")
        def add(a: int, b: int) -> int:
            return a + b

        result = user.initiate_chat(assistant, message="2+5?", max_turns=3)
        assert result.chat_history[-1]["content"] == "It is 7. TERMINATE"
        verb = "streamRawPredict" if streamed else "rawPredict"
        for request in claude.requests:
            assert request.path == f"/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/{MODEL}:{verb}"
            assert request.headers["authorization"] == "Bearer ya29.fake"
            assert request.body["anthropic_version"] and "model" not in request.body
        assert tool_ids(claude.requests[1]) == [(["toolu_v1"], ["toolu_v1"])]
        assert result.cost["usage_including_cached_inference"]["total_cost"] > 0
