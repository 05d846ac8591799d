"""Agent events: their type tags, JSON shape, agent-name handling and what they print."""

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from pydantic import TypeAdapter, ValidationError

from autogen.events import BaseEvent, get_annotated_type_for_event_classes, wrap_event
from autogen.events.agent_events import (
    ClearAgentsHistoryEvent,
    ConversableAgentUsageSummaryEvent,
    ErrorEvent,
    ExecuteCodeBlockEvent,
    ExecutedFunctionEvent,
    ExecuteFunctionEvent,
    FunctionCallEvent,
    FunctionResponseEvent,
    GenerateCodeExecutionReplyEvent,
    GroupChatRunChatEvent,
    InputRequestEvent,
    PostCarryoverProcessingEvent,
    RunCompletionEvent,
    SelectSpeakerEvent,
    SpeakerAttemptSuccessfulEvent,
    TerminationAndHumanReplyNoInputEvent,
    TerminationEvent,
    TextEvent,
    ToolCallEvent,
    ToolResponseEvent,
    UsingAutoReplyEvent,
    create_received_event_model,
)


class Agent:
    def __init__(self, name: str, llm_config: Any = None) -> None:
        self.name = name
        self.llm_config = llm_config


def printed(event: Any, capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> str:
    event.print()
    return plain(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("cls", "kwargs", "type_name"),
    [
        (TextEvent, {"content": "x", "sender": "a", "recipient": "b"}, "text"),
        (TerminationEvent, {"termination_reason": "r"}, "termination"),
        (InputRequestEvent, {"prompt": "p"}, "input_request"),
        (RunCompletionEvent, {"summary": "s", "history": [], "cost": {}, "last_speaker": None}, "run_completion"),
        (ToolCallEvent, {"tool_calls": [], "sender": "a", "recipient": "b"}, "tool_call"),
        (UsingAutoReplyEvent, {"human_input_mode": "NEVER", "recipient": "b"}, "using_auto_reply"),
        (GroupChatRunChatEvent, {"speaker": "a"}, "group_chat_run_chat"),
    ],
)
def test_type_tag_is_snake_case_name_without_event(cls: Any, kwargs: dict[str, Any], type_name: str) -> None:
    event = cls(**kwargs)
    assert event.type == type_name
    assert isinstance(event, cls)
    dumped = json.loads(event.model_dump_json())
    assert set(dumped) == {"type", "content"}
    assert dumped["type"] == type_name
    assert UUID(dumped["content"]["uuid"])


def test_fields_live_on_content_and_each_event_gets_its_own_uuid() -> None:
    first = TextEvent(content="hi", sender="a", recipient="b")
    second = TextEvent(content="hi", sender="a", recipient="b")
    assert first.content.content == "hi" and first.content.sender == "a"
    assert first.content.uuid != second.content.uuid
    fixed = UUID("12345678-1234-5678-1234-567812345678")
    assert TextEvent(uuid=fixed, content="x", sender="a", recipient="b").content.uuid == fixed


def test_agent_like_arguments_are_stored_as_names() -> None:
    event = TextEvent(content="hi", sender=Agent("alice"), recipient=Agent("bob"))
    assert (event.content.sender, event.content.recipient) == ("alice", "bob")
    assert json.loads(event.model_dump_json())["content"]["sender"] == "alice"
    assert GroupChatRunChatEvent(speaker=Agent("carol")).content.speaker == "carol"
    assert SelectSpeakerEvent(agents=[Agent("a"), "b"]).content.agents == ["a", "b"]
    assert ClearAgentsHistoryEvent(agent=Agent("x")).content.agent == "x"
    assert RunCompletionEvent(last_speaker=Agent("z")).content.last_speaker == "z"


def test_non_agent_argument_gets_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="object with a str `.name`"):
        TextEvent(content="hi", sender=object(), recipient="b")


