"""GroupChat with an LLM behind it (the fake OpenAI server over real HTTP): auto speaker selection,
the selector's bad answers, tool calls routed to their executor, resume with tool calls, async."""

from __future__ import annotations

from typing import Annotated

import pytest

from autogen import ConversableAgent, GroupChat, GroupChatManager
from autogen.testing import FakeLLMServer, FakeModelClient, tool_call


def agent(name: str, reply: str | None = None, **kwargs) -> ConversableAgent:
    kwargs.setdefault("human_input_mode", "NEVER")
    kwargs.setdefault("llm_config", False)
    return ConversableAgent(name, default_auto_reply=reply or f"from {name}", **kwargs)


def is_selection(request) -> bool:
    """Selection requests end with a message of the checking agent (prompt or retry)."""
    messages = request.messages
    return bool(messages) and messages[-1].get("name") == "checking_agent"


def names(groupchat: GroupChat) -> list[str]:
    return [m["name"] for m in groupchat.messages]


def reasons(stream) -> list[str]:
    return [e.content.termination_reason for e in stream.of_type("TerminationEvent")]


def team():
    return agent("alice", description="plans"), agent("bob", description="builds"), agent("carol", description="checks")


# ---------------------------------------------------------------------------------- auto selection


def test_auto_selection_makes_one_llm_call_per_round(stream):
    alice, bob, carol = team()
    with FakeLLMServer(["bob", "carol", "alice"]) as server:
        gc = GroupChat([alice, bob, carol], max_round=4)
        manager = GroupChatManager(gc, llm_config=server.llm_config)
        alice.initiate_chat(manager, message="hi")
        assert names(gc) == ["alice", "bob", "carol", "alice"]
        assert len(server.requests) == 3  # one per selection, none for retries
        first = server.requests[0].messages
        assert first[0] == {"role": "system", "content": gc.select_speaker_msg([alice, bob, carol])}
        assert "alice: plans\nbob: builds\ncarol: checks" in first[0]["content"]
        assert first[1] == {"content": "hi", "role": "user", "name": "alice"}
        assert first[2] == {
            "content": gc.select_speaker_prompt([alice, bob, carol]),
            "name": "checking_agent",
            "role": "system",
        }
        # The whole transcript is shown to the selector each round.
        assert [m.get("name") for m in server.requests[2].messages[1:-1]] == ["alice", "bob", "carol"]
    assert reasons(stream) == ["Maximum rounds (4) reached"]
    assert stream.of_type("SpeakerAttemptFailedNoAgentsEvent") == []


def test_single_candidate_makes_no_llm_call(stream):
    alice, bob, _ = team()
    with FakeLLMServer([]) as server:
        gc = GroupChat([alice, bob], max_round=5, allow_repeat_speaker=False)
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert names(gc) == ["alice", "bob", "alice", "bob", "alice"]
        assert server.requests == []


def test_no_name_then_valid_name_retries_once(stream):
    alice, bob, carol = team()
    with FakeLLMServer(["I would ask the builder.", "bob"]) as server:
        gc = GroupChat([alice, bob, carol], max_round=2)
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert names(gc) == ["alice", "bob"]
        retry = server.requests[1].messages
        assert retry[-2] == {
            "content": "I would ask the builder.",
            "role": "assistant",
            "name": "speaker_selection_agent",
        }
        assert retry[-1]["role"] == "system" and retry[-1]["name"] == "checking_agent"
        assert "['alice', 'bob', 'carol']" in retry[-1]["content"] and "did not name" in retry[-1]["content"]
    failed = stream.of_type("SpeakerAttemptFailedNoAgentsEvent")
    assert [(e.content.attempt, e.content.attempts_left) for e in failed] == [(1, 2)]


def test_several_names_then_one(stream):
    alice, bob, carol = team()
    with FakeLLMServer(["bob or carol could go", "carol"]) as server:
        gc = GroupChat([alice, bob, carol], max_round=2)
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert names(gc) == ["alice", "carol"]
        assert "more than one" in server.requests[1].messages[-1]["content"]
    event = stream.of_type("SpeakerAttemptFailedMultipleAgentsEvent")[0].content
    assert event.mentions == {"bob": 1, "carol": 1}


