"""Fixtures for the v2 client tests: an IO stream that records what would be shown, and tiny retry delays."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from autogen.io.base import IOStream


class RecordingStream:
    """An IOStream that keeps the events sent and the text printed."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.printed: list[str] = []

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        self.printed.append(sep.join(map(str, objects)) + end)

    def send(self, event: Any) -> None:
        self.events.append(event)

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        return ""


@pytest.fixture
def stream() -> Iterator[RecordingStream]:
    """A RecordingStream installed as the default IOStream for the test."""
    s = RecordingStream()
    with IOStream.set_default(s):
        yield s


@pytest.fixture
def fast() -> Any:
    """``fast(config_list)``: the config list with tiny back-off delays (retry tests stay fast)."""
    return lambda config_list: [{**c, "retry_base_delay": 0.001, "retry_max_delay": 0.01} for c in config_list]