def test_json_round_trip_through_the_discriminated_union() -> None:
    adapter = TypeAdapter(get_annotated_type_for_event_classes())
    events = [
        TextEvent(content="hi", sender="a", recipient="b"),
        TerminationEvent(termination_reason="done", sender="a"),
        ToolCallEvent(
            tool_calls=[{"id": "c1", "function": {"name": "f", "arguments": "{}"}}], sender="a", recipient="b"
        ),
        PostCarryoverProcessingEvent(chat_info={"sender": Agent("a"), "recipient": Agent("b"), "message": "m"}),
        SpeakerAttemptSuccessfulEvent(mentions={"a": 1}, attempt=1, attempts_left=2, select_speaker_auto_verbose=True),
    ]
    for event in events:
        text = event.model_dump_json()
        parsed = adapter.validate_json(text)
        assert type(parsed) is type(event)
        assert parsed.model_dump_json() == text


def test_input_request_responder_is_not_serialised() -> None:
    event = InputRequestEvent(prompt="Name?", password=True, respond=lambda text: None)
    assert json.loads(event.model_dump_json())["content"] == {
        "uuid": str(event.content.uuid),
        "prompt": "Name?",
        "password": True,
    }


def test_error_event_keeps_the_exception_and_serialises_its_text() -> None:
    error = ValueError("bad input")
    event = ErrorEvent(error=error)
    assert event.content.error is error
    assert json.loads(event.model_dump_json())["content"]["error"] == "ValueError: bad input"


def test_user_defined_events_can_be_wrapped() -> None:
    @wrap_event
    class DeploymentFinishedEvent(BaseEvent):
        target: str

        def print(self, f: Any = None) -> None:
            (f or print)(f"deployed to {self.target}")

    event = DeploymentFinishedEvent(target="prod")
    assert event.type == "deployment_finished"
    lines: list[str] = []
    event.print(lambda *a, **k: lines.append(" ".join(a)))
    assert lines == ["deployed to prod"]

    with pytest.raises(ValueError, match="must end with 'Event'"):

        @wrap_event
        class Deployment(BaseEvent):
            pass


# ----------------------------------------------------------------------------- received-message selection


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"role": "function", "name": "add", "content": "3"}, FunctionResponseEvent),
        (
            {"role": "tool", "tool_responses": [{"tool_call_id": "1", "content": "3"}], "content": "3"},
            ToolResponseEvent,
        ),
        ({"content": None, "function_call": {"name": "add", "arguments": "{}"}}, FunctionCallEvent),
        ({"content": None, "tool_calls": [{"id": "1", "function": {"name": "add", "arguments": "{}"}}]}, ToolCallEvent),
        ({"content": "hello", "role": "user"}, TextEvent),
        ({"content": "hello", "tool_calls": []}, TextEvent),
    ],
)
def test_received_message_selects_the_event(message: dict[str, Any], expected: Any) -> None:
    event = create_received_event_model(event=message, sender=Agent("s"), recipient=Agent("r"))
    assert type(event) is expected
    assert (event.content.sender, event.content.recipient) == ("s", "r")


def test_received_bare_tool_message_is_shown_as_one_response(
    capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]
) -> None:
    event = create_received_event_model(
        event={"role": "tool", "tool_call_id": "call_9", "content": "42"}, sender="s", recipient="r"
    )
    assert "***** Response from calling tool (call_9) *****\n42\n" in printed(event, capsys, plain)


def test_received_message_context_instantiates_templates() -> None:
    callable_content = create_received_event_model(
        event={"content": lambda ctx: f"Hi {ctx['who']}", "context": {"who": "Ann"}}, sender="s", recipient=Agent("r")
    )
    assert callable_content.content.content == "Hi Ann"
    template = {"content": "Hi {who}", "context": {"who": "Ann"}}
    not_allowed = create_received_event_model(event=template, sender="s", recipient=Agent("r", llm_config={}))
    assert not_allowed.content.content == "Hi {who}"
    allowed = create_received_event_model(
        event=template, sender="s", recipient=Agent("r", llm_config={"allow_format_str_template": True})
    )
    assert allowed.content.content == "Hi Ann"


