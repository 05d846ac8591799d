"""Behaviour behind the private ConversableAgent helpers that code written for ag2 calls
(`_should_terminate_chat`, `_process_carryover`, `_wrap_function`, `_create_or_get_executor`,
`_get_sync_funcs_to_skip_in_async_chat`), plus the error types and texts such code matches on."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from typing import Annotated

import pytest
from pydantic import BaseModel

from autogen import ConversableAgent
from autogen.exception_utils import InvalidCarryOverTypeError
from autogen.tools import Tool

LLM = {"config_list": [{"model": "gpt-4o-mini", "api_key": "sk-test"}]}


def quiet(name: str, **kwargs) -> ConversableAgent:
    kwargs.setdefault("llm_config", False)
    kwargs.setdefault("human_input_mode", "NEVER")
    return ConversableAgent(name, **kwargs)


# ---------------------------------------------------------------- methods patched on the class


def test_a_method_patched_on_the_class_after_a_chat_is_used(monkeypatch):
    a, b = quiet("a", default_auto_reply="A"), quiet("b", default_auto_reply="B")
    a.initiate_chat(b, message="hi", max_turns=1, silent=True)  # the stock path has now run once

    sent = []
    original_send = ConversableAgent.send

    def send(self, message, recipient, request_reply=None, silent=False):
        sent.append(message)
        return original_send(self, message, recipient, request_reply, silent)

    monkeypatch.setattr(ConversableAgent, "send", send)
    a.initiate_chat(b, message="again", max_turns=1, silent=True)
    assert "again" in sent


@pytest.mark.asyncio
async def test_a_patched_init_message_ends_a_max_turns_chat_at_once(monkeypatch):
    a = quiet("a")
    b = quiet("b", is_termination_msg=lambda m: m.get("content") == "TERMINATE")
    await a.a_initiate_chat(b, message="warm up", max_turns=1, silent=True)

    async def first_message(self, message, **kwargs):
        return {"content": "TERMINATE"}

    monkeypatch.setattr(ConversableAgent, "a_generate_init_message", first_message)
    result = await a.a_initiate_chat(b, message="ignored", max_turns=3, silent=True)
    assert [m["content"] for m in result.chat_history] == ["TERMINATE"]


# ---------------------------------------------------------------- stopping a max_turns chat


def test_should_terminate_chat_uses_the_recipients_predicate():
    a = quiet("a")
    b = quiet("b", is_termination_msg=lambda m: "bye" in m["content"])
    assert a._should_terminate_chat(b, {"content": "ok bye"}) is True
    assert a._should_terminate_chat(b, {"content": "hello"}) is False
    # a tool call has no content: it never ends the chat, and the predicate is not asked
    assert a._should_terminate_chat(b, {"content": None, "tool_calls": []}) is False


def test_max_turns_chat_stops_on_the_recipients_termination_reply():
    replies = iter(["first", "now stop", "never sent"])
    a = quiet("a", default_auto_reply="go on")
    b = quiet("b", is_termination_msg=lambda m: "stop" in (m.get("content") or ""))
    b.register_reply([ConversableAgent, None], lambda *args, **kw: (True, next(replies)))
    result = a.initiate_chat(b, message="start", max_turns=5, silent=True)
    assert [m["content"] for m in result.chat_history] == ["start", "first", "go on", "now stop"]


# ---------------------------------------------------------------- carryover


def test_process_carryover_joins_items_and_reads_message_like_items():
    a = quiet("a")
    assert a._process_carryover("Task", {"carryover": "earlier"}) == "Task\nContext: \nearlier"
    carry = ["one", {"content": "two", "role": "assistant"}]
    assert a._process_carryover("Task", {"carryover": carry}) == "Task\nContext: \none\ntwo"
    assert a._process_carryover("Task", {"carryover": None}) == "Task"
    with pytest.raises(InvalidCarryOverTypeError):
        a._process_carryover("Task", {"carryover": 42})


def test_carryover_goes_in_front_of_multimodal_content_and_leaves_the_callers_message_alone():
    a = quiet("a")
    image = {"type": "image_url", "image_url": {"url": "http://x/y.png"}}
    message = {"content": [image]}
    out = a.generate_init_message(message, carryover=["summary"])
    assert out["content"] == [{"type": "text", "text": "\nContext: \nsummary"}, image]
    assert message == {"content": [image]}
    tool_call_message = {"content": None, "tool_calls": [{"id": "1"}]}
    assert a.generate_init_message(tool_call_message, carryover="x") == tool_call_message


def test_carryover_reaches_the_first_message_of_a_chat():
    a, b = quiet("a"), quiet("b", default_auto_reply="ok")
    result = a.initiate_chat(b, message="Write it", max_turns=1, silent=True, carryover=["facts"])
    assert result.chat_history[0]["content"] == "Write it\nContext: \nfacts"


# ---------------------------------------------------------------- wrapping functions for execution


class Money(BaseModel):
    currency: str
    amount: float


def test_register_for_execution_keeps_the_users_function_as_origin():
    runner = quiet("runner")

    @runner.register_for_execution(name="convert")
    def convert(m: Annotated[Money, "money"]) -> Money:
        return Money(currency="EUR", amount=m.amount * 2)

    stored = runner.function_map["convert"]
    assert stored._origin is convert.func
    # dicts from the model become the model class; the result is serialised
    assert stored(m={"currency": "USD", "amount": 2}) == '{"currency":"EUR","amount":4.0}'


def test_wrap_function_hides_injected_params_and_stays_async():
    agent = quiet("a")

    async def lookup(key: str, store: dict) -> str:
        return store[key]

    wrapped = agent._wrap_function(lookup, {"store": {"k": "v"}}, serialize=False)
    assert wrapped._origin is lookup
    assert inspect.iscoroutinefunction(wrapped)
    assert asyncio.run(wrapped(key="k")) == "v"


def test_register_for_llm_refuses_what_is_not_callable_and_needs_an_llm_config():
    with pytest.raises(TypeError, match="'func_or_tool' must be a function or a Tool object"):
        quiet("a").register_for_llm()("not a function")
    def echo(x: str) -> str:
        return x

    with pytest.raises(AssertionError, match="must have an llm_config"):
        quiet("b").register_for_llm(description="d")(echo)


def test_functions_argument_checks_its_type_before_anything_else():
    with pytest.raises(TypeError):
        ConversableAgent("a", functions="nope")
    with pytest.raises(TypeError):
        ConversableAgent("a", functions=[len, "nope"], llm_config=LLM)

    def shout(text: str) -> str:
        """  Make text loud.  """
        return text.upper()

    agent = ConversableAgent("b", functions=[shout], llm_config=LLM)
    assert agent.llm_config["tools"][0]["function"]["description"] == "Make text loud."
    assert "shout" not in agent.function_map  # offered to the LLM only


def test_removing_a_tool_from_an_agent_without_tools_is_an_error():
    agent = ConversableAgent("a", llm_config=LLM)
    with pytest.raises(AssertionError, match="doesn't have tool"):
        agent.remove_tool_for_llm(Tool(name="t", description="d", func_or_tool=lambda: 1))


# ---------------------------------------------------------------- the run executor


def test_run_executor_offers_runtime_tools_for_the_block_only():
    agent = ConversableAgent("agent", llm_config=LLM)

    def kept(x: str) -> str:
        return x

    def temporary(x: str) -> str:
        return x

    agent.register_for_llm(description="kept")(kept)
    runtime = Tool(name="temporary", description="temporary", func_or_tool=temporary)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with agent._create_or_get_executor(tools=[runtime, *agent.tools]) as executor:
            assert [t["function"]["name"] for t in agent.llm_config["tools"]] == ["kept", "temporary"]
            assert set(executor.function_map) == {"kept", "temporary"}
        with agent._create_or_get_executor() as again:
            assert again is executor
    assert [t["function"]["name"] for t in agent.llm_config["tools"]] == ["kept"]
    assert [t.name for t in agent.tools] == ["kept"]
    assert executor._is_termination_msg({"content": "done. TERMINATE now"})


def test_set_ui_tools_replaces_the_previous_ones():
    agent = ConversableAgent("agent", llm_config=LLM)

    def show(text: str) -> str:
        return text

    for i in range(3):
        tool = Tool(name=f"ui_{i}", description="ui", func_or_tool=show)
        agent.set_ui_tools([tool])
        assert [t["function"]["name"] for t in agent.llm_config["tools"]] == [f"ui_{i}"]
        assert list(agent.function_map) == [f"ui_{i}"]
        assert agent.function_map[f"ui_{i}"](text="x") == "x"


# ---------------------------------------------------------------- sync and async reply functions


def test_sync_twins_skipped_in_async_chats_are_the_ones_the_pipeline_skips():
    agent = quiet("agent")
    calls = []

    def my_reply(recipient, messages, sender, config):
        calls.append("sync")
        return True, "sync"

    async def a_my_reply(recipient, messages, sender, config):
        calls.append("async")
        return True, "async"

    def other(recipient, messages, sender, config):
        calls.append("other")
        return False, None

    agent.register_reply([ConversableAgent, None], other)
    agent.register_reply([ConversableAgent, None], my_reply)
    agent.register_reply([ConversableAgent, None], a_my_reply, ignore_async_in_sync_chat=True)
    skipped = {f.__name__ for f in agent._get_sync_funcs_to_skip_in_async_chat()}
    assert {"my_reply", "generate_oai_reply", "check_termination_and_human_reply"} <= skipped
    assert "other" not in skipped

    assert asyncio.run(agent.a_generate_reply([{"content": "hi", "role": "user"}], None)) == "async"
    assert agent.generate_reply([{"content": "hi", "role": "user"}], None) == "sync"
    assert calls == ["async", "sync"]


def test_a_sync_chat_names_the_async_reply_functions_it_cannot_run():
    a, b = quiet("a"), quiet("b")

    async def a_reply(recipient, messages, sender, config):
        return True, "x"

    b.register_reply(a, a_reply)
    with pytest.raises(RuntimeError, match=r"a_initiate_chat\(\)\. The following async reply functions are found: a_reply"):
        a.initiate_chat(b, message="hi")


# ---------------------------------------------------------------- summaries


@pytest.mark.parametrize(
    "returned, expected",
    [({"content": {"content": "deep", "tool_calls": None}}, "deep"), ({"content": None}, ""), (None, ""), (7, "7")],
)
def test_a_callable_summary_always_becomes_text(returned, expected):
    a, b = quiet("a"), quiet("b", default_auto_reply="ok")
    result = a.initiate_chat(b, message="hi", max_turns=1, silent=True, summary_method=lambda *args: returned)
    assert result.summary == expected


# ---------------------------------------------------------------- async human input


@pytest.mark.asyncio
async def test_async_thread_stream_answers_input_from_its_output_queue():
    from autogen.io.base import IOStream
    from autogen.io.thread_io_stream import AsyncThreadIOStream

    agent = quiet("agent", human_input_mode="ALWAYS")
    stream = AsyncThreadIOStream()

    async def human():
        request = await stream.input_stream.get()
        assert request.content.prompt == "Your answer:"
        await stream.output_stream.put("forty-two")

    task = asyncio.create_task(human())
    with IOStream.set_default(stream):
        answer = await agent.a_get_human_input("Your answer:")
    await task
    assert answer == "forty-two"
    assert agent._human_input == ["forty-two"]


# ---------------------------------------------------------------- tags in message content


def test_parse_tags_reads_quoted_attributes_and_collects_other_words_as_src():
    from autogen.agentchat.utils import parse_tags_from_content

    text = "see <img http://x.org/a=b.png width='100'> and say <audio text='I'm here' voice=\"calm\">"
    found = [(t["tag"], t["attr"]) for tag in ("img", "audio") for t in parse_tags_from_content(tag, text)]
    assert found == [
        ("img", {"src": "http://x.org/a=b.png", "width": "100"}),
        ("audio", {"text": "I'm here", "voice": "calm"}),
    ]
    parts = [{"type": "image_url", "image_url": {"url": "u"}}, {"type": "text", "text": "<img pic.png>"}]
    assert [t["attr"] for t in parse_tags_from_content("img", parts)] == [{"src": "pic.png"}]
    assert parse_tags_from_content("img", "no tags") == []
    with pytest.raises(ValueError):
        parse_tags_from_content("img", 3)  # type: ignore[arg-type]
