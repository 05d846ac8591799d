"""LLM-free conversations: the worked traces of the spec (§2.22) and the pipeline rules."""

from __future__ import annotations

import pytest

from autogen import ConversableAgent


def make_pair(max_auto=2):
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", max_consecutive_auto_reply=max_auto, default_auto_reply="A")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", max_consecutive_auto_reply=max_auto, default_auto_reply="B")
    return a, b


def test_trace_without_max_turns(stream):
    a, b = make_pair()
    result = a.initiate_chat(b, message="start")
    assert a.chat_messages[b] == [
        {"content": "start", "role": "assistant", "name": "a"},
        {"content": "B", "role": "user", "name": "b"},
        {"content": "A", "role": "assistant", "name": "a"},
        {"content": "B", "role": "user", "name": "b"},
        {"content": "A", "role": "assistant", "name": "a"},
    ]
    assert [m["role"] for m in b.chat_messages[a]] == ["user", "assistant", "user", "assistant", "user"]
    assert result.summary == "A"
    assert result.cost == {
        "usage_including_cached_inference": {"total_cost": 0},
        "usage_excluding_cached_inference": {"total_cost": 0},
    }
    assert result.human_input == []
    assert result.chat_history is a.chat_messages[b]
    reasons = [e.content.termination_reason for e in stream.of_type("TerminationEvent")]
    assert reasons == ["Maximum number of consecutive auto-replies reached"]


def test_trace_with_max_turns(stream):
    a, b = make_pair()
    result = a.initiate_chat(b, message="start", max_turns=2)
    assert [m["content"] for m in result.chat_history] == ["start", "B", "A", "B"]
    reasons = [e.content.termination_reason for e in stream.of_type("TerminationEvent")]
    assert reasons == ["Maximum turns (2) reached"]


@pytest.mark.asyncio
async def test_async_trace_matches_sync(stream):
    a, b = make_pair()
    result = await a.a_initiate_chat(b, message="start")
    assert [m["content"] for m in result.chat_history] == ["start", "B", "A", "B", "A"]
    result = await a.a_initiate_chat(b, message="start", max_turns=2)
    assert [m["content"] for m in result.chat_history] == ["start", "B", "A", "B"]


def test_default_termination_is_exact_match(stream):
    a, b = make_pair(max_auto=5)
    b._default_auto_reply = "Done. TERMINATE"
    a._default_auto_reply = "TERMINATE"
    a.initiate_chat(b, message="go")
    # b's "Done. TERMINATE" does not end it; a's exact "TERMINATE" does (b is the one who checks).
    assert [m["content"] for m in a.chat_messages[b]] == ["go", "Done. TERMINATE", "TERMINATE"]
    reasons = [e.content.termination_reason for e in stream.of_type("TerminationEvent")]
    assert reasons == ["Termination message condition on agent 'b' met"]


def test_register_reply_position_zero_runs_first(stream):
    a, b = make_pair()
    calls = []

    def custom(recipient, messages=None, sender=None, config=None):
        calls.append(config)
        return True, "custom"

    b.register_reply([ConversableAgent, None], custom, config={"k": 1})
    a.initiate_chat(b, message="hi", max_turns=1)
    assert a.last_message(b)["content"] == "custom"
    assert calls == [{"k": 1}]


def test_triggers(stream):
    a, b = make_pair()
    c = ConversableAgent("c", llm_config=False, human_input_mode="NEVER")
    hits = []

    def by_name(recipient, messages=None, sender=None, config=None):
        hits.append(sender.name)
        return False, None

    b.register_reply("a", by_name)
    b.register_reply(lambda s: s.name == "c", by_name)
    b.generate_reply(messages=[{"content": "x", "role": "user"}], sender=a)
    b.generate_reply(messages=[{"content": "x", "role": "user"}], sender=c)
    assert hits == ["a", "c"]
    with pytest.raises(ValueError):
        b.register_reply(42, by_name)


def test_async_reply_func_in_sync_chat_raises(stream):
    a, b = make_pair()

    async def areply(recipient, messages=None, sender=None, config=None):
        return True, "async"

    b.register_reply([ConversableAgent, None], areply)
    with pytest.raises(RuntimeError, match="areply"):
        a.initiate_chat(b, message="hi")