def test_wrong_case_and_partial_names_do_not_match_and_fall_back(stream):
    alice, bob, carol = team()
    # "BOB" (case), "bobby" (not a whole word), "Carol" (case): three failures, then round robin.
    with FakeLLMServer(["BOB", "bobby", "Carol"]) as server:
        gc = GroupChat([alice, bob, carol], max_round=2)
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert len(server.requests) == 3
    assert names(gc) == ["alice", "bob"]  # next_agent after alice
    failed = stream.of_type("SpeakerAttemptFailedNoAgentsEvent")
    assert [e.content.attempts_left for e in failed] == [2, 1, 0]
    assert reasons(stream) == ["Maximum rounds (2) reached"]


def test_underscore_names_match_spaces_and_escapes(stream):
    alice = agent("alice")
    analyst = agent("data_analyst")
    writer = agent("report_writer")
    with FakeLLMServer(["Next: data analyst.", "report\\_writer", "The data_analyst"]) as server:
        gc = GroupChat([alice, analyst, writer], max_round=4)
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert len(server.requests) == 3
    assert names(gc) == ["alice", "data_analyst", "report_writer", "data_analyst"]


def test_name_outside_the_transition_graph_is_not_accepted(stream):
    alice, bob, carol = team()
    dave = agent("dave")
    graph = {alice: [bob, carol], bob: [alice, dave], carol: [alice], dave: [alice]}
    with FakeLLMServer(["dave", "dave", "still dave"]) as server:
        gc = GroupChat(
            [alice, bob, carol, dave],
            max_round=2,
            max_retries_for_selecting_speaker=2,
            allowed_or_disallowed_speaker_transitions=graph,
            speaker_transitions_type="allowed",
        )
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert len(server.requests) == 3
        # The selector is only offered the agents the graph allows after alice.
        assert "['bob', 'carol']" in server.requests[0].messages[0]["content"]
        assert "dave:" not in server.requests[0].messages[0]["content"]
    assert names(gc) == ["alice", "bob"]


def test_zero_retries_and_verbose_output(stream):
    alice, bob, carol = team()
    with FakeLLMServer(["nobody", "carol"]) as server:
        gc = GroupChat(
            [alice, bob, carol], max_round=3, max_retries_for_selecting_speaker=0, select_speaker_auto_verbose=True
        )
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert len(server.requests) == 2
    assert names(gc) == ["alice", "bob", "carol"]
    assert len(stream.of_type("SpeakerAttemptSuccessfulEvent")) == 1
    inner = [
        e.content
        for e in stream.of_type("TextEvent")
        if "speaker_selection_agent" in (e.content.sender, e.content.recipient)
    ]
    assert [m.sender for m in inner] == [
        "checking_agent",
        "speaker_selection_agent",
        "checking_agent",
        "speaker_selection_agent",
    ]


def test_selector_llm_config_prompt_and_role_options(stream):
    alice, bob, carol = team()
    with FakeLLMServer(["carol"]) as server:
        gc = GroupChat(
            [alice, bob, carol],
            max_round=2,
            select_speaker_auto_llm_config=server.llm_config,
            select_speaker_prompt_template=None,
            role_for_select_speaker_messages="user",
        )
        alice.initiate_chat(GroupChatManager(gc, llm_config=False), message="hi")
        sent = server.requests[0].messages
        # Without a prompt the last group message is repeated as the final message.
        assert sent[1:] == [{"content": "hi", "role": "user", "name": "alice"}] * 2
    assert names(gc) == ["alice", "carol"]

    with FakeLLMServer(["I pick someone", "bob"]) as server:
        gc = GroupChat([alice, bob, carol], max_round=2, role_for_select_speaker_messages="user")
        alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert [m["role"] for m in server.requests[1].messages[-3:]] == ["user", "assistant", "user"]


def test_auto_without_any_llm_is_a_clear_error(stream):
    alice, bob, carol = team()
    gc = GroupChat([alice, bob, carol], max_round=3)
    with pytest.raises(ValueError, match="does not have an LLM configuration"):
        alice.initiate_chat(GroupChatManager(gc, llm_config=False), message="hi")


