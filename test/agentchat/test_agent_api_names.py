"""ag2 0.13 / pyautogen 0.2 names on the agent layer: the hookable methods, `generate_oai_reply`
keyword arguments, `sequential_run` / `a_sequential_run`, `a_run_iter`, and old import paths."""

from __future__ import annotations

import asyncio

import pytest

import autogen
from autogen import ConversableAgent
from autogen.events.agent_events import InputRequestEvent, TextEvent, ToolCallEvent
from autogen.io.run_response import Cost
from autogen.testing import FakeLLMServer, tool_call


def _quiet(name: str, **kwargs):
    kwargs.setdefault("llm_config", False)
    kwargs.setdefault("human_input_mode", "NEVER")
    return ConversableAgent(name, **kwargs)


# ---------------------------------------------------------------------------------- hookable methods


def test_process_last_received_message_changes_a_copy_of_the_last_text():
    agent = _quiet("a")
    agent.register_hook("process_last_received_message", lambda text: text.upper())
    messages = [{"role": "user", "content": "first"}, {"role": "user", "content": "hello"}]
    out = agent.process_last_received_message(messages)
    assert [m["content"] for m in out] == ["first", "HELLO"]
    assert messages[-1]["content"] == "hello"  # the caller's message is not changed
    assert out[0] is messages[0]


@pytest.mark.parametrize(
    "last",
    [
        {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}},
        {"role": "user", "content": "hi", "context": {"x": 1}},
        {"role": "user", "content": "exit"},
        {"role": "assistant", "content": None, "tool_calls": [tool_call("f", {})]},
        {"role": "user"},
    ],
)
def test_process_last_received_message_leaves_calls_context_exit_and_empty_alone(last):
    agent = _quiet("a")
    agent.register_hook("process_last_received_message", lambda text: "changed")
    messages = [last]
    assert agent.process_last_received_message(messages) is messages


def test_hookable_methods_without_hooks_return_their_input():
    agent = _quiet("a")
    messages = [{"role": "user", "content": "x"}]
    assert agent.process_last_received_message(messages) is messages
    assert agent.process_all_messages_before_reply(messages) is messages
    assert agent.process_last_received_message(None) is None
    agent.update_agent_state_before_reply(messages)  # nothing to run


def test_reply_pipeline_runs_the_hooks_in_order_and_keeps_the_stored_history():
    seen: list[str] = []
    agent = _quiet("a")
    other = _quiet("b")
    agent.register_hook("update_agent_state", lambda ag, msgs: seen.append(f"state:{msgs[-1]['content']}"))
    agent.register_hook("process_last_received_message", lambda text: seen.append("last") or text + "!")
    agent.register_hook("process_all_messages_before_reply", lambda msgs: seen.append("all") or msgs)

    def echo(recipient, messages=None, sender=None, config=None):
        return True, messages[-1]["content"]

    agent.register_reply([ConversableAgent, None], echo)
    other.send("hi", agent, request_reply=False)
    assert agent.generate_reply(sender=other) == "hi!"
    assert seen == ["state:hi", "last", "all"]
    assert agent.chat_messages[other][-1]["content"] == "hi"


def test_reply_pipeline_uses_a_subclass_override_of_a_hookable_method():
    class Shouting(ConversableAgent):
        def process_all_messages_before_reply(self, messages):
            return [{**m, "content": str(m["content"]).upper()} for m in messages]

    agent = Shouting("s", llm_config=False, human_input_mode="NEVER")
    agent.register_reply([ConversableAgent, None], lambda r, messages=None, sender=None, config=None: (True, messages[-1]["content"]))
    assert agent.generate_reply([{"role": "user", "content": "quiet"}]) == "QUIET"


@pytest.mark.asyncio
async def test_async_reply_pipeline_runs_the_same_hooks():
    agent = _quiet("a")
    agent.register_hook("process_last_received_message", lambda text: text[::-1])
    agent.register_reply([ConversableAgent, None], lambda r, messages=None, sender=None, config=None: (True, messages[-1]["content"]))
    assert await agent.a_generate_reply([{"role": "user", "content": "abc"}]) == "cba"


# ---------------------------------------------------------------------------------- generate_oai_reply


def test_generate_oai_reply_passes_extra_keyword_arguments_to_the_model_call():
    with FakeLLMServer(["one", "two"]) as server:
        agent = ConversableAgent("a", llm_config=server.llm_config)
        final, reply = agent.generate_oai_reply([{"role": "user", "content": "hi"}], temperature=0.25)
        assert (final, reply) == (True, "one")
        assert server.requests[0].body["temperature"] == 0.25
        final, reply = asyncio.run(agent.a_generate_oai_reply([{"role": "user", "content": "hi"}], top_p=0.5))
        assert reply == "two"
        assert server.requests[1].body["top_p"] == 0.5


