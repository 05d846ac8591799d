"""SocietyOfMindAgent: an agent whose reply is an inner group chat."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from autogen import ConversableAgent, GroupChat, GroupChatManager
from autogen.testing import FakeModelClient

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from autogen.agentchat.contrib.society_of_mind_agent import SocietyOfMindAgent


def speaker(name: str, says: str) -> ConversableAgent:
    return ConversableAgent(name, llm_config=False, human_input_mode="NEVER", default_auto_reply=says)


def team() -> tuple[GroupChat, GroupChatManager]:
    chat = GroupChat(
        agents=[speaker("planner", "plan: two steps"), speaker("writer", "the answer is 42 TERMINATE")],
        messages=[],
        speaker_selection_method="round_robin",
        max_round=6,
    )
    manager = GroupChatManager(chat, llm_config=False, is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""))
    return chat, manager


def make_mind(**kwargs) -> tuple[SocietyOfMindAgent, GroupChat]:
    chat, manager = team()
    with pytest.warns(DeprecationWarning):
        mind = SocietyOfMindAgent("mind", chat_manager=manager, human_input_mode="NEVER", **kwargs)
    return mind, chat


def test_the_reply_is_the_inner_chats_last_word_without_the_marker():
    mind, chat = make_mind()
    asker = speaker("asker", "thanks")
    asker.send("what is the answer?", mind, request_reply=True, silent=True)
    assert asker.chat_messages[mind][-1]["content"] == "the answer is 42"
    assert [m["name"] for m in chat.messages] == ["mind", "planner", "writer"]


def test_a_second_question_restarts_the_inner_chat_with_the_outer_history():
    mind, chat = make_mind()
    asker = speaker("asker", "thanks")
    asker.send("first?", mind, request_reply=True, silent=True)
    asker.send("second?", mind, request_reply=True, silent=True)
    assert chat.messages[0]["content"] == "second?"
    planner = chat.agents[0]
    seen = [m["content"] for m in planner.chat_messages[mind.chat_manager]]
    assert seen[:3] == ["first?", "the answer is 42", "second?"]


def test_a_custom_preparer_sees_the_inner_transcript():
    mind, _ = make_mind(response_preparer=lambda agent, messages: f"{agent.name} heard {len(messages)} messages")
    asker = speaker("asker", "thanks")
    asker.send("go", mind, request_reply=True, silent=True)
    assert asker.chat_messages[mind][-1]["content"] == "mind heard 3 messages"


def test_with_an_llm_the_answer_is_written_from_the_transcript():
    config = {"config_list": [{"model": "fake", "model_client_cls": "FakeModelClient"}]}
    mind, _ = make_mind(llm_config=config)
    mind.register_model_client(FakeModelClient, replies=["Forty-two."])
    asker = speaker("asker", "thanks")
    asker.send("go", mind, request_reply=True, silent=True)
    assert asker.chat_messages[mind][-1]["content"] == "Forty-two."
    request = mind.client._clients[0].calls[0]["messages"]
    assert request[-1]["role"] == "system" and "standalone" in request[-1]["content"]
    assert any(m.get("content") == "plan: two steps" and m["role"] == "user" for m in request)


def test_async_chats_run_the_inner_chat_too():
    mind, chat = make_mind()
    asker = speaker("asker", "thanks")

    async def ask() -> None:
        await asker.a_send("async?", mind, request_reply=True, silent=True)

    asyncio.run(ask())
    assert asker.chat_messages[mind][-1]["content"] == "the answer is 42"
    assert len(chat.messages) == 3
