"""ag2's logging helpers: event_print through logging, to_dict, secret names, FileLogger without start()."""

from __future__ import annotations

import io
import json
import logging
from pathlib import PurePosixPath

from autogen.logger import FileLogger
from autogen.logger.logger_utils import (
    REDACTED,
    EventStreamHandler,
    event_print,
    is_secret_key,
    to_dict,
    without_secrets,
)


def test_event_print_goes_through_a_logger_with_its_end_and_flush() -> None:
    stream = io.StringIO()
    log = logging.getLogger("test.event_print")
    handler = EventStreamHandler(stream)
    log.handlers, log.propagate = [handler], False
    event_print("a", "b", sep="+", end="|", logger=log, level=logging.WARNING)
    event_print("c", logger=log, level=logging.WARNING)
    assert stream.getvalue() == "a+b|c\n"


def test_handler_without_stream_follows_the_current_stdout(capsys) -> None:
    log = logging.getLogger("test.event_print.stdout")
    log.handlers, log.propagate = [EventStreamHandler()], False
    event_print("to stdout", logger=log, level=logging.WARNING)
    assert capsys.readouterr().out == "to stdout\n"


def test_to_dict_flattens_objects() -> None:
    class Thing:
        def __init__(self) -> None:
            self.path = PurePosixPath("/x/y")
            self.items = [1, {"keep": 2, "drop": 3}]
            self.hidden = "h"

    assert to_dict(Thing(), exclude=("drop", "hidden")) == {"path": "/x/y", "items": [1, {"keep": 2}]}
    assert to_dict([Thing()], no_recursive=(Thing,))[0].startswith("<")


def test_secret_names() -> None:
    for name in ("api_key", "OPENAI_API_KEY", "aws_access_key", "access_token", "Authorization", "password"):
        assert is_secret_key(name), name
    for name in ("key", "other_key", "cache_key", "max_tokens", "model"):
        assert not is_secret_key(name), name
    assert without_secrets({"a": [{"api_key": "s", "model": "m"}]}) == {"a": [{"model": "m"}]}
    assert REDACTED == "***REDACTED***"


def test_file_logger_writes_without_start(tmp_path) -> None:
    path = tmp_path / "x.log"
    log = FileLogger({"filename": str(path)})
    log.log_event("src", "evt", key="value", api_key="sk-secret-value-1234567890")
    log.stop()
    record = json.loads(path.read_text().splitlines()[0])
    assert record["event_name"] == "evt"
    assert json.loads(record["json_state"]) == {"key": "value", "api_key": REDACTED}
