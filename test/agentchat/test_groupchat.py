"""Classic GroupChat without an LLM: construction checks, selection methods, the manager's loop,
termination reasons, history commands and how messages are shared."""

from __future__ import annotations

import itertools
import json
import logging

import pytest
from _streams import RecordingStream

from autogen import Agent, ConversableAgent, GroupChat, GroupChatManager
from autogen.agentchat.group.eligibility import AgentDescriptionGuard, AgentEligibilityPolicy, SelectionContext
from autogen.exception_utils import AgentNameConflictError, UndefinedNextAgentError
from autogen.graph_utils import check_graph_validity, invert_disallowed_to_allowed


def agent(name: str, reply: str | None = None, **kwargs) -> ConversableAgent:
    kwargs.setdefault("human_input_mode", "NEVER")
    return ConversableAgent(name, llm_config=False, default_auto_reply=reply or f"from {name}", **kwargs)


def trio():
    return agent("a"), agent("b"), agent("c")


def reasons(stream: RecordingStream) -> list[str]:
    return [e.content.termination_reason for e in stream.of_type("TerminationEvent")]


def speakers(groupchat: GroupChat) -> list[str]:
    return [m["name"] for m in groupchat.messages]


# ---------------------------------------------------------------------------------- construction


def test_bad_construction_is_refused_with_a_clear_error():
    a, b, c = trio()
    with pytest.raises(ValueError, match=r"unique.*\['a'\]"):
        GroupChat([a, agent("a"), b])
    with pytest.raises(ValueError, match="speaker_transitions_type"):
        GroupChat([a, b], allowed_or_disallowed_speaker_transitions={a: [b]})
    with pytest.raises(ValueError, match="not both"):
        GroupChat(
            [a, b],
            allowed_or_disallowed_speaker_transitions={a: [b]},
            speaker_transitions_type="allowed",
            allow_repeat_speaker=True,
        )
    with pytest.raises(ValueError, match="not agents"):
        GroupChat([a, b], allowed_or_disallowed_speaker_transitions={a: ["b"]}, speaker_transitions_type="allowed")
    with pytest.raises(ValueError, match="keys that are not agents"):
        GroupChat([a, b], allowed_or_disallowed_speaker_transitions={c: [a]}, speaker_transitions_type="allowed")
    with pytest.raises(ValueError, match="must be a list"):
        GroupChat([a, b], allowed_or_disallowed_speaker_transitions={a: b}, speaker_transitions_type="allowed")
    with pytest.raises(ValueError, match="speaker_transitions_type"):
        GroupChat([a, b], allowed_or_disallowed_speaker_transitions={a: [b]}, speaker_transitions_type="maybe")
    with pytest.raises(ValueError, match="max_retries_for_selecting_speaker"):
        GroupChat([a, b], max_retries_for_selecting_speaker=-1)
    with pytest.raises(ValueError, match="select_speaker_auto_verbose"):
        GroupChat([a, b], select_speaker_auto_verbose=None)
    with pytest.raises(ValueError, match="select_speaker_message_template"):
        GroupChat([a, b], select_speaker_message_template="")
    with pytest.raises(ValueError, match="is_eligible"):
        GroupChat([a, b], eligibility_policies=[object()])
    with pytest.raises(ValueError, match="TransformMessages"):
        GroupChat([a, b], select_speaker_transform_messages="limit")
    with pytest.raises(ValueError, match="tool calls"):
        GroupChatManager(
            GroupChat([a, b]), llm_config={"config_list": [{"model": "m", "api_key": "k"}], "tools": [{"x": 1}]}
        )


def test_defaults_and_transition_dicts():
    a, b, c = trio()
    gc = GroupChat([a, b, c], messages=[])
    assert gc.max_round == 10 and gc.admin_name == "Admin" and gc.speaker_selection_method == "auto"
    assert gc.allow_repeat_speaker is True and gc.role_for_select_speaker_messages == "system"
    assert (
        "{roles}" in GroupChat.select_speaker_message_template
        and "{agentlist}" in GroupChat.select_speaker_prompt_template
    )
    assert gc.allowed_speaker_transitions_dict[a] == [a, b, c]

    no_repeat = GroupChat([a, b, c], allow_repeat_speaker=False)
    assert no_repeat.allowed_speaker_transitions_dict[b] == [a, c]
    only_b = GroupChat([a, b, c], allow_repeat_speaker=[b])
    assert only_b.allowed_speaker_transitions_dict[b] == [a, b, c] and only_b.allowed_speaker_transitions_dict[a] == [
        b,
        c,
    ]

    disallowed = GroupChat(
        [a, b, c], allowed_or_disallowed_speaker_transitions={a: [b, a]}, speaker_transitions_type="DisAllowed"
    )
    assert disallowed.speaker_transitions_type == "disallowed"
    assert disallowed.allowed_speaker_transitions_dict[a] == [c]
    assert disallowed.allowed_speaker_transitions_dict[b] == [a, b, c]
    assert GroupChat([a, b], select_speaker_prompt_template="").select_speaker_prompt_template is None