def test_received_message_uuid_is_kept() -> None:
    uid = UUID("00000000-0000-0000-0000-000000000001")
    assert create_received_event_model(uuid=uid, event={"content": "x"}, sender="a", recipient="b").content.uuid == uid


# ----------------------------------------------------------------------------- printed formats


def test_text_event_with_multimodal_content(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    content = [
        {"type": "text", "text": "Look at this:"},
        {"type": "image_url", "image_url": {"url": "http://127.0.0.1/cat.png"}},
    ]
    out = printed(TextEvent(content=content, sender="a", recipient="b"), capsys, plain)
    assert out == "a (to b):\n\nLook at this:\n<image>\n\n" + "-" * 80 + "\n"


def test_text_event_with_no_content_prints_header_and_rule(
    capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]
) -> None:
    out = printed(TextEvent(content=None, sender="a", recipient="b"), capsys, plain)
    assert out == "a (to b):\n\n\n" + "-" * 80 + "\n"


def test_text_event_json_replaces_unserialisable_image_objects() -> None:
    class FakeImage:  # stands in for a PIL image object in a multimodal message
        def __str__(self) -> str:
            return "<image>"

    event = TextEvent(content=[{"type": "image_url", "image_url": {"url": FakeImage()}}], sender="a", recipient="b")
    assert json.loads(event.model_dump_json())["content"]["content"][0]["image_url"]["url"] == "<image>"