def test_callable_asking_for_manual_falls_through_to_the_llm(stream):
    from autogen.io.base import IOStream

    alice, bob, carol = team()
    with FakeLLMServer(["carol"]) as server:
        gc = GroupChat([alice, bob, carol], max_round=2, speaker_selection_method=lambda last, g: "manual")
        with IOStream.set_default(stream):
            alice.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="hi")
        assert len(server.requests) == 1
    assert names(gc) == ["alice", "carol"]
    assert stream.prompts and "number of the next speaker" in stream.prompts[0]


def test_selector_transforms_and_custom_model_client(stream):
    from autogen.agentchat.contrib.capabilities.transform_messages import TransformMessages
    from autogen.agentchat.contrib.capabilities.transforms import MessageHistoryLimiter

    class PickCarol(FakeModelClient):
        def __init__(self, config, **kwargs):
            super().__init__(config, default_reply="carol")

    alice, bob, carol = team()
    limiter = TransformMessages(transforms=[MessageHistoryLimiter(max_messages=2)], verbose=False)
    gc = GroupChat(
        [alice, bob, carol],
        max_round=5,
        select_speaker_transform_messages=limiter,
        select_speaker_auto_llm_config={"config_list": [{"model": "fake", "model_client_cls": "PickCarol"}]},
        select_speaker_auto_model_client_cls=PickCarol,
        allow_repeat_speaker=[alice, bob],
    )
    alice.initiate_chat(GroupChatManager(gc, llm_config=False), message="hi")
    # carol may not repeat: after carol the choice is among alice and bob, and "carol" is refused,
    # so round robin picks alice.
    assert names(gc) == ["alice", "carol", "alice", "carol", "alice"]
    speaker_agent = gc._selection_agents_cache[1]
    client = speaker_agent.client._clients[0]
    assert isinstance(client, PickCarol)
    # The limiter kept 2 messages; the system message is added after it.
    assert all(len(call["messages"]) <= 3 for call in client.calls)


# ---------------------------------------------------------------------------------- tool calls


def add(a: Annotated[int, "first"], b: Annotated[int, "second"]) -> int:
    return a + b


def tool_team(server: FakeLLMServer):
    runner = agent("runner")
    coder = agent("coder", llm_config=server.llm_config, description="writes and calls tools")
    critic = agent("critic")
    coder.register_for_llm(description="add two ints")(add)
    runner.register_for_execution()(add)
    return runner, coder, critic


def tool_replies(selections: list[str], coder_replies: list):
    selections, coder_replies = list(selections), list(coder_replies)

    def answer(request):
        return selections.pop(0) if is_selection(request) else coder_replies.pop(0)

    return answer


def test_tool_call_goes_to_the_executor_without_an_llm_choice(stream):
    replies = tool_replies(
        ["coder", "coder"], [{"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1")]}, "It is 3."]
    )
    with FakeLLMServer(replies) as server:
        runner, coder, critic = tool_team(server)
        gc = GroupChat([runner, coder, critic], max_round=4)
        manager = GroupChatManager(gc, llm_config=server.llm_config)
        runner.initiate_chat(manager, message="add 1 and 2")
        assert names(gc) == ["runner", "coder", "runner", "coder"]
        assert gc.messages[1]["tool_calls"][0]["id"] == "call_1" and gc.messages[1]["content"] == "None"
        assert gc.messages[2]["role"] == "tool" and gc.messages[2]["content"] == "3"
        assert gc.messages[2]["tool_responses"] == [{"tool_call_id": "call_1", "role": "tool", "content": "3"}]
        assert gc.messages[3]["content"] == "It is 3."
        # Two selections by the LLM; the executor after the tool call was chosen without one.
        selection_requests = [r for r in server.requests if is_selection(r)]
        coder_requests = [r for r in server.requests if not is_selection(r)]
        assert len(selection_requests) == 2 and len(coder_requests) == 2
        second = coder_requests[1].messages
        assert second[-2]["tool_calls"][0]["id"] == "call_1"
        assert second[-1] == {"tool_call_id": "call_1", "role": "tool", "content": "3"}
        # The selector saw the tool exchange as a valid sequence (the call followed by its result).
        after_tool = selection_requests[1].messages
        call_index = next(i for i, m in enumerate(after_tool) if m.get("tool_calls"))
        assert after_tool[call_index + 1] == {"tool_call_id": "call_1", "role": "tool", "content": "3"}