def test_graph_utils_warn_on_isolated_agents_and_duplicates(caplog):
    a, b, c = trio()
    with caplog.at_level(logging.WARNING, logger="autogen.graph_utils"):
        check_graph_validity({a: [b, b], b: [a]}, [a, b, c])
    text = caplog.text
    assert "isolated agent nodes" in text and "'c'" in text
    assert "'a' has duplicate elements: ['b']" in text
    assert invert_disallowed_to_allowed({a: [a]}, [a, b]) == {a: [b], b: [a, b]}


def test_prompts_fill_roles_and_agent_list():
    a = agent("a", description="writes code")
    b = agent("b", description="reviews code")
    gc = GroupChat([a, b], select_speaker_message_template="Team:\n{roles}\nPick from {agentlist}. {{json}}")
    assert gc.select_speaker_msg() == "Team:\na: writes code\nb: reviews code\nPick from ['a', 'b']. {json}"
    assert gc.select_speaker_prompt([b]) == GroupChat.select_speaker_prompt_template.replace("{agentlist}", "['b']")
    assert gc.introductions_msg() == f"{GroupChat.DEFAULT_INTRO_MSG}\n\na: writes code\nb: reviews code"
    broken = GroupChat([a, b], select_speaker_message_template="Pick {speaker}")
    with pytest.raises(ValueError, match="doubled"):
        broken.select_speaker_msg()


def test_membership_helpers():
    a, b, c = trio()
    gc = GroupChat([a, b, c])
    assert gc.agent_names == ["a", "b", "c"]
    assert gc.agent_by_name("b") is b and gc.agent_by_name("zed") is None
    assert gc.next_agent(c) is a and gc.next_agent(a, [c]) is c and gc.next_agent(b, [a, b]) is a
    with pytest.raises(UndefinedNextAgentError):
        gc.next_agent(a, [agent("stranger")])
    inner = GroupChatManager(GroupChat([agent("x"), agent("y")]), name="inner", llm_config=False)
    outer = GroupChat([a, inner])
    assert outer.agent_by_name("y", recursive=True).name == "y"
    assert outer.agent_by_name("y") is None


def test_append_names_the_speaker_and_stringifies_content():
    a, b, _ = trio()
    gc = GroupChat([a, b])
    original = {"content": None, "role": "user", "name": "someone"}
    gc.append(original, a)
    gc.append(
        {
            "content": [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "x"}}],
            "role": "user",
        },
        b,
    )
    gc.append({"content": "42", "role": "function", "name": "calc"}, b)
    assert gc.messages[0] == {"content": "None", "role": "user", "name": "a"}
    assert original["content"] is None  # the caller's dict is not changed
    assert gc.messages[1]["content"] == "look\n<image>" and gc.messages[1]["name"] == "b"
    assert gc.messages[2]["name"] == "calc"
    gc.reset()
    assert gc.messages == []


# ---------------------------------------------------------------------------------- selection methods


def run(groupchat: GroupChat, initiator=None, message="hi", **manager_kwargs):
    manager_kwargs.setdefault("llm_config", False)
    manager = GroupChatManager(groupchat, **manager_kwargs)
    initiator = initiator or groupchat.agents[0]
    result = initiator.initiate_chat(manager, message=message)
    return manager, result


def test_round_robin_worked_trace(stream):
    a, b, c = trio()
    gc = GroupChat([a, b, c], messages=[], max_round=4, speaker_selection_method="round_robin")
    manager, result = run(gc)
    assert gc.messages == [
        {"content": "hi", "role": "user", "name": "a"},
        {"content": "from b", "role": "user", "name": "b"},
        {"content": "from c", "role": "user", "name": "c"},
        {"content": "from a", "role": "user", "name": "a"},
    ]
    assert [(m["role"], m["content"]) for m in result.chat_history] == [
        ("assistant", "hi"),
        ("user", "from b"),
        ("user", "from c"),
        ("assistant", "from a"),
    ]
    assert result.summary == "from a" and manager.last_speaker is a
    assert [m["role"] for m in b.chat_messages[manager]] == ["user", "assistant", "user", "user"]
    assert [e.content.speaker for e in stream.of_type("GroupChatRunChatEvent")] == ["b", "c", "a"]
    assert reasons(stream) == ["Maximum rounds (4) reached"]


