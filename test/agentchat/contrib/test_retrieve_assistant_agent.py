"""RetrieveAssistantAgent (deprecated): ends after a successful run, echoes UPDATE CONTEXT requests."""

from __future__ import annotations

import pytest

from autogen import ConversableAgent
from autogen.agentchat.contrib.retrieve_assistant_agent import RetrieveAssistantAgent


@pytest.fixture
def assistant():
    with pytest.warns(DeprecationWarning, match="AssistantAgent"):
        return RetrieveAssistantAgent("assistant", llm_config=False)


def _reply(agent, content):
    sender = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
    return agent.generate_reply(messages=[{"role": "user", "content": content}], sender=sender)


def test_successful_code_run_ends_the_chat(assistant):
    assert _reply(assistant, "exitcode: 0 (execution succeeded)\nCode output: 42") == "TERMINATE"


def test_update_context_at_either_end_is_echoed(assistant):
    assert _reply(assistant, "UPDATE CONTEXT please, the answer is not here") == "UPDATE CONTEXT"
    assert _reply(assistant, "I cannot find it in the text... update context") == "UPDATE CONTEXT"


def test_other_messages_fall_through_to_the_normal_pipeline(assistant):
    # no LLM configured: the default auto reply (empty) comes back instead of a special one
    assert _reply(assistant, "exitcode: 1 (execution failed)\nTraceback ...") not in ("TERMINATE", "UPDATE CONTEXT")
