"""TransformMessages: the hook an agent runs before replying, applying transforms in order.

These tests use a stand-in agent with ``register_hook``; an end-to-end test with a real
ConversableAgent belongs with the agent tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from transform_samples import snapshot

from autogen.agentchat.contrib.capabilities import (
    AgentCapability,
    MessageHistoryLimiter,
    MessageTokenLimiter,
    TextMessageContentName,
    TransformMessages,
)


def _history() -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": "You are helpful."},
        *({"role": "user", "content": f"question {i}", "name": "alice"} for i in range(5)),
    ]


def test_add_to_agent_registers_the_hook_and_keeps_the_system_message(agent, stream) -> None:
    capability = TransformMessages(transforms=[MessageHistoryLimiter(max_messages=2)])
    assert isinstance(capability, AgentCapability)
    capability.add_to_agent(agent)
    assert len(agent.hooks["process_all_messages_before_reply"]) == 1

    messages = _history()
    before = snapshot(messages)
    sent = agent.process_all_messages_before_reply(messages)
    assert [m["content"] for m in sent] == ["You are helpful.", "question 3", "question 4"]
    assert sent[0] is messages[0]  # the system message is neither counted nor changed
    assert messages == before
    assert stream.lines == ["Removed 3 messages. Number of messages reduced from 5 to 2."]


def test_transforms_run_in_order_and_quietly_when_not_verbose(stream) -> None:
    capability = TransformMessages(
        transforms=[MessageHistoryLimiter(max_messages=1), TextMessageContentName()], verbose=False
    )
    sent = capability._transform_messages(_history())
    assert [m["content"] for m in sent] == ["You are helpful.", "alice:\nquestion 4"]
    assert stream.lines == []


def test_verbose_reports_only_transforms_that_changed_something(stream) -> None:
    capability = TransformMessages(
        transforms=[MessageHistoryLimiter(max_messages=50), MessageTokenLimiter(max_tokens_per_message=1)]
    )
    capability._transform_messages(_history())
    assert len(stream.lines) == 1 and stream.lines[0].startswith("Truncated")


def test_a_transform_that_mutates_its_input_cannot_corrupt_the_history(stream) -> None:
    class Shout:
        def apply_transform(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
            for message in messages:
                message["content"] = message["content"].upper()
            return messages

        def get_logs(self, pre: list[dict[str, Any]], post: list[dict[str, Any]]) -> tuple[str, bool]:
            return f"{pre[0]['content']} -> {post[0]['content']}", True

    messages = _history()
    before = snapshot(messages)
    sent = TransformMessages(transforms=[Shout()])._transform_messages(messages)
    assert sent[1]["content"] == "QUESTION 0"
    assert messages == before
    assert stream.lines == ["question 0 -> QUESTION 0"]


def test_empty_and_system_only_histories(stream) -> None:
    capability = TransformMessages(transforms=[MessageHistoryLimiter(max_messages=1)])
    assert capability._transform_messages([]) == []
    only_system = [{"role": "system", "content": "a"}, {"role": "system", "content": "b"}]
    assert capability._transform_messages(only_system) == only_system


def test_objects_without_apply_transform_are_rejected() -> None:
    with pytest.raises(TypeError, match="apply_transform"):
        TransformMessages(transforms=[object()])


def test_agent_capability_base_requires_add_to_agent(agent) -> None:
    with pytest.raises(NotImplementedError, match="add_to_agent"):
        AgentCapability().add_to_agent(agent)