@pytest.mark.asyncio
async def test_async_reply_func_in_async_chat(stream):
    a, b = make_pair()

    async def areply(recipient, messages=None, sender=None, config=None):
        return True, "async"

    b.register_reply([ConversableAgent, None], areply)
    result = await a.a_initiate_chat(b, message="hi", max_turns=1)
    assert result.chat_history[-1]["content"] == "async"


def test_sync_reply_func_works_in_async_chat(stream):
    import asyncio

    a, b = make_pair()

    def sreply(recipient, messages=None, sender=None, config=None):
        return True, "sync in async"

    b.register_reply([ConversableAgent, None], sreply)
    result = asyncio.run(a.a_initiate_chat(b, message="hi", max_turns=1))
    assert result.chat_history[-1]["content"] == "sync in async"


def test_human_input_always_mode(stream):
    stream.inputs = ["human says hi", "exit"]
    a = ConversableAgent("human", llm_config=False, human_input_mode="ALWAYS")
    b = ConversableAgent("bot", llm_config=False, human_input_mode="NEVER", default_auto_reply="ok")
    result = a.initiate_chat(b, message="start")
    assert [m["content"] for m in result.chat_history] == ["start", "ok", "human says hi", "ok"]
    assert result.human_input == ["human says hi", "exit"]
    assert "Replying as human" in stream.prompts[0]
    reasons = [e.content.termination_reason for e in stream.of_type("TerminationEvent")]
    assert reasons == ["User requested to end the conversation"]


def test_human_interrupts_tool_call(stream):
    stream.inputs = ["stop that"]
    a = ConversableAgent("human", llm_config=False, human_input_mode="ALWAYS")
    ok, reply = a.check_termination_and_human_reply(
        messages=[{"content": None, "role": "user", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}],
        sender=ConversableAgent("x", llm_config=False),
    )
    assert ok is True
    assert reply == {
        "role": "user",
        "content": "stop that",
        "tool_responses": [{"role": "tool", "tool_call_id": "c1", "content": "USER INTERRUPTED"}],
    }


def test_terminate_mode_asks_on_termination_message(stream):
    stream.inputs = ["", ""]
    a = ConversableAgent("asker", llm_config=False, human_input_mode="TERMINATE")
    b = ConversableAgent("bot", llm_config=False, human_input_mode="NEVER", default_auto_reply="TERMINATE")
    a.initiate_chat(b, message="go")
    assert len(stream.prompts) == 1 and "Press enter or type 'exit'" in stream.prompts[0]
    assert stream.of_type("TerminationAndHumanReplyNoInputEvent")


def test_max_consecutive_auto_reply_zero_never_replies(stream):
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER", default_auto_reply="A")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", max_consecutive_auto_reply=0, default_auto_reply="B")
    result = a.initiate_chat(b, message="hello")
    assert [m["content"] for m in result.chat_history] == ["hello"]


def test_send_invalid_message_raises(stream):
    a, b = make_pair()
    with pytest.raises(ValueError, match="content or function_call"):
        a.send({"role": "user"}, b)


