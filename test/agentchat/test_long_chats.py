"""Chats of any length: the Python stack a chat uses does not grow with the number of messages,
for two-agent, group, nested and sequential chats, sync and async."""

from __future__ import annotations

import asyncio
import sys

import pytest

from autogen import ConversableAgent, GroupChat, GroupChatManager


def plain(name: str, reply: str = "ok", **kwargs) -> ConversableAgent:
    kwargs.setdefault("human_input_mode", "NEVER")
    return ConversableAgent(name, llm_config=False, default_auto_reply=reply, **kwargs)


def depth() -> int:
    n, frame = 0, sys._getframe()
    while frame is not None:
        n, frame = n + 1, frame.f_back
    return n


class DepthProbe:
    """A reply function that records the stack depth at every reply and never answers itself."""

    def __init__(self) -> None:
        self.depths: list[int] = []

    def __call__(self, recipient, messages=None, sender=None, config=None):
        self.depths.append(depth())
        return False, None

    def attach(self, *agents: ConversableAgent) -> None:
        for agent in agents:
            agent.register_reply([ConversableAgent, None], self)


def test_default_limit_stops_at_201_messages_like_the_original():
    a, b = plain("a"), plain("b")
    result = a.initiate_chat(b, message="hi", silent=True)
    assert len(result.chat_history) == 201


def test_ten_thousand_messages_sync_with_a_flat_stack():
    a, b = plain("a", max_consecutive_auto_reply=5000), plain("b", max_consecutive_auto_reply=5000)
    probe = DepthProbe()
    probe.attach(a, b)
    result = a.initiate_chat(b, message="hi", silent=True)
    assert len(result.chat_history) == 10_001
    assert len(set(probe.depths)) == 1, "the stack grew as the chat went on"


def test_ten_thousand_messages_async_with_a_flat_stack():
    a, b = plain("a", max_consecutive_auto_reply=5000), plain("b", max_consecutive_auto_reply=5000)
    probe = DepthProbe()
    probe.attach(a, b)
    result = asyncio.run(a.a_initiate_chat(b, message="hi", silent=True))
    assert len(result.chat_history) == 10_001
    assert len(set(probe.depths)) == 1


@pytest.mark.parametrize("use_async", [False, True])
def test_group_chat_of_2000_rounds(use_async):
    members = [plain(f"m{i}", reply=f"from m{i}", max_consecutive_auto_reply=1000) for i in range(3)]
    probe = DepthProbe()
    probe.attach(*members)
    groupchat = GroupChat(members, messages=[], max_round=2000, speaker_selection_method="round_robin")
    manager = GroupChatManager(groupchat, llm_config=False)
    if use_async:
        asyncio.run(members[0].a_initiate_chat(manager, message="start", silent=True))
    else:
        members[0].initiate_chat(manager, message="start", silent=True)
    assert len(groupchat.messages) == 2000
    assert groupchat.messages[-1]["content"] == f"from m{1999 % 3}"
    assert len(set(probe.depths)) == 1


@pytest.mark.parametrize("use_async", [False, True])
def test_nested_chats_inside_a_long_chat(use_async):
    outer_a = plain("outer_a", max_consecutive_auto_reply=400)
    outer_b = plain("outer_b", max_consecutive_auto_reply=400)
    inner = plain("inner", reply="inner says hi", max_consecutive_auto_reply=1)
    queue = [{"recipient": inner, "message": "nested?", "max_turns": 1, "summary_method": "last_msg", "chat_id": 1}]
    # outer_b answers every message of outer_a with the summary of a nested chat
    outer_b.register_nested_chats(queue, trigger=outer_a, use_async=use_async)
    probe = DepthProbe()
    probe.attach(outer_a)
    if use_async:
        result = asyncio.run(outer_a.a_initiate_chat(outer_b, message="go", silent=True))
    else:
        result = outer_a.initiate_chat(outer_b, message="go", silent=True)
    assert len(result.chat_history) == 801
    assert result.chat_history[-2]["content"] == "inner says hi"
    assert len(set(probe.depths)) == 1


def test_sequential_chats_inside_a_long_chat():
    a, b = plain("a", max_consecutive_auto_reply=300), plain("b", max_consecutive_auto_reply=300)
    x, y = plain("x", reply="x done"), plain("y", reply="y done")

    def run_two_chats(recipient, messages=None, sender=None, config=None):
        results = recipient.initiate_chats(
            [
                {"recipient": x, "message": "first", "max_turns": 1, "silent": True},
                {"recipient": y, "message": "second", "max_turns": 1, "silent": True},
            ]
        )
        return True, " + ".join(r.summary for r in results)

    b.register_reply([ConversableAgent, None], run_two_chats, position=1)  # after the termination check
    probe = DepthProbe()
    probe.attach(a)
    result = a.initiate_chat(b, message="go", silent=True)
    assert len(result.chat_history) == 601
    assert result.chat_history[-2]["content"] == "x done + y done"
    assert len(set(probe.depths)) == 1


@pytest.mark.parametrize("use_async", [False, True])
def test_a_reply_function_that_starts_a_chat(use_async):
    a, b = plain("a", max_consecutive_auto_reply=300), plain("b", max_consecutive_auto_reply=300)
    helper, worker = plain("helper", max_consecutive_auto_reply=2), plain("worker", reply="work", max_consecutive_auto_reply=2)

    if use_async:

        async def ask_a_colleague(recipient, messages=None, sender=None, config=None):
            result = await helper.a_initiate_chat(worker, message="help", silent=True)
            return True, f"colleague said {len(result.chat_history)} things"

        b.register_reply([ConversableAgent, None], ask_a_colleague, position=1, ignore_async_in_sync_chat=True)
    else:

        def ask_a_colleague(recipient, messages=None, sender=None, config=None):
            result = helper.initiate_chat(worker, message="help", silent=True)
            return True, f"colleague said {len(result.chat_history)} things"

        b.register_reply([ConversableAgent, None], ask_a_colleague, position=1)
    probe = DepthProbe()
    probe.attach(a)
    if use_async:
        result = asyncio.run(a.a_initiate_chat(b, message="go", silent=True))
    else:
        result = a.initiate_chat(b, message="go", silent=True)
    assert len(result.chat_history) == 601
    assert result.chat_history[-2]["content"] == "colleague said 5 things"
    assert len(set(probe.depths)) == 1


def test_overridden_receive_is_still_called():
    """A subclass overriding receive is called as user code (the loop does not skip it)."""
    seen: list[str] = []

    class Recording(ConversableAgent):
        def receive(self, message, sender, request_reply=None, silent=False):
            seen.append(message if isinstance(message, str) else message.get("content"))
            super().receive(message, sender, request_reply, silent)

    a = plain("a", max_consecutive_auto_reply=3)
    b = Recording("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="pong", max_consecutive_auto_reply=3)
    result = a.initiate_chat(b, message="ping", silent=True)
    assert seen == ["ping", "ok", "ok", "ok"]
    assert len(result.chat_history) == 7