def test_generate_oai_reply_refuses_a_keyword_it_sets_itself():
    with FakeLLMServer(["unused"]) as server:
        agent = ConversableAgent("a", llm_config=server.llm_config)
        with pytest.raises(TypeError, match="messages"):
            agent.generate_oai_reply([{"role": "user", "content": "hi"}], messages=[])


def test_generate_oai_reply_without_a_client_is_not_final():
    assert _quiet("a").generate_oai_reply([{"role": "user", "content": "hi"}], temperature=0) == (False, None)


# ---------------------------------------------------------------------------------- runs


def _queue(user, first, second):
    return [
        {"recipient": first, "message": "task one", "max_turns": 1},
        {"recipient": second, "message": "task two", "max_turns": 1, "summary_method": "last_msg"},
    ]


def test_sequential_run_gives_one_response_per_chat_with_carryover():
    user = _quiet("user")
    first = _quiet("first", default_auto_reply="result one")
    second = _quiet("second", default_auto_reply="result two")
    responses = user.sequential_run(_queue(user, first, second))
    assert len(responses) == 2
    texts = []
    for response in responses:
        texts.append([e.content.content for e in response.events if isinstance(e, TextEvent)])
    assert texts[0] == ["task one", "result one"]
    assert texts[1] == ["task two\nContext: \nresult one", "result two"]
    assert [r.summary for r in responses] == ["result one", "result two"]
    assert [r.last_speaker for r in responses] == ["first", "second"]
    assert all(isinstance(r.cost, Cost) for r in responses)
    assert [a.name for a in responses[1].agents] == ["user", "second"]
    assert [c.summary for c in user.get_chat_results()] == ["result one", "result two"]


def test_sequential_run_error_reaches_the_failing_chat_and_the_ones_after_it():
    def broken(recipient, messages=None, sender=None, config=None):
        raise RuntimeError("second chat broke")

    user = _quiet("user")
    first = _quiet("first", default_auto_reply="fine")
    second = _quiet("second")
    second.register_reply([ConversableAgent, None], broken)
    third = _quiet("third")
    queue = [*_queue(user, first, second), {"recipient": third, "message": "never sent", "max_turns": 1}]
    responses = user.sequential_run(queue)
    assert responses[0].summary is None  # filled in while consuming
    list(responses[0].events)
    assert responses[0].summary == "fine"
    for response in responses[1:]:
        with pytest.raises(RuntimeError, match="second chat broke"):
            list(response.events)


@pytest.mark.asyncio
async def test_a_sequential_run_answers_input_requests_per_chat():
    user = _quiet("user")
    first = _quiet("first", default_auto_reply="one")
    asker = ConversableAgent("asker", llm_config=False, human_input_mode="ALWAYS")
    queue = [
        {"recipient": first, "message": "go", "max_turns": 1},
        {"recipient": asker, "message": "your turn", "max_turns": 1},
    ]
    responses = await user.a_sequential_run(queue)
    seen = []
    for response in responses:
        async for event in response.events:
            if isinstance(event, InputRequestEvent):
                await event.content.respond("typed by the human")
            elif isinstance(event, TextEvent):
                seen.append(event.content.content)
    assert seen == ["go", "one", "your turn\nContext: \none", "typed by the human"]
    assert await responses[1].summary == "typed by the human"
    assert await responses[1].last_speaker == "asker"


@pytest.mark.asyncio
async def test_a_run_iter_steps_an_async_chat():
    calls = []

    async def async_reply(recipient, messages=None, sender=None, config=None):
        await asyncio.sleep(0)
        calls.append(len(messages))
        return True, f"async reply {len(calls)}"

    a = _quiet("a", default_auto_reply="from a")
    b = _quiet("b")
    b.register_reply([ConversableAgent, None], async_reply)
    response = a.a_run_iter(b, message="start", max_turns=2, yield_on=[TextEvent])
    texts = [event.content.content async for event in response]
    assert texts == ["start", "async reply 1", "from a", "async reply 2"]
    assert response.summary == "async reply 2"
    assert response.last_speaker == "b"


