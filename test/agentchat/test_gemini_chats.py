"""Agents on "Gemini": a two-agent tool chat and a group chat with auto speaker selection, through the
real google-genai SDK against FakeLLMServer(dialect="gemini"), which refuses any request the Gemini
API would refuse."""

from __future__ import annotations

import pytest

pytest.importorskip("google.genai")

from autogen import ConversableAgent, GroupChat, GroupChatManager
from autogen.testing import FakeLLMServer, tool_call

MODEL = "gemini-2.5-flash"


def test_two_agent_tool_chat_with_parallel_calls(stream):
    replies = [
        {"tool_calls": [tool_call("add", {"a": 1, "b": 2}), tool_call("add", {"a": 3, "b": 4})]},
        "The sums are 3 and 7. TERMINATE",
    ]
    with FakeLLMServer(replies, dialect="gemini", model=MODEL) as gemini:
        assistant = ConversableAgent("assistant", llm_config=gemini.llm_config, system_message="You add numbers.")
        user = ConversableAgent(
            "user proxy",
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
        second = gemini.requests[1].body
        assert second["systemInstruction"]["parts"][0]["text"] == "You add numbers."
        contents = second["contents"]
        assert [t["role"] for t in contents] == ["user", "model", "user"]
        assert [p["functionCall"]["args"] for p in contents[1]["parts"]] == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
        responses = [p["functionResponse"] for p in contents[2]["parts"]]
        assert [(r["name"], r["response"]) for r in responses] == [("add", {"result": 3}), ("add", {"result": 7})]
        assert second["tools"][0]["functionDeclarations"][0]["name"] == "add"
        assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


def test_group_chat_with_auto_speaker_selection(stream):
    def member(name: str, description: str) -> ConversableAgent:
        return ConversableAgent(name, llm_config=False, human_input_mode="NEVER",
                                default_auto_reply=f"from {name}", description=description)  # fmt: skip

    alice, bob, carol = member("alice", "plans"), member("bob", "builds"), member("carol", "checks")
    with FakeLLMServer(["bob", "carol", "alice"], dialect="gemini", model=MODEL) as gemini:
        gc = GroupChat([alice, bob, carol], max_round=4)
        manager = GroupChatManager(gc, llm_config=gemini.llm_config)
        alice.initiate_chat(manager, message="hi")
        assert [m["name"] for m in gc.messages] == ["alice", "bob", "carol", "alice"]
        assert len(gemini.requests) == 3
        last = gemini.requests[2].body
        assert "alice: plans" in last["systemInstruction"]["parts"][0]["text"]
        assert last["contents"][-1]["role"] == "user"


@pytest.mark.parametrize("api_type", ["google", "google_vertex"])
def test_a_tool_chat_on_vertex_ai(stream, monkeypatch, api_type):
    # no api key -> Vertex AI: google-genai posts to /v1beta1/projects/{p}/locations/{l}/publishers/google/
    # models/{m}:generateContent with the credentials' bearer token (dummy ones: no metadata server lookup)
    from google.oauth2.credentials import Credentials

    monkeypatch.setenv("GOOGLE_GEMINI_API_KEY", "env-key")  # the entry's Vertex project outweighs it
    replies = [{"tool_calls": [tool_call("add", {"a": 2, "b": 5})]}, "It is 7. TERMINATE"]
    with FakeLLMServer(replies, dialect="gemini", model=MODEL) as gemini:
        entry = {"api_type": api_type, "model": MODEL, "project_id": "my-proj", "location": "us-central1",
                 "credentials": Credentials(token="ya29.fake"), "base_url": gemini.url}  # fmt: skip
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
        for request in gemini.requests:
            path = f"/v1beta1/projects/my-proj/locations/us-central1/publishers/google/models/{MODEL}:generateContent"
            assert request.path == path
            assert request.headers["authorization"] == "Bearer ya29.fake" and "x-goog-api-key" not in request.headers
        second = gemini.requests[1].body
        assert [p["functionResponse"]["response"] for p in second["contents"][2]["parts"]] == [{"result": 7}]
        assert result.cost["usage_including_cached_inference"]["total_cost"] > 0


def test_gemini_3_signatures_survive_the_chat_history(stream):
    replies = [{"tool_calls": [tool_call("add", {"a": 1, "b": 1})]}, "2. TERMINATE"]
    with FakeLLMServer(replies, dialect="gemini", model="gemini-3-flash") as gemini3:
        assistant = ConversableAgent("assistant", llm_config=gemini3.llm_config)
        user = ConversableAgent(
            "user", human_input_mode="NEVER", llm_config=False,
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )  # fmt: skip

        @user.register_for_execution()
        @assistant.register_for_llm(description="Add.")
        def add(a: int, b: int) -> int:
            return a + b

        user.initiate_chat(assistant, message="1+1?", max_turns=3)
        # the signature went from the reply into the agents' history and back with the call
        call_part = gemini3.requests[1].body["contents"][1]["parts"][0]
        assert "functionCall" in call_part and call_part["thoughtSignature"]
