"""ContextVariables, ContextStr, ContextExpression, conditions and the Handoffs container."""

from __future__ import annotations

import json

import pytest

from autogen import ContextExpression as TopLevelContextExpression
from autogen.agentchat.group import (
    AgentNameTarget,
    ContextExpression,
    ContextStr,
    ContextVariables,
    ExpressionContextCondition,
    Handoffs,
    NestedChatTarget,
    OnCondition,
    OnContextCondition,
    ReplyResult,
    StringContextCondition,
    StringLLMCondition,
    TerminateTarget,
)
from autogen.agentchat.group.handoffs import handoff_tool_name
from autogen.agentchat.group.targets.group_manager_target import GroupManagerTarget


def test_context_variables_behave_like_a_dict():
    cv = ContextVariables({"a": 1})
    cv["b"] = 2
    cv.set("c", 3)
    cv.update({"d": 4})
    assert list(cv) == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]  # iteration yields pairs
    assert cv.get("missing", "dflt") == "dflt" and "a" in cv and cv.contains("b") and len(cv) == 4
    assert cv.remove("a") is True and cv.remove("a") is False
    del cv["b"]
    with pytest.raises(KeyError):
        cv["b"]
    with pytest.raises(KeyError):
        del cv["zzz"]
    assert cv.to_dict() == {"c": 3, "d": 4}
    assert ContextVariables.from_dict(cv.to_dict()) == cv
    assert ContextVariables.from_json(cv.to_json()).to_dict() == {"c": 3, "d": 4}
    assert "'c': 3" in repr(cv)
    cv.clear()
    assert len(cv) == 0


def test_context_str_formats_from_context():
    s = ContextStr(template="Hello {name}")
    assert s.format(ContextVariables({"name": "Ann"})) == "Hello Ann"
    assert s.format(ContextVariables()) == "Hello {name}"  # empty context: unformatted
    with pytest.raises(KeyError, match="'name'"):
        s.format(ContextVariables({"other": 1}))


@pytest.mark.parametrize(
    "expression,data,expected",
    [
        ("${a} and ${b}", {"a": True, "b": False}, False),
        ("${a} or ${b}", {"a": True, "b": False}, True),
        ("not ${a}", {"a": False}, True),
        ("!${a}", {"a": False}, True),
        ("!(${a} & ${b})", {"a": True, "b": False}, True),
        ("${a} | ${b}", {"a": False, "b": True}, True),
        ("${n} >= 3 and ${n} != 5", {"n": 4}, True),
        ("len(${items}) > 1", {"items": [1, 2]}, True),
        ("len(${items}) == 0", {"items": 7}, True),  # non-sized values count as 0
        ("${items}", {"items": []}, False),  # collections by truthiness
        ("${status} == 'open'", {"status": "open"}, True),
        ('${status} == "a & b"', {"status": "a & b"}, True),  # operators inside strings are text
        ("-${n} < 0", {"n": 2}, True),
        ("${x} == None", {"x": None}, True),
        ("${flag} == True", {"flag": True}, True),
    ],
)
def test_context_expression_language(expression, data, expected):
    assert ContextExpression(expression).evaluate(ContextVariables(data)) is expected


def test_context_expression_errors_name_the_expression():
    with pytest.raises(SyntaxError, match=r"\$\{a\} and"):
        ContextExpression("${a} and")
    with pytest.raises(SyntaxError, match="space on both sides"):
        ContextExpression("${a}&${b}")
    with pytest.raises(ValueError, match="not allowed"):
        ContextExpression("${a}.__class__")
    with pytest.raises(ValueError, match="len"):
        ContextExpression("print(${a})")
    with pytest.raises(ValueError, match="not allowed"):
        ContextExpression("${a} + 1 > 2")
    with pytest.raises(ValueError, match="Comparison"):
        ContextExpression("${a} in ${b}")
    with pytest.raises(ValueError, match="Name"):
        ContextExpression("open")
    with pytest.raises(KeyError, match="missing"):
        ContextExpression("${missing}").evaluate(ContextVariables({"x": 1}))
    assert TopLevelContextExpression is ContextExpression


def test_conditions():
    assert StringContextCondition(variable_name="v").evaluate(ContextVariables({"v": 1})) is True
    assert StringContextCondition(variable_name="v").evaluate(ContextVariables()) is False
    assert ExpressionContextCondition(ContextExpression("${v} > 1")).evaluate(ContextVariables({"v": 2})) is True