def test_run_iter_with_tool_calls_and_a_predicate_that_expects_text():
    """A termination predicate written for text (``"DONE" in x.get("content", "")``) must not
    see the tool-call message (content None) of a run_iter chat: the chat runs to its end."""

    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    replies = [{"tool_calls": [tool_call("add", {"a": 1, "b": 2})]}, "3. DONE"]
    with FakeLLMServer(replies) as server:
        agent = ConversableAgent(
            "calc",
            llm_config=server.llm_config,
            is_termination_msg=lambda x: "DONE" in x.get("content", ""),
            functions=[add],
        )
        kinds = []
        for event in agent.run_iter(message="add 1 and 2", max_turns=3, yield_on=[TextEvent, ToolCallEvent]):
            if isinstance(event, InputRequestEvent):
                event.content.respond("exit")
            kinds.append(type(event).__name__)
        assert "ToolCallEvent" in kinds
        assert "3. DONE" in [m.get("content") for m in agent.run_executor.chat_messages[agent]]


def test_run_iter_takes_ag2_positional_arguments():
    a = _quiet("a")
    b = _quiet("b", default_auto_reply="bye")
    # recipient, clear_history, silent, cache, max_turns
    response = a.run_iter(b, True, False, None, 1, message="hi")
    assert [e.content.content for e in response if isinstance(e, TextEvent)] == ["hi", "bye"]


# ---------------------------------------------------------------------------------- old names


def test_pyautogen_exception_names_are_the_ag2_classes():
    from autogen.exception_utils import NoEligibleSpeakerError

    assert autogen.NoEligibleSpeaker is NoEligibleSpeakerError
    assert autogen.AgentNameConflict is autogen.AgentNameConflictError
    assert autogen.SenderRequired is autogen.SenderRequiredError
    assert autogen.InvalidCarryOverType is autogen.InvalidCarryOverTypeError
    assert autogen.UndefinedNextAgent is autogen.UndefinedNextAgentError


def test_old_import_paths():
    from autogen.agentchat.eligibility_policy import AgentDescriptionGuard, SelectionContext
    from autogen.coding import CommandLineCodeResult, LocalCommandLineCodeExecutor
    from autogen.coding import LocalCommandlineCodeExecutor as OldName
    from autogen.coding.local_commandline_code_executor import CommandlineCodeResult

    assert AgentDescriptionGuard is autogen.AgentDescriptionGuard
    assert SelectionContext is autogen.SelectionContext
    assert OldName is LocalCommandLineCodeExecutor
    assert CommandlineCodeResult is CommandLineCodeResult


def test_docker_executor_language_aliases():
    from autogen.coding.docker_commandline_code_executor import DockerCommandLineCodeExecutor

    assert DockerCommandLineCodeExecutor.LANGUAGE_ALIASES == {"py": "python", "js": "javascript"}


# ---------------------------------------------------------------------------------- ag2's private helpers


def test_display_name_can_be_replaced_on_an_instance():
    import types

    agent = _quiet("writer")
    assert str(agent) == "writer"
    agent._get_display_name = types.MethodType(lambda self: f"Group agent --> {self.name}", agent)
    assert str(agent) == "Group agent --> writer"


def test_name_helpers():
    assert ConversableAgent._normalize_name("get weather.now") == "get_weather_now"
    assert ConversableAgent._assert_valid_name("ok_name-1") == "ok_name-1"
    with pytest.raises(ValueError):
        ConversableAgent._assert_valid_name("not ok")
    assert ConversableAgent._message_to_dict("hi") == {"content": "hi"}


def test_summary_helpers_match_initiate_chat():
    with FakeLLMServer(["the reply", "a reflected summary", "asked directly"]) as server:
        user = _quiet("user")
        helper = ConversableAgent("helper", llm_config=server.llm_config, human_input_mode="NEVER")
        user.initiate_chat(helper, message="question", max_turns=1, summary_method=None)
        assert user._summarize_chat("last_msg", {}, helper) == "the reply"
        assert user._summarize_chat(lambda s, r, a: {"content": {"content": "nested"}}, {}, helper) == "nested"
        assert ConversableAgent._reflection_with_llm_as_summary(user, helper, {"summary_prompt": "Sum up."}) == "a reflected summary"
        assert server.requests[1].messages[-1] == {"role": "system", "content": "Sum up."}
        answer = user._reflection_with_llm("Say it.", [{"role": "user", "content": "x"}], llm_agent=helper, role="user")
        assert answer == "asked directly"
        assert server.requests[2].messages[-1] == {"role": "user", "content": "Say it."}


def test_chat_queue_without_sender_is_sent_by_the_agent():
    user = _quiet("user")
    other = _quiet("other")
    queue = [{"recipient": other, "message": "m", "sender": None}]
    assert user._check_chat_queue_for_sender(queue)[0]["sender"] is user