def test_function_call_and_response(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    call = FunctionCallEvent(
        content="Let me add", function_call={"name": "add", "arguments": '{"a": 1}'}, sender="x", recipient="y"
    )
    out = printed(call, capsys, plain)
    banner = "***** Suggested function call: add *****"
    assert (
        out
        == f"x (to y):\n\nLet me add\n{banner}\nArguments: \n"
        + '{"a": 1}\n'
        + "*" * len(banner)
        + "\n\n"
        + "-" * 80
        + "\n"
    )
    response = FunctionResponseEvent(name="add", content="1", sender="y", recipient="x")
    assert "***** Response from calling function (add) *****\n1\n" in printed(response, capsys, plain)


def test_execution_banners(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    out = printed(
        ExecuteFunctionEvent(func_name="add", call_id="call_1", arguments={"a": 1}, recipient=Agent("u")), capsys, plain
    )
    assert out == "\n>>>>>>>> EXECUTING FUNCTION add...\nCall ID: call_1\nInput arguments: {'a': 1}\n"
    out = printed(
        ExecutedFunctionEvent(func_name="add", call_id="call_1", arguments={"a": 1}, content="2", recipient="u"),
        capsys,
        plain,
    )
    assert out == "\n>>>>>>>> EXECUTED FUNCTION add...\nCall ID: call_1\nInput arguments: {'a': 1}\nOutput:\n2\n"
    out = printed(
        ExecuteCodeBlockEvent(code="print(1)", language="python", code_block_count=0, recipient="u"), capsys, plain
    )
    assert out == "\n>>>>>>>> EXECUTING CODE BLOCK 0 (inferred language is python)...\n"


def test_code_execution_reply_banner_names_languages(
    capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]
) -> None:
    class Block:
        def __init__(self, language: str) -> None:
            self.language = language

    one = GenerateCodeExecutionReplyEvent(code_blocks=[Block("python")], sender=None, recipient="u")
    assert one.content.sender == "No sender"
    assert printed(one, capsys, plain) == "\n>>>>>>>> EXECUTING CODE BLOCK (inferred language is python)...\n"
    two = GenerateCodeExecutionReplyEvent(code_blocks=["python", "sh"], recipient="u")
    assert (
        printed(two, capsys, plain) == "\n>>>>>>>> EXECUTING 2 CODE BLOCKS (inferred languages are [python, sh])...\n"
    )


def test_human_input_banners(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    assert printed(UsingAutoReplyEvent(human_input_mode="TERMINATE", sender="a", recipient="b"), capsys, plain) == (
        "\n>>>>>>>> USING AUTO REPLY...\n"
    )
    no_input = TerminationAndHumanReplyNoInputEvent(
        no_human_input_msg="NO HUMAN INPUT RECEIVED.", sender="a", recipient="b"
    )
    assert printed(no_input, capsys, plain) == "\n>>>>>>>> NO HUMAN INPUT RECEIVED.\n"


def test_group_chat_and_sequence_banners(capsys: pytest.CaptureFixture[str], plain: Callable[[str], str]) -> None:
    assert printed(GroupChatRunChatEvent(speaker=Agent("coder")), capsys, plain) == "\nNext speaker: coder\n\n"
    success = SpeakerAttemptSuccessfulEvent(mentions={"coder": 1}, attempt=1, attempts_left=2)
    assert printed(success, capsys, plain) == ">>>>>>>> Select speaker attempt 1 of 3 successfully selected: coder\n"
    carry = PostCarryoverProcessingEvent(
        chat_info={
            "sender": Agent("a"),
            "recipient": Agent("b"),
            "message": "Write a poem",
            "carryover": ["first result", {"content": "second result"}],
            "summary_method": "last_msg",
            "verbose": True,
        }
    )
    out = printed(carry, capsys, plain)
    stars = "*" * 80
    assert out == (
        f"\n{stars}\nStarting a new chat....\nEvent:\nWrite a poem\nCarryover:\nfirst result\nsecond result\n\n{stars}\n"
    )
    assert printed(SelectSpeakerEvent(agents=["a", "b"]), capsys, plain) == (
        "Please select the next speaker from the following list:\n1: a\n2: b\n"
    )
    assert printed(ConversableAgentUsageSummaryEvent(recipient=Agent("bot")), capsys, plain) == "Agent 'bot':\n"


def test_events_print_through_a_custom_function() -> None:
    lines: list[str] = []

    def capture(*objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        lines.append(sep.join(map(str, objects)) + end)

    TerminationEvent(termination_reason="stop").print(capture)
    assert len(lines) == 1 and lines[0].endswith(": stop\n")


def test_events_survive_pickle_and_deepcopy() -> None:
    import copy
    import pickle

    event = ToolCallEvent(
        tool_calls=[{"id": "c1", "function": {"name": "f", "arguments": "{}"}}], sender="a", recipient="b"
    )
    assert pickle.loads(pickle.dumps(event)) == event
    assert copy.deepcopy(event) == event
    assert isinstance(event.content, ToolCallEvent.content_model)


def test_event_ids_are_unique_version_4_uuids_and_a_forked_child_draws_its_own() -> None:
    import os

    from autogen.events.base_event import new_event_uuid

    ids = [new_event_uuid() for _ in range(5000)]
    assert len(set(ids)) == 5000
    assert {u.version for u in ids} == {4}
    assert {u.variant for u in ids} == {"specified in RFC 4122"}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report its next id and leave at once
        os.write(write, new_event_uuid().bytes)
        os._exit(0)
    os.close(write)
    child = os.read(read, 16)
    os.waitpid(pid, 0)
    os.close(read)
    mine = new_event_uuid().bytes
    # the child did not continue the parent's sequence: its id is far from the parent's next one
    assert abs(int.from_bytes(child, "big") - int.from_bytes(mine, "big")) > 1 << 64


def test_sequence_banner_dumps_its_fields_under_chat_info_and_reads_them_back() -> None:
    from autogen.events.base_event import get_event_classes

    carry = PostCarryoverProcessingEvent(
        chat_info={"sender": Agent("a"), "recipient": Agent("b"), "message": "m", "carryover": ["x"], "max_turns": 2}
    )
    dumped = carry.model_dump()
    assert set(dumped["content"]) == {"uuid", "chat_info"}
    assert dumped["content"]["chat_info"]["sender"] == "a" and dumped["content"]["chat_info"]["max_turns"] == 2
    again = get_event_classes()[dumped["type"]].model_validate(dumped)
    assert again == carry
    assert get_event_classes()[dumped["type"]].model_validate_json(carry.model_dump_json()) == carry
