"""The `.cost` shortcut of autogen/oai/_response_cost.py gives the same response as setting the attribute."""

from __future__ import annotations

from autogen.oai._response_cost import store_cost


def _completion():
    from openai.types.chat import ChatCompletion

    return ChatCompletion.model_validate(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        }
    )


def test_stored_cost_equals_a_set_attribute():
    by_attribute, by_shortcut, second = _completion(), _completion(), _completion()
    by_attribute.cost = 0.25
    store_cost(by_shortcut, 0.25)
    store_cost(second, 0.5)  # the type is known now: the direct path
    assert by_shortcut.cost == by_attribute.cost == 0.25 and second.cost == 0.5
    assert by_shortcut.model_dump() == by_attribute.model_dump()
    assert by_shortcut.model_dump_json() == by_attribute.model_dump_json()
    assert "cost" not in type(by_shortcut).model_fields


def test_objects_without_pydantic_extras_get_an_attribute():
    class Plain:
        pass

    class Frozen:
        __slots__ = ()

    plain = Plain()
    store_cost(plain, 1.5)
    assert plain.cost == 1.5
    store_cost(Frozen(), 1.0)  # cannot hold it: logged, not raised
