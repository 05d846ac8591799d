"""The deprecated autogen.messages names still work and are the event classes."""

import importlib
import sys

import pytest


def test_old_message_names_map_onto_events() -> None:
    sys.modules.pop("autogen.messages", None)
    with pytest.warns(DeprecationWarning, match="autogen.events"):
        importlib.import_module("autogen.messages")
    from autogen.events.agent_events import TerminationAndHumanReplyNoInputEvent, TextEvent
    from autogen.events.base_event import BaseEvent
    from autogen.events.print_event import PrintEvent
    from autogen.messages import BaseMessage
    from autogen.messages.agent_messages import (
        TerminationAndHumanReplyMessage,
        TextMessage,
        create_received_message_model,
    )
    from autogen.messages.print_message import PrintMessage

    assert BaseMessage is BaseEvent
    assert TextMessage is TextEvent
    assert PrintMessage is PrintEvent
    assert TerminationAndHumanReplyMessage is TerminationAndHumanReplyNoInputEvent
    event = create_received_message_model(message={"content": "hi"}, sender="a", recipient="b")
    assert isinstance(event, TextMessage)


def test_wrap_message_tags_without_message_suffix() -> None:
    from autogen.messages.base_message import BaseMessage, get_annotated_type_for_message_classes, wrap_message

    @wrap_message
    class HelloMessage(BaseMessage):
        who: str

    msg = HelloMessage(who="x")
    assert msg.type == "hello"
    assert get_annotated_type_for_message_classes() is HelloMessage
