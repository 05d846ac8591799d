"""register_swarm: the caller of a RealtimeAgent is the user of a swarm whose agents use a (fake) chat LLM."""

from typing import Any

import anyio
import pytest

from autogen import ConversableAgent
from autogen.agentchat.realtime.experimental import RealtimeAgent, register_swarm
from autogen.agentchat.realtime.experimental.realtime_swarm import QUESTION_MESSAGE, SWARM_SYSTEM_MESSAGE
from autogen.testing import FakeLLMServer
from autogen.testing.realtime import FakeRealtimeServer, RealtimeReply

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_the_swarm_asks_the_caller_through_the_realtime_session_and_gets_the_spoken_answer() -> None:
    voice_script = [RealtimeReply.call("answer_task_question", {"answer": "I want a pizza."}), RealtimeReply(text="ok")]
    llm_script = ["What would you like to order?", "One pizza, coming up."]
    with FakeLLMServer(llm_script) as llm, FakeRealtimeServer(voice_script) as voice:
        waiter = ConversableAgent(name="waiter", system_message="You take orders.", llm_config=llm.llm_config)

        def place_order(item: str) -> str:
            """Place an order."""
            return f"ordered {item}"

        waiter.register_for_llm(description="Place an order")(place_order)
        agent = RealtimeAgent(name="caller", llm_config=voice.llm_config)
        register_swarm(realtime_agent=agent, initial_agent=waiter, agents=[waiter])

        async with anyio.create_task_group() as tg:
            tg.start_soon(agent.run)
            with anyio.fail_after(30):
                while len(llm.requests) < 2:
                    await anyio.sleep(0.02)
            tg.cancel_scope.cancel()

    instructions = [e["session"] for e in voice.events("session.update") if "instructions" in e["session"]]
    assert instructions == [{"instructions": SWARM_SYSTEM_MESSAGE}]
    tools = next(e["session"]["tools"] for e in voice.events("session.update") if "tools" in e["session"])
    assert [t["name"] for t in tools] == ["answer_task_question", "place_order"]

    asked = [e["item"] for e in voice.events("conversation.item.create") if e["item"]["type"] == "message"]
    question = QUESTION_MESSAGE.format("What would you like to order?")
    assert asked[0] == {"type": "message", "role": "user", "content": [{"type": "input_text", "text": question}]}
    outputs = [
        e["item"]["output"]
        for e in voice.events("conversation.item.create")
        if e["item"]["type"] == "function_call_output"
    ]
    assert outputs == ["Answer set successfully."]

    # the swarm started from the fixed opening, then the caller's spoken answer reached the waiter's model
    first: list[dict[str, Any]] = llm.requests[0].messages
    assert any(m.get("content") == "Find out what the user wants." for m in first)
    assert llm.requests[1].messages[-1]["content"] == "I want a pizza."


def test_parse_oai_message_gives_the_stored_chat_form() -> None:
    from autogen.agentchat.realtime.experimental.realtime_swarm import parse_oai_message

    bob = ConversableAgent(name="bob", llm_config=False)
    assert parse_oai_message("hi", "user", bob) == {"content": "hi", "role": "user", "name": "bob"}
    call = {"tool_calls": [{"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}
    assert parse_oai_message(call, "user", bob)["role"] == "assistant"
    assert parse_oai_message(call, "user", bob)["content"] is None
    tool = {"role": "tool", "content": "3", "tool_responses": [{"tool_call_id": "1", "content": 3}]}
    assert parse_oai_message(tool, "user", bob)["tool_responses"] == [{"tool_call_id": "1", "content": "3"}]
    with pytest.raises(ValueError, match="must have either"):
        parse_oai_message({"role": "user"}, "user", bob)