def test_reply_result():
    r = ReplyResult(message="m", target=TerminateTarget(), context_variables=ContextVariables({"k": 1}))
    assert str(r) == "m" and r.context_variables["k"] == 1
    assert json.loads(r.model_dump_json())["message"] == "m"


def test_handoffs_container():
    h = Handoffs()
    llm1 = OnCondition(target=AgentNameTarget("tech"), condition=StringLLMCondition("tech question"))
    llm2 = OnCondition(target=TerminateTarget(), condition=StringLLMCondition("done"))
    ctx = OnContextCondition(target=AgentNameTarget("x"), condition=StringContextCondition(variable_name="v"))
    assert h.add_many([llm1, ctx]).add(llm2) is h
    assert h.llm_conditions == [llm1, llm2] and h.context_conditions == [ctx]
    h.set_llm_function_names()
    assert [c.llm_function_name for c in h.llm_conditions] == ["transfer_to_tech_1", "transfer_to_terminate_2"]
    assert h.get_llm_conditions_by_target_type(TerminateTarget) == [llm2]
    h.set_after_work(TerminateTarget())
    assert len(h.after_works) == 1 and h.after_works[0].condition is None
    with pytest.raises(TypeError):
        h.add("not a condition")
    with pytest.raises(TypeError):
        h.add_llm_condition(ctx)
    h.clear()
    assert not (h.llm_conditions or h.context_conditions or h.after_works)


def test_handoffs_refuse_wrong_types_in_ag2_words_and_add_nothing_then():
    h = Handoffs()
    llm = OnCondition(target=AgentNameTarget("tech"), condition=StringLLMCondition("tech question"))
    ctx = OnContextCondition(target=AgentNameTarget("x"), condition=StringContextCondition(variable_name="v"))
    with pytest.raises(TypeError, match="^Expected an OnContextCondition instance, got str$"):
        h.add_context_condition("no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Expected an OnCondition instance, got OnContextCondition$"):
        h.add_llm_condition(ctx)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Expected a TransitionTarget instance, got str$"):
        h.set_after_work("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Unsupported condition type: int$"):
        h.add(1)  # type: ignore[arg-type]
    # a list with one wrong item adds none of the others
    with pytest.raises(TypeError, match="^All conditions must be of type OnCondition$"):
        h.add_llm_conditions([llm, ctx])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="^All conditions must be of type OnContextCondition$"):
        h.add_context_conditions([ctx, llm])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="^All conditions must be of type OnContextCondition$"):
        h.add_after_works([ctx, "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="^Unsupported condition type: str$"):
        h.add_many([llm, ctx, "x"])  # type: ignore[list-item]
    assert h.llm_conditions == [] and h.context_conditions == [] and h.after_works == []


def test_a_nested_chat_target_is_checked_when_a_chat_is_built():
    # built as in ag2 (any config dict); a run that would need its chats says what is missing
    from autogen import ConversableAgent
    from autogen.agentchat import initiate_group_chat
    from autogen.agentchat.group.patterns import DefaultPattern

    target = NestedChatTarget(nested_chat_config={"chat_queue": []})
    on_condition = OnCondition(target=target, condition=StringLLMCondition("nested"))
    assert on_condition.has_target_type(NestedChatTarget) and on_condition.target_requires_wrapping()
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER")
    a.handoffs.add_context_condition(OnContextCondition(target=target, condition=None))
    with pytest.raises(ValueError, match=r"NestedChatTarget needs nested_chat_config=\{'chat_queue'"):
        initiate_group_chat(DefaultPattern(initial_agent=a, agents=[a]), "go")


def test_handoff_tool_names_are_valid_whatever_the_agent_names():
    h = Handoffs()
    h.add_llm_condition(OnCondition(target=GroupManagerTarget(), condition=StringLLMCondition("manager")))
    h.add_llm_condition(OnCondition(target=AgentNameTarget("Tech Support <EU>"), condition=StringLLMCondition("eu")))
    h.add_llm_condition(OnCondition(target=AgentNameTarget("x" * 100), condition=StringLLMCondition("long")))
    h.set_llm_function_names()
    names = [c.llm_function_name for c in h.llm_conditions]
    assert names[0] == "transfer_to_group_manager_1"
    assert names[1] == "transfer_to_Tech_Support_EU_2"
    assert len(names[2]) == 64 and names[2].endswith("_3")
    assert all(handoff_tool_name(n) == n for n in names)
