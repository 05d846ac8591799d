"""`agent.run()` / `a_run()`: chats in the background, consumed as an event stream."""

from __future__ import annotations

import pytest

from autogen import AssistantAgent, ConversableAgent
from autogen.events.agent_events import InputRequestEvent, TerminationEvent, TextEvent
from autogen.testing import FakeLLMServer, tool_call


def test_run_with_recipient_events_and_results():
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="A")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="B")
    response = a.run(b, message="start", max_turns=2)
    events = list(response.events)
    texts = [e.content.content for e in events if isinstance(e, TextEvent)]
    assert texts == ["start", "B", "A", "B"]
    assert any(isinstance(e, TerminationEvent) for e in events)
    assert response.summary == "B"
    assert [m["content"] for m in response.messages] == ["start", "B", "A", "B"]
    assert response.last_speaker == "b"


def test_run_single_agent_mode_with_tools_and_input():
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    replies = [{"tool_calls": [tool_call("add", {"a": 2, "b": 3}, id="c1")]}, "5 TERMINATE"]
    with FakeLLMServer(replies) as server:
        asst = AssistantAgent("asst", llm_config=server.llm_config)
        response = asst.run(message="add 2 and 3", tools=[add], user_input=True, max_turns=3)
        asked = 0
        for event in response.events:
            if isinstance(event, InputRequestEvent):
                asked += 1
                event.content.respond("" if asked == 1 else "exit")
        assert response.summary.strip() == "5"
        assert server.requests[0].body["tools"][0]["function"]["name"] == "add"
        # The tool was offered only for this run.
        assert "tools" not in asst.llm_config or not asst.llm_config.get("tools")


def test_run_error_is_raised_from_events():
    def broken(recipient, messages=None, sender=None, config=None):
        raise RuntimeError("reply exploded")

    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER")
    b.register_reply([ConversableAgent, None], broken)
    response = a.run(b, message="x", max_turns=1)
    with pytest.raises(RuntimeError, match="reply exploded"):
        list(response.events)


@pytest.mark.asyncio
async def test_a_run():
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="A")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="B")
    response = await a.a_run(b, message="start", max_turns=1)
    texts = [e.content.content async for e in response.events if isinstance(e, TextEvent)]
    assert texts == ["start", "B"]
    assert await response.summary == "B"
