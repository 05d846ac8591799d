"""Fixtures for the LLM client tests: a real fake-LLM HTTP server and a recording IO stream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from autogen.testing import FakeLLMServer


class RecordingStream:
    """An IOStream that keeps what would have been printed or sent."""

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
def server() -> Iterator[FakeLLMServer]:
    """A started FakeLLMServer with an empty script."""
    with FakeLLMServer() as s:
        yield s


@pytest.fixture
def backup() -> Iterator[FakeLLMServer]:
    """A second server, for fallback tests."""
    with FakeLLMServer(model="backup-model") as s:
        yield s


@pytest.fixture
def recording_stream() -> Iterator[RecordingStream]:
    """Install a RecordingStream as the default IOStream for the test."""
    from autogen.io.base import IOStream

    stream = RecordingStream()
    with IOStream.set_default(stream):
        yield stream


def _fast(config_list: list[dict[str, Any]], **extra: Any) -> list[dict[str, Any]]:
    return [{**c, "retry_base_delay": 0.001, "retry_max_delay": 0.01, **extra} for c in config_list]


@pytest.fixture
def fast() -> Any:
    """``fast(config_list, **extra)``: the config list with tiny back-off delays (retry tests stay fast)."""
    return _fast
