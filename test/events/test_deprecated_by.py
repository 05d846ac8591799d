"""deprecated_by: an old class name builds the new event class, renaming and defaulting arguments."""

import logging

import pytest
from pydantic import BaseModel

from autogen.events.helpers import deprecated_by


class NewEvent(BaseModel):
    content: str
    sender: str = "x"
    level: int = 0


def test_old_class_builds_new_one_with_renamed_and_default_arguments(caplog: pytest.LogCaptureFixture) -> None:
    @deprecated_by(NewEvent, param_mapping={"text": "content"}, default_params={"level": 3})
    class OldEvent(BaseModel):
        text: str

    with caplog.at_level(logging.WARNING, logger="autogen.events.helpers"):
        event = OldEvent(text="hi", sender="bob")

    assert isinstance(event, NewEvent)
    assert (event.content, event.sender, event.level) == ("hi", "bob", 3)
    assert "OldEvent is deprecated by NewEvent" in caplog.text
    assert OldEvent.__name__ == "OldEvent"


def test_given_arguments_win_over_defaults() -> None:
    factory = deprecated_by(NewEvent, default_params={"level": 3})(NewEvent)
    assert factory(content="a", level=7).level == 7
