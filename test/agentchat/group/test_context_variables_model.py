"""ContextVariables is a pydantic model (as in the original) that still reads like a dict."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, ValidationError

from autogen.agentchat.group import ContextVariables
from autogen.events.agent_events import RunCompletionEvent


def test_a_model_with_one_data_field():
    ctx = ContextVariables({"city": "Oslo"}, step=2)
    assert isinstance(ctx, BaseModel)
    assert ctx.model_dump() == {"data": {"city": "Oslo", "step": 2}}
    assert ContextVariables.model_validate_json(ctx.model_dump_json()) == ctx
    # validating a plain mapping of values works too
    assert ContextVariables.model_validate({"city": "Oslo"}).to_dict() == {"city": "Oslo"}
    with pytest.raises(ValidationError):
        ContextVariables("not a mapping")  # type: ignore[arg-type]


def test_the_dict_api_is_unchanged_and_the_input_is_copied():
    values = {"a": 1}
    ctx = ContextVariables(values)
    ctx["b"] = 2
    assert values == {"a": 1}
    assert list(ctx) == [("a", 1), ("b", 2)] and len(ctx) == 2 and "b" in ctx
    assert ctx.copy() == {"a": 1, "b": 2} and ctx.copy() is not ctx


def test_a_run_completion_event_carries_it_and_reads_back():
    event = RunCompletionEvent(summary="s", history=[], cost={}, last_speaker="a", context_variables=ContextVariables(k="v"))
    dumped = event.model_dump()
    assert dumped["content"]["context_variables"] == {"data": {"k": "v"}}
    assert type(event).model_validate(dumped) == event
    assert json.loads(event.model_dump_json())["content"]["context_variables"] == {"data": {"k": "v"}}