def test_tool_call_with_no_executor_is_a_clear_error(stream):
    with FakeLLMServer(["coder", {"tool_calls": [tool_call("add", {"a": 1, "b": 2})]}]) as server:
        writer = agent("writer")
        coder = agent("coder", llm_config=server.llm_config)
        coder.register_for_llm(description="add two ints")(add)
        gc = GroupChat([writer, coder, agent("critic")], max_round=4)
        with pytest.raises(ValueError, match="register the function for execution"):
            writer.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="add")


# ---------------------------------------------------------------------------------- resume


def test_resume_from_transcript_ending_with_a_tool_call(stream):
    script = tool_replies(["coder"], [{"tool_calls": [tool_call("add", {"a": 2, "b": 5}, id="call_9")]}])
    with FakeLLMServer(script) as server:
        runner, coder, critic = tool_team(server)
        gc = GroupChat([runner, coder, critic], max_round=2)
        runner.initiate_chat(GroupChatManager(gc, llm_config=server.llm_config), message="add 2 and 5")
        saved = GroupChatManager(gc).messages_to_string(gc.messages)

    with FakeLLMServer(tool_replies(["critic"], ["The sum is 7."])) as server:
        runner2, coder2, critic2 = tool_team(server)
        gc2 = GroupChat([runner2, coder2, critic2], max_round=3)
        manager2 = GroupChatManager(gc2, llm_config=server.llm_config)
        last_agent, last_message = manager2.resume(saved)
        assert last_agent is coder2 and last_message["tool_calls"][0]["id"] == "call_9"
        last_agent.initiate_chat(manager2, message=last_message, clear_history=False)
        assert names(gc2) == ["runner", "coder", "runner", "critic"]
        assert gc2.messages[2]["content"] == "7"


def test_resume_from_chat_history_with_unnamed_tool_messages(stream):
    """The caller's own history has no name on its tool call; it belongs to the agent offered the tool."""
    script = tool_replies(
        ["coder", "coder"], [{"tool_calls": [tool_call("add", {"a": 1, "b": 1}, id="call_a")]}, "two"]
    )
    with FakeLLMServer(script) as server:
        runner, coder, critic = tool_team(server)
        gc = GroupChat([runner, coder, critic], max_round=4)
        manager = GroupChatManager(gc, llm_config=server.llm_config)
        runner.initiate_chat(manager, message="1+1?")
        history = [dict(m) for m in coder.chat_messages[manager]]
        assert "name" not in history[1] and history[1]["tool_calls"]

    with FakeLLMServer(tool_replies(["coder"], ["two, as computed"])) as server:
        runner2, coder2, critic2 = tool_team(server)
        gc2 = GroupChat([runner2, coder2, critic2], max_round=2)
        manager2 = GroupChatManager(gc2, llm_config=server.llm_config)
        last_agent, last_message = manager2.resume(history[:3])
        # The tool result is by the runner (its executor); the call before it by the coder.
        assert last_agent is runner2
        assert gc2.messages[1]["name"] == "coder" and gc2.messages[1]["tool_calls"][0]["id"] == "call_a"
        assert coder2.chat_messages[manager2][1]["role"] == "assistant"
        last_agent.initiate_chat(manager2, message=last_message, clear_history=False)
        assert names(gc2) == ["runner", "coder", "runner", "coder"]
        request = next(r for r in server.requests if not is_selection(r)).messages
        call_at = next(i for i, m in enumerate(request) if m.get("tool_calls"))
        assert request[call_at + 1] == {"tool_call_id": "call_a", "role": "tool", "content": "2"}

        # With the unnamed call last, the caller continues (the original handed it to the manager).
        last_agent, last_message = manager2.resume(history[:2], silent=True)
        assert last_agent is coder2 and "name" not in last_message


# ---------------------------------------------------------------------------------- async