def test_members_share_one_stored_dict_per_message(stream):
    a, b, c = trio()
    gc = GroupChat([a, b, c], max_round=5, speaker_selection_method="round_robin")
    manager, _ = run(gc)
    # Every member's copy of c's message is the same object, and it is the transcript entry.
    c_msg = gc.messages[2]
    assert a.chat_messages[manager][2] is c_msg and b.chat_messages[manager][2] is c_msg
    # The manager's own copies (role assistant) are shared between its histories too.
    assert manager.chat_messages[a][2] is manager.chat_messages[b][2]
    assert manager.chat_messages[a][2]["role"] == "assistant"


def test_initiator_outside_the_group_and_random_without_repeats(stream):
    import random

    random.seed(7)
    a, b, c = trio()
    user = agent("user")
    gc = GroupChat([a, b, c], max_round=12, speaker_selection_method="random", allow_repeat_speaker=False)
    run(gc, initiator=user)
    names = speakers(gc)
    assert names[0] == "user" and set(names[1:]) <= {"a", "b", "c"}
    assert all(x != y for x, y in itertools.pairwise(names[1:]))
    assert len(set(names[1:])) == 3


def test_manual_selection_reads_numbers_from_the_stream():
    a, b, c = trio()
    scripted = RecordingStream(inputs=["3", "9", "x", "2", ""])
    from autogen.io.base import IOStream

    with IOStream.set_default(scripted):
        gc = GroupChat([a, b, c], max_round=4, speaker_selection_method="manual")
        run(gc)
    # "3" -> c; "9" and "x" are refused, then "2" -> b; "" falls back to round robin after b -> c.
    assert speakers(gc) == ["a", "c", "b", "c"]
    assert len(scripted.of_type("SelectSpeakerInvalidInputEvent")) == 2
    assert len(scripted.of_type("SelectSpeakerEvent")) == 3
    assert all("number of the next speaker" in p for p in scripted.prompts)


def test_manual_selection_gives_up_after_three_invalid_answers():
    a, b, c = trio()
    scripted = RecordingStream(inputs=["0", "x", "-1", "2"])
    from autogen.io.base import IOStream

    with IOStream.set_default(scripted):
        gc = GroupChat([a, b, c])
        assert gc.manual_select_speaker() is None
    assert scripted.inputs == ["2"]
    exceeded = scripted.of_type("SelectSpeakerTryCountExceededEvent")
    assert len(exceeded) == 1 and exceeded[0].content.try_count == 3


def test_custom_callable_returning_agent_name_and_none(stream):
    a, b, c = trio()
    calls = []

    def choose(last, groupchat):
        calls.append(last.name)
        if len(calls) == 1:
            return c  # an agent
        if len(calls) == 2:
            return "round_robin"  # a method name (c -> a)
        return None  # ends the chat

    gc = GroupChat([a, b, c], max_round=10, speaker_selection_method=choose)
    run(gc)
    assert speakers(gc) == ["a", "c", "a"]
    assert calls == ["a", "c", "a"]
    assert reasons(stream) == ["No next speaker selected"]


def test_custom_callable_with_a_foreign_agent_or_wrong_type_raises(stream):
    a, b, _ = trio()
    outsider = agent("outsider")
    with pytest.raises(ValueError, match="not in the group chat"):
        run(GroupChat([a, b], speaker_selection_method=lambda last, gc: outsider))
    with pytest.raises(ValueError, match="returned an object of type"):
        run(GroupChat([a, b], speaker_selection_method=lambda last, gc: 3))
    with pytest.raises(ValueError, match="speaker selection function result"):
        run(GroupChat([a, b], speaker_selection_method=lambda last, gc: "telepathy"))