def test_message_normalization(stream):
    a, b = make_pair()
    a.send({"content": "x", "role": "user", "extra": 1, "tool_calls": []}, b, request_reply=False)
    assert a.chat_messages[b][-1] == {"content": "x", "role": "assistant", "name": "a"}
    assert b.chat_messages[a][-1] == {"content": "x", "role": "user", "name": "a"}
    call = {"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    a.send({"content": None, "tool_calls": [call]}, b, request_reply=False)
    assert b.chat_messages[a][-1] == {"content": None, "tool_calls": [call], "role": "assistant"}
    a.send({"role": "tool", "tool_responses": [{"tool_call_id": "1", "role": "tool", "content": 3}], "content": "3"}, b, request_reply=False)
    assert b.chat_messages[a][-1]["tool_responses"][0]["content"] == "3"
    a.send({"content": "o", "override_role": "system"}, b, request_reply=False)
    assert b.chat_messages[a][-1]["role"] == "system"


def test_last_message_and_clear_history(stream):
    a, b = make_pair()
    assert a.last_message() is None
    a.initiate_chat(b, message="start", max_turns=1)
    assert a.last_message()["content"] == "B"
    c = ConversableAgent("c", llm_config=False)
    with pytest.raises(KeyError):
        a.last_message(c)
    history = a.chat_messages[b]
    a.clear_history(b)
    assert history == [] and a.chat_messages[b] is history


def test_hooks_order_and_copy_on_write(stream):
    a, b = make_pair()
    order = []
    b.register_hook("update_agent_state", lambda agent, msgs: order.append("state"))

    def last(content):
        order.append("last")
        return content + "!"

    def all_msgs(messages):
        order.append("all")
        assert messages[-1]["content"] == "hello!"
        return messages

    b.register_hook("process_last_received_message", last)
    b.register_hook("process_all_messages_before_reply", all_msgs)
    a.initiate_chat(b, message="hello", max_turns=1)
    assert order == ["state", "last", "all"]
    assert b.chat_messages[a][0]["content"] == "hello"  # stored message untouched
    with pytest.raises(AssertionError):
        b.register_hook("no_such_hook", last)
    with pytest.raises(AssertionError):
        b.register_hook("process_last_received_message", last)


def test_sequential_chats_carryover(stream):
    a = ConversableAgent("a", llm_config=False, human_input_mode="NEVER")
    b = ConversableAgent("b", llm_config=False, human_input_mode="NEVER", default_auto_reply="first summary")
    c = ConversableAgent("c", llm_config=False, human_input_mode="NEVER", default_auto_reply="second summary")
    d = ConversableAgent("d", llm_config=False, human_input_mode="NEVER", default_auto_reply="third")
    results = a.initiate_chats(
        [
            {"recipient": b, "message": "one", "max_turns": 1},
            {"recipient": c, "message": "two", "max_turns": 1, "carryover": "given"},
            {"recipient": d, "message": "three", "max_turns": 1},
        ]
    )
    assert [r.summary for r in results] == ["first summary", "second summary", "third"]
    assert c.chat_messages[a][0]["content"] == "two\nContext: \ngiven\nfirst summary"
    assert d.chat_messages[a][0]["content"] == "three\nContext: \nfirst summary\nsecond summary"
    assert a.get_chat_results(1).summary == "second summary"


def test_nested_chats(stream):
    outer_user = ConversableAgent("user", llm_config=False, human_input_mode="NEVER")
    boss = ConversableAgent("boss", llm_config=False, human_input_mode="NEVER")
    expert = ConversableAgent("expert", llm_config=False, human_input_mode="NEVER", default_auto_reply="expert answer")
    boss.register_nested_chats([{"recipient": expert, "max_turns": 1, "summary_method": "last_msg"}], trigger=outer_user)
    outer_user.initiate_chat(boss, message="question", max_turns=1)
    assert outer_user.last_message(boss)["content"] == "expert answer"
    assert expert.chat_messages[boss][0]["content"] == "question"


def test_summary_methods(stream):
    a, b = make_pair()
    b._default_auto_reply = "result TERMINATE"
    assert a.initiate_chat(b, message="x", max_turns=1).summary == "result "
    assert a.initiate_chat(b, message="x", max_turns=1, summary_method=None).summary == ""
    assert a.initiate_chat(b, message="x", max_turns=1, summary_method=lambda s, r, args: f"{s.name}->{r.name}").summary == "a->b"
    with pytest.raises(AssertionError):
        a.initiate_chat(b, message="x", summary_method="reflection_with_llm")


def test_function_call_errors_become_messages(stream):
    a, b = make_pair()
    b.register_function({"add": lambda x, y: x + y})
    ok, result = b.execute_function({"name": "nope", "arguments": "{}"})
    assert not ok and result["content"] == "Error: Function nope not found."
    ok, result = b.execute_function({"name": "add", "arguments": "{bad json"})
    assert not ok and "must be in JSON format" in result["content"]
    ok, result = b.execute_function({"name": "add", "arguments": '{"x": 1}'})
    assert not ok and result["content"].startswith("Error:")
    ok, result = b.execute_function({"name": "add", "arguments": '{"x": 1,\n "y": 2}'})
    assert ok and result["content"] == 3


def test_function_map_names_validated():
    with pytest.raises(ValueError):
        ConversableAgent("a", llm_config=False, function_map={"bad name": print})


def test_carryover_type_errors(stream):
    from autogen import InvalidCarryOverTypeError

    a, b = make_pair()
    with pytest.raises(InvalidCarryOverTypeError):
        a.initiate_chat(b, message="x", carryover=3)
    msg = a.generate_init_message({"content": [{"type": "text", "text": "see"}]}, carryover=["c1", {"content": "c2"}])
    assert msg["content"][0] == {"type": "text", "text": "\nContext: \nc1\nc2"}