async def test_async_group_chat_with_llm_members(stream):
    with FakeLLMServer(
        lambda req: (
            "bob"
            if is_selection(req) and req.messages[-2].get("name") != "bob"
            else ("alice" if is_selection(req) else "ok")
        )
    ) as server:
        alice = agent("alice", llm_config=server.llm_config)
        bob = agent("bob", llm_config=server.llm_config)
        carol = agent("carol")
        gc = GroupChat([alice, bob, carol], max_round=5)
        manager = GroupChatManager(gc, llm_config=server.llm_config)
        result = await carol.a_initiate_chat(manager, message="start")
        assert names(gc) == ["carol", "bob", "alice", "bob", "alice"]
        assert result.summary == "ok"
        assert len([r for r in server.requests if is_selection(r)]) == 4
        assert len(server.requests) == 8
    assert reasons(stream) == ["Maximum rounds (5) reached"]


async def test_async_resume(stream):
    alice, bob, carol = team()
    gc = GroupChat([alice, bob, carol], speaker_selection_method="round_robin", max_round=3)
    manager = GroupChatManager(gc, llm_config=False)
    msgs = [{"content": "a", "role": "user", "name": "alice"}, {"content": "b", "role": "user", "name": "bob"}]
    last_agent, last_message = await manager.a_resume(msgs)
    assert last_agent is bob and [m["content"] for m in gc.messages] == ["a"]
    await last_agent.a_initiate_chat(manager, message=last_message, clear_history=False)
    assert names(gc) == ["alice", "bob", "carol", "alice"]


def test_members_use_the_chat_cache_during_the_run(stream):
    from autogen import Cache

    with FakeLLMServer(default_reply="cached answer") as server:
        alice = agent("alice", llm_config=server.llm_config)
        bob = agent("bob", llm_config=server.llm_config)
        gc = GroupChat([alice, bob], max_round=3, speaker_selection_method="round_robin")
        manager = GroupChatManager(gc, llm_config=False)
        cache = Cache.in_memory(cache_seed=7)
        alice.initiate_chat(manager, message="hi", cache=cache)
        first = len(server.requests)
        alice.initiate_chat(manager, message="hi", cache=cache)
        assert first == 2 and len(server.requests) == first  # the same requests were answered from the cache
        assert bob.client_cache is None and alice.client_cache is None


# ---------------------------------------------------------------------------------- selection parts (ag2's private API)


def test_overridden_auto_select_speaker_is_used_by_sync_and_async_chats(stream):
    import asyncio

    alice, bob, carol = team()
    seen = []

    class Fixed(GroupChat):
        def _auto_select_speaker(self, last_speaker, selector, messages, agents):
            seen.append(("sync", [a.name for a in agents], len(messages)))
            return carol

        async def a_auto_select_speaker(self, last_speaker, selector, messages, agents):
            seen.append(("async", [a.name for a in agents], len(messages)))
            return bob

    gc = Fixed([alice, bob, carol], max_round=2)
    alice.initiate_chat(GroupChatManager(gc, llm_config=False), message="hi")  # no LLM is needed
    assert names(gc) == ["alice", "carol"]
    gc2 = Fixed([alice, bob, carol], max_round=2)
    asyncio.run(alice.a_initiate_chat(GroupChatManager(gc2, llm_config=False), message="hi"))
    assert names(gc2) == ["alice", "bob"]
    assert seen == [("sync", ["alice", "bob", "carol"], 1), ("async", ["alice", "bob", "carol"], 1)]


def test_auto_select_speaker_called_directly_reads_the_messages_given(stream):
    alice, bob, carol = team()
    with FakeLLMServer(["nobody", "carol"]) as server:
        gc = GroupChat([alice, bob, carol], messages=[{"content": "x", "role": "user", "name": "alice"}])
        manager = GroupChatManager(gc, llm_config=server.llm_config)
        given = [{"content": "who next?", "role": "user", "name": "alice"}]
        assert gc._auto_select_speaker(alice, manager, given, [bob, carol]) is carol
        assert given == [{"content": "who next?", "role": "user", "name": "alice"}]  # not changed
        assert server.requests[0].messages[1]["content"] == "who next?"
        assert "['bob', 'carol']" in server.requests[0].messages[0]["content"]