def test_allowed_graph_with_one_successor_needs_no_llm(stream):
    # Speaker selection is "auto", yet with one allowed successor no LLM is consulted (none is configured).
    a, b, c = trio()
    graph = {a: [b], b: [c], c: [a]}
    gc = GroupChat(
        [a, b, c], max_round=6, allowed_or_disallowed_speaker_transitions=graph, speaker_transitions_type="allowed"
    )
    run(gc)
    assert speakers(gc) == ["a", "b", "c", "a", "b", "c"]


def test_disallowed_graph_and_sink_agent(stream):
    a, b, c = trio()
    gc = GroupChat(
        [a, b, c],
        max_round=6,
        speaker_selection_method="round_robin",
        allowed_or_disallowed_speaker_transitions={a: [b], c: [a]},
        speaker_transitions_type="disallowed",
    )
    run(gc)
    # a may not hand over to b, c may not hand over to a.
    assert speakers(gc) == ["a", "c", "b", "c", "b", "c"]

    stream.events.clear()
    sink = GroupChat(
        [a, b, c],
        max_round=6,
        speaker_selection_method="round_robin",
        allowed_or_disallowed_speaker_transitions={a: [b]},
        speaker_transitions_type="allowed",
    )
    run(sink)
    assert speakers(sink) == ["a", "b"]
    assert reasons(stream) == ["No next speaker selected"]


def test_eligibility_policies_filter_candidates(stream):
    a, b, c = trio()
    seen: list[SelectionContext] = []

    class NotB:
        def is_eligible(self, agent, ctx):
            seen.append(ctx)
            return agent.name != "b"

    assert isinstance(NotB(), AgentEligibilityPolicy)
    gc = GroupChat([a, b, c], max_round=4, speaker_selection_method="round_robin", eligibility_policies=[NotB()])
    run(gc)
    assert speakers(gc) == ["a", "c", "a", "c"]
    assert seen[0] == SelectionContext(round=1, last_speaker="a", participants=("a", "b", "c"))

    class Nobody:
        def is_eligible(self, agent, ctx):
            return False

    stream.events.clear()
    gc2 = GroupChat([a, b, c], max_round=4, speaker_selection_method="round_robin", eligibility_policies=[Nobody()])
    run(gc2)
    assert speakers(gc2) == ["a"] and reasons(stream) == ["No next speaker selected"]


def test_selection_context_and_description_guard():
    with pytest.raises(TypeError, match=r"must be a sequence of str, not a str .*wrap it in a tuple: \('ab',\)"):
        SelectionContext(round=1, last_speaker=None, participants="ab")
    assert SelectionContext(1, None, ["a", "b"]).participants == ("a", "b")

    a = agent("a", description="does things")
    guard = AgentDescriptionGuard(a)
    guard.mark_unavailable()
    guard.mark_unavailable()
    assert a.description == "[UNAVAILABLE] does things"
    guard.mark_available()
    assert a.description == "does things"
    a.description = None
    guard.mark_unavailable()
    assert a.description == "[UNAVAILABLE] "
    guard.mark_available()
    assert a.description is None


def test_fewer_than_two_agents_is_an_error_at_selection():
    solo = agent("solo")
    gc = GroupChat([solo], speaker_selection_method="round_robin")
    with pytest.raises(ValueError, match="at least two"):
        gc.select_speaker(solo, None)


# ---------------------------------------------------------------------------------- termination


def test_manager_termination_predicate_ends_the_chat(stream):
    a = agent("a")
    b = agent("b", reply="all done, DONE")
    gc = GroupChat([a, b], max_round=10, speaker_selection_method="round_robin")
    run(gc, is_termination_msg=lambda m: "DONE" in (m.get("content") or ""))
    assert speakers(gc) == ["a", "b"]
    assert reasons(stream) == ["Termination message condition on the GroupChatManager 'chat_manager' met"]


def test_no_reply_generated_ends_the_chat(stream):
    a, b, _ = trio()
    b.register_reply([ConversableAgent, None], lambda recipient, messages, sender, config: (True, None))
    gc = GroupChat([a, b], max_round=10, speaker_selection_method="round_robin")
    run(gc)
    assert speakers(gc) == ["a"] and reasons(stream) == ["No reply generated"]


def test_termination_message_from_a_member_with_default_predicate(stream):
    a = agent("a")
    b = agent("b", reply="TERMINATE")
    gc = GroupChat([a, b], max_round=10, speaker_selection_method="round_robin")
    manager, result = run(gc)
    assert speakers(gc) == ["a", "b"] and result.summary == ""
    assert reasons(stream) == ["Termination message condition on the GroupChatManager 'chat_manager' met"]
    # The terminating message still reached every member.
    assert a.chat_messages[manager][-1]["content"] == "TERMINATE"


