"""The group's data classes take keyword arguments and refuse wrong types, as the original's
pydantic models do (code that works on the original works here; code that fails there fails here)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from autogen import ConversableAgent
from autogen.agentchat.group import (
    AgentTarget,
    ContextStr,
    NestedChatTarget,
    OnCondition,
    OnContextCondition,
    ReplyResult,
    StringContextCondition,
    StringLLMCondition,
)


@pytest.fixture
def b():
    return ConversableAgent("b", llm_config=False)


def test_positional_arguments_are_refused(b):
    with pytest.raises(TypeError):
        ReplyResult("done")  # type: ignore[misc]
    with pytest.raises(TypeError):
        ContextStr("Hello {name}")  # type: ignore[misc]
    with pytest.raises(TypeError):
        OnCondition(AgentTarget(b), StringLLMCondition(prompt="x"))  # type: ignore[misc]
    with pytest.raises(TypeError):
        OnContextCondition(AgentTarget(b))  # type: ignore[misc]
    with pytest.raises(TypeError):
        NestedChatTarget({"chat_queue": [{"recipient": b, "message": "hi"}]})  # type: ignore[misc]


def test_wrong_types_are_validation_errors(b):
    with pytest.raises(ValidationError):
        ReplyResult(message=42)
    with pytest.raises(ValidationError):
        ReplyResult(message="x", target="b")
    with pytest.raises(ValidationError):
        OnCondition(target=AgentTarget(b), condition="hand over when asked")
    with pytest.raises(ValidationError):
        ContextStr(template=None)


def test_agent_target_takes_an_agent(b):
    assert AgentTarget(b).agent_name == AgentTarget(agent=b).agent_name == "b"
    with pytest.raises(TypeError):
        AgentTarget()  # type: ignore[call-arg]
    with pytest.raises(AttributeError, match="AgentNameTarget"):
        AgentTarget("b")
    # a saved target reads back
    assert AgentTarget.model_validate(AgentTarget(b).model_dump()) == AgentTarget(b)


def test_keyword_forms_work(b):
    assert str(ReplyResult(message="ok", target=AgentTarget(b))) == "ok"
    assert ContextStr(template="Hi {n}").format({"n": 1}) == "Hi 1"
    cond = OnContextCondition(target=AgentTarget(b), condition=StringContextCondition(variable_name="go"))
    assert cond.condition.variable_name == "go"