def test_validate_speaker_name_and_verdicts():
    alice, bob, carol = team()
    gc = GroupChat([alice, bob, carol], select_speaker_auto_none_template="Pick one of {agentlist}; {{braces}} stay")
    history = [{"content": "bob, surely", "role": "user"}]
    assert gc._validate_speaker_name(None, history, None, None, 1, 1, [alice, bob]) == (True, None)
    assert history[-1] == {"role": "user", "content": "[AGENT SELECTED]bob"}
    follow_up = gc._validate_speaker_name(None, [{"content": "no idea"}], None, None, 2, 1, [alice, bob])[1]
    assert follow_up == {
        "content": "Pick one of ['alice', 'bob']; {braces} stay",
        "name": "checking_agent",
        "override_role": "system",
    }
    history = [{"content": "alice and bob"}]
    gc._validate_speaker_name(None, history, None, None, 0, 3, [alice, bob])
    assert history[-1]["content"].startswith("[AGENT SELECTION FAILED]Select speaker attempt #3 of 3")

    from autogen import ChatResult

    def verdict(text):
        return ChatResult(chat_history=[{"content": text, "role": "user"}])

    assert gc._process_speaker_selection_result(verdict("[AGENT SELECTED]carol"), alice, None) is carol
    assert gc._process_speaker_selection_result(verdict("[AGENT SELECTION FAILED]no"), alice, [alice, carol]) is carol
    assert gc._process_speaker_selection_result(verdict("[AGENT SELECTED]dave"), bob, None) is carol
    assert gc._process_speaker_selection_result(ChatResult(chat_history=[]), bob, None) is None


def test_create_internal_agents_builds_a_checked_pair():
    alice, bob, _ = team()
    with FakeLLMServer([]) as server:
        gc = GroupChat([alice, bob], select_speaker_auto_llm_config=server.llm_config)
        history = [{"content": "hi", "role": "user", "name": "alice"}]

        def judge(recipient, messages, sender, config):
            return True, "judged"

        checker, selecting = gc._create_internal_agents([alice, bob], 3, history, judge)
        assert checker.name == "checking_agent" and selecting.name == "speaker_selection_agent"
        assert "alice" in selecting.system_message and selecting.chat_messages[checker] is history
        assert checker.generate_reply([{"content": "x", "role": "user"}], selecting) == "judged"
    with pytest.raises(ValueError, match="does not have an LLM configuration"):
        GroupChat([alice, bob])._create_internal_agents([alice, bob], 3, [], judge, GroupChatManager(GroupChat([alice, bob]), llm_config=False))


def test_reflection_summary_of_a_group_chat_goes_through_an_overridden_client_call(stream):
    seen = []

    class Summariser(ConversableAgent):
        def _generate_oai_reply_from_client(self, llm_client, messages, cache):
            seen.append(messages)
            return "summary!"

    alice = Summariser("alice", llm_config=False, human_input_mode="NEVER", default_auto_reply="from alice")
    bob = agent("bob")
    with FakeLLMServer([]) as server:
        gc = GroupChat([alice, bob], max_round=2, speaker_selection_method="round_robin")
        manager = GroupChatManager(gc, llm_config=server.llm_config)
        result = alice.initiate_chat(
            manager, message="hi", summary_method="reflection_with_llm", summary_args={"summary_role": "user"}
        )
        assert server.requests == []
    assert result.summary == "summary!"
    assert [m["content"] for m in seen[0][:-1]] == ["hi", "from bob"]  # the whole transcript
    assert seen[0][-1]["role"] == "user"


def test_append_oai_message_takes_both_call_forms_and_the_role_override():
    checking, selecting = agent("checking_agent"), agent("speaker_selection_agent")
    checking._append_oai_message({"content": "pick", "override_role": "system"}, conversation_id=selecting)
    checking._append_oai_message("as 0.2 did", "user", selecting, False)
    assert checking.chat_messages[selecting] == [
        {"content": "pick", "role": "system", "name": "checking_agent"},
        {"content": "as 0.2 did", "role": "user", "name": "speaker_selection_agent"},
    ]