def test_keyboard_interrupt_lets_the_admin_speak(stream):
    a, b, _ = trio()
    admin = agent("Admin", reply="admin here")

    def interrupted(recipient, messages, sender, config):
        raise KeyboardInterrupt

    b.register_reply([ConversableAgent, None], interrupted)
    gc = GroupChat([a, b, admin], max_round=3, speaker_selection_method="round_robin")
    run(gc)
    assert speakers(gc) == ["a", "Admin", "a"]

    gc2 = GroupChat([a, b], max_round=3, speaker_selection_method="round_robin")
    with pytest.raises(KeyboardInterrupt):
        run(gc2)


def test_silent_manager_hides_member_messages_but_not_the_reason(stream):
    a, b, c = trio()
    gc = GroupChat([a, b, c], max_round=3, speaker_selection_method="round_robin")
    run(gc, silent=True)
    received = [e for e in stream.events if type(e).__name__ == "TextEvent" and e.content.sender in ("b", "c")]
    assert received == []
    assert stream.of_type("GroupChatRunChatEvent") == []
    assert reasons(stream) == ["Maximum rounds (3) reached"]


def test_initiate_chat_silent_does_not_silence_members(stream):
    a, b, c = trio()
    gc = GroupChat([a, b, c], max_round=3, speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    a.initiate_chat(manager, message="hi", silent=True)
    senders = [e.content.sender for e in stream.of_type("TextEvent")]
    assert senders == ["b", "c"]


# ---------------------------------------------------------------------------------- introductions, clear history


def test_send_introductions_reach_every_member_but_not_the_transcript(stream):
    a, b, c = trio()
    gc = GroupChat([a, b, c], max_round=2, speaker_selection_method="round_robin", send_introductions=True)
    manager, _ = run(gc)
    for member in (a, b, c):
        first = member.chat_messages[manager][0 if member is not a else 1]
        assert first["content"].startswith(GroupChat.DEFAULT_INTRO_MSG) and first["name"] == "chat_manager"
    assert [m["content"] for m in gc.messages] == ["hi", "from b"]


def test_clear_history_command(stream):
    a, b, c = trio()
    replies = iter(["plan", "clear history b 1 then continue", "after"])
    c.register_reply(
        [ConversableAgent, None],
        lambda recipient, messages=None, sender=None, config=None: (True, {"content": next(replies), "role": "user"}),
    )
    gc = GroupChat([a, b, c], max_round=7, speaker_selection_method="round_robin", enable_clear_history=True)
    manager, _ = run(gc)
    # c's second reply cleared b's history except its last message, and the command words were removed.
    assert [m["content"] for m in gc.messages] == [
        "hi",
        "from b",
        "plan",
        "from a",
        "from b",
        "then continue",
        "from a",
    ]
    assert [m["content"] for m in b.chat_messages[manager]] == ["from b", "then continue", "from a"]
    events = stream.of_type("ClearAgentsHistoryEvent")
    assert events[0].content.agent == "b" and events[0].content.nr_events_to_preserve == 1

    stream.events.clear()
    d = agent("d")
    d.register_reply(
        [ConversableAgent, None],
        lambda recipient, messages=None, sender=None, config=None: (True, {"content": "CLEAR HISTORY", "role": "user"}),
    )
    gc2 = GroupChat([a, d], max_round=3, speaker_selection_method="round_robin", enable_clear_history=True)
    run(gc2)
    assert [m["content"] for m in gc2.messages] == ["", "from a"]


# ---------------------------------------------------------------------------------- nesting and async


def test_group_chat_inside_sequential_chats(stream):
    a, b, c = trio()
    user = agent("user")
    reviewer = agent("reviewer", reply="reviewed")
    gc = GroupChat([a, b, c], max_round=3, speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    results = user.initiate_chats(
        [
            {
                "recipient": manager,
                "message": "build it",
                "summary_method": "reflection_with_llm" if False else "last_msg",
            },
            {"recipient": reviewer, "message": "review", "max_turns": 1},
        ]
    )
    assert speakers(gc) == ["user", "a", "b"]
    # The user is outside the group: its history with the manager holds its own message only.
    assert results[0].chat_history[0]["content"] == "build it"
    assert "build it" in reviewer.chat_messages[user][0]["content"]
    assert results[1].summary == "reviewed"
    assert manager.chat_messages_for_summary(user) is gc.messages


def test_group_chat_as_a_nested_chat_reply(stream):
    a, b, _ = trio()
    gc = GroupChat([a, b], max_round=3, speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    lead = agent("lead")
    boss = agent("boss")
    lead.register_nested_chats([{"recipient": manager, "sender": a, "summary_method": "last_msg"}], trigger=boss)
    result = boss.initiate_chat(lead, message="please do the task", max_turns=1)
    assert speakers(gc) == ["a", "b", "a"]
    assert result.chat_history[-1]["content"] == "from a"


def test_manager_nested_in_a_bigger_group(stream):
    x, y = agent("x"), agent("y")
    inner_chat = GroupChat([x, y], max_round=3, speaker_selection_method="round_robin")
    inner = GroupChatManager(inner_chat, name="inner", llm_config=False)
    a = agent("a")
    outer = GroupChat([a, inner], max_round=3, speaker_selection_method="round_robin")
    run(outer)
    # Asked to speak, the inner manager runs its own group on what it heard; as in the original, a
    # manager gives no reply of its own, so the outer chat stops there with that reason.
    assert [m["content"] for m in inner_chat.messages] == ["hi", "from x", "from y"]
    assert inner_chat.messages[0]["name"] == "chat_manager"
    assert speakers(outer) == ["a"]
    assert reasons(stream) == ["Maximum rounds (3) reached", "No reply generated"]


async def test_async_initiate_chat_with_a_manager(stream):
    a, b, c = trio()

    async def async_reply(recipient, messages, sender, config):
        return True, f"async {recipient.name} after {messages[-1]['name']}"

    b.register_reply([ConversableAgent, None], async_reply)
    gc = GroupChat([a, b, c], max_round=4, speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    result = await a.a_initiate_chat(manager, message="hi")
    assert [m["content"] for m in gc.messages] == ["hi", "async b after a", "from c", "from a"]
    assert result.summary == "from a"
    assert reasons(stream) == ["Maximum rounds (4) reached"]
    # The sync entry point refuses a member with an async-only reply function.
    with pytest.raises(RuntimeError, match="async reply functions"):
        a.initiate_chat(manager, message="hi")


# ---------------------------------------------------------------------------------- saving


def test_messages_to_and_from_string():
    a, b, _ = trio()
    manager = GroupChatManager(GroupChat([a, b]), llm_config=False)
    msgs = [{"content": "x", "role": "user", "name": "a"}]
    assert manager.messages_from_string(manager.messages_to_string(msgs)) == msgs
    with pytest.raises(Exception, match="not valid JSON"):
        manager.messages_from_string("{oops")
    assert json.loads(manager.messages_to_string([{"content": object.__name__}]))[0]["content"] == "object"


def test_resume_rebuilds_histories_and_continues(stream):
    a, b, c = trio()
    gc = GroupChat([a, b, c], max_round=4, speaker_selection_method="round_robin")
    manager, _ = run(gc)
    saved = manager.messages_to_string(gc.messages)

    a2, b2, c2 = trio()
    gc2 = GroupChat([a2, b2, c2], max_round=4, speaker_selection_method="round_robin")
    manager2 = GroupChatManager(gc2, llm_config=False)
    last_agent, last_message = manager2.resume(saved)
    assert last_agent is a2 and last_message["content"] == "from a"
    assert [m["content"] for m in gc2.messages] == ["hi", "from b", "from c"]
    assert [m["role"] for m in b2.chat_messages[manager2]] == ["user", "assistant", "user"]
    assert stream.of_type("GroupChatResumeEvent")[0].content.last_speaker_name == "a"
    last_agent.initiate_chat(manager2, message=last_message, clear_history=False)
    assert speakers(gc2) == ["a", "b", "c", "a", "b", "c", "a"]


def test_resume_errors_leave_state_untouched():
    a, b, _ = trio()
    gc = GroupChat([a, b], speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    gc.messages.append({"content": "keep me", "role": "user", "name": "a"})
    with pytest.raises(Exception, match="without messages"):
        manager.resume([])
    with pytest.raises(Exception, match="'ghost'"):
        manager.resume([{"content": "boo", "role": "user", "name": "ghost"}])
    with pytest.raises(Exception, match="list of message dicts"):
        manager.resume(42)
    assert gc.messages == [{"content": "keep me", "role": "user", "name": "a"}]


def test_resume_strips_termination_string(stream, caplog):
    a, b, _ = trio()
    gc = GroupChat([a, b], speaker_selection_method="round_robin")
    manager = GroupChatManager(gc, llm_config=False)
    msgs = [{"content": "go", "role": "user", "name": "a"}, {"content": "TERMINATE", "role": "user", "name": "b"}]
    with caplog.at_level(logging.WARNING, logger="autogen.agentchat.groupchat"):
        manager.resume(msgs)
    assert "meets termination criteria" in caplog.text
    _, last = manager.resume(msgs, remove_termination_string="TERMINATE")
    assert last["content"] == ""
    _, last = manager.resume(msgs, remove_termination_string=lambda s: s.lower(), silent=True)
    assert last["content"] == "terminate"


def test_agent_by_name_follows_changes_to_the_member_list() -> None:
    a, b, c = (ConversableAgent(n, llm_config=False) for n in ("a", "b", "c"))
    twin = ConversableAgent("a", llm_config=False)
    gc = GroupChat(agents=[a, b], messages=[])
    assert gc.agent_by_name("a") is a and gc.agent_by_name("c") is None
    gc.agents.append(c)
    assert gc.agent_by_name("c") is c
    gc.agents[0] = twin  # replaced in place, same length
    assert gc.agent_by_name("a") is twin
    gc.agents.append(a)  # two members named "a": the first one, as before
    assert gc.agent_by_name("a") is twin
    with pytest.raises(AgentNameConflictError):
        gc.agent_by_name("a", raise_on_name_conflict=True)


def test_agent_by_name_follows_every_kind_of_change_to_the_members() -> None:
    a, b, c, d = (ConversableAgent(n, llm_config=False) for n in ("a", "b", "c", "d"))
    members = [a, b, c]
    gc = GroupChat(members)
    assert gc.agent_by_name("b") is b
    members[1] = d  # the list the user passed, changed in place: same length, a new name
    assert gc.agent_by_name("d") is d and gc.agent_by_name("b") is None
    gc.agents.remove(a)
    assert gc.agent_by_name("a") is None and gc.agent_by_name("c") is c
    gc.agents.insert(0, b)
    assert gc.agent_by_name("b") is b and gc.agent_by_name("d") is d
    gc.agents[:] = [c, a]  # the whole content replaced
    assert gc.agent_by_name("a") is a and gc.agent_by_name("b") is None
    gc.agents = [d, b]  # a new list
    assert gc.agent_by_name("d") is d and gc.agent_by_name("a") is None
    gc.agents.reverse()
    assert gc.agent_by_name("b") is b and gc.agent_by_name("d") is d
    gc.agents.insert(0, ConversableAgent("d", llm_config=False))  # a duplicate ahead of the indexed one
    assert gc.agent_by_name("d") is gc.agents[0]


def test_agent_by_name_allocates_nothing_per_lookup() -> None:
    import tracemalloc

    agents = [ConversableAgent(f"agent_{i}", llm_config=False) for i in range(200)]
    gc = GroupChat(agents)
    gc.agent_by_name("agent_199")  # builds the index
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(1000):
            assert gc.agent_by_name("agent_199") is agents[-1]
            assert gc.agent_by_name("nobody") is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # A copy of the member list per call would take 200 pointers (1.6 KB) at least.
    assert peak - before < 512


# ---------------------------------------------------------------------------------- selection steps (ag2's private API)


def test_prepare_and_select_agents_reports_choice_candidates_and_llm_messages():
    a, b, c = trio()
    gc = GroupChat(
        [a, b, c], messages=[{"content": "hi", "role": "user", "name": "a"}], speaker_selection_method="round_robin"
    )
    assert gc._prepare_and_select_agents(a) == (b, [a, b, c], None)
    gc.speaker_selection_method = "auto"
    chosen, candidates, for_llm = gc._prepare_and_select_agents(a)
    assert chosen is None and candidates == [a, b, c]
    assert for_llm == gc.messages and for_llm is not gc.messages
    # a trailing call is blanked for the selecting LLM, the transcript itself is left alone
    call = {
        "content": None,
        "role": "assistant",
        "name": "a",
        "tool_calls": [{"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
    }
    c.function_map["f"] = lambda: 1
    gc.messages.append(call)
    chosen, candidates, for_llm = gc._prepare_and_select_agents(a)
    assert chosen is c and candidates == [c]
    assert gc.messages[-1]["tool_calls"]


def test_prepare_and_select_agents_with_a_custom_function():
    a, b, c = trio()
    gc = GroupChat([a, b, c], speaker_selection_method=lambda last, group: c)
    assert gc._prepare_and_select_agents(a) == (c, [a, b, c], None)
    gc.speaker_selection_method = lambda last, group: "round_robin"
    assert gc._prepare_and_select_agents(b)[0] is c


def test_eligibility_policies_are_applied_once_and_say_who_was_excluded():
    a, b, c = trio()
    calls = []

    class Count:
        def is_eligible(self, agent, ctx):
            calls.append(agent.name)
            return agent.name != "b"

    gc = GroupChat([a, b, c], speaker_selection_method="random", eligibility_policies=[Count()])
    assert gc._prepare_and_select_agents(a)[1] == [a, c]
    assert calls == ["a", "b", "c"]
    from autogen import NoEligibleSpeakerError

    with pytest.raises(NoEligibleSpeakerError, match=r"No eligible agents.*\['b'\]"):
        gc._apply_eligibility_policies([b], last_speaker=None, round_index=0)
    assert GroupChat([a, b])._apply_eligibility_policies([], last_speaker=None, round_index=0) == []


def test_sole_executor_of_a_call_speaks_even_after_itself_unless_policies_are_set(stream):
    runner = agent("runner", function_map={"f": lambda: 1})
    other = agent("other")
    call = {"content": None, "role": "assistant", "name": "runner", "function_call": {"name": "f", "arguments": "{}"}}
    gc = GroupChat([runner, other], messages=[call], allow_repeat_speaker=False, speaker_selection_method="round_robin")
    assert gc._prepare_and_select_agents(runner)[0] is runner  # pyautogen 0.2: the call gets run

    class Everyone:
        def is_eligible(self, agent, ctx):
            return True

    from autogen import NoEligibleSpeakerError

    gc.eligibility_policies = [Everyone()]
    with pytest.raises(NoEligibleSpeakerError, match="All candidates were eliminated"):
        gc._prepare_and_select_agents(runner)  # ag2 0.13 with policies: the repeat rule holds


def test_empty_group_can_be_built_then_filled():
    gc = GroupChat([], messages=[{"content": "hello", "role": "user", "name": "x"}])
    assert gc.agents == [] and gc.messages[0]["content"] == "hello"
    with pytest.raises(ValueError, match="underpopulated with 0 agents"):
        gc._prepare_and_select_agents(agent("x"))
    a, b, _ = trio()
    gc.agents.extend([a, b])
    gc.speaker_selection_method = "round_robin"
    assert gc._prepare_and_select_agents(a)[0] is b


def test_unknown_selection_method_is_reported_at_construction_and_refused_at_selection(stream, caplog):
    a, b, _ = trio()
    with caplog.at_level(logging.WARNING, logger="autogen.agentchat.groupchat"):
        gc = GroupChat([a, b], speaker_selection_method="loudest")
    assert "loudest" in caplog.text
    with pytest.raises(ValueError, match="speaker_selection_method"):
        run(gc)
    gc.speaker_selection_method = "round_robin"
    run(gc)


def test_member_reset_forgets_the_chat_but_keeps_an_earlier_chat_result(stream):
    a, b, c = trio()
    _, result = run(GroupChat([a, b, c], max_round=2, speaker_selection_method="round_robin"))
    a.reset()
    assert dict(a.chat_messages) == {}
    assert [m["content"] for m in result.chat_history] == ["hi", "from b"]


def test_any_agent_can_run_a_group_chat_with_run_chat_registered(stream):
    import asyncio

    a, b, c = trio()
    gc = GroupChat([a, b, c], max_round=3, speaker_selection_method="round_robin")
    host = ConversableAgent("host", llm_config=False, human_input_mode="NEVER")
    host.register_reply(Agent, GroupChatManager.run_chat, config=gc, reset_config=GroupChat.reset)
    host.register_reply(
        Agent, GroupChatManager.a_run_chat, config=gc, reset_config=GroupChat.reset, ignore_async_in_sync_chat=True
    )
    a.initiate_chat(host, message="hi")
    assert speakers(gc) == ["a", "b", "c"]
    assert [m["content"] for m in c.chat_messages[host]] == ["hi", "from b", "from c"]
    gc.reset()
    asyncio.run(a.a_initiate_chat(host, message="hi again"))
    assert speakers(gc) == ["a", "b", "c"]
