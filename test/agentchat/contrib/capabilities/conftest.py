"""Fixtures for the message-transform tests: sample histories and a stand-in agent with hooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


class HookedAgent:
    """The part of ConversableAgent a capability talks to: ``name`` and ``register_hook``."""

    def __init__(self, name: str = "assistant") -> None:
        self.name = name
        self.hooks: dict[str, list[Callable[..., Any]]] = {"process_all_messages_before_reply": []}

    def register_hook(self, hookable_method: str, hook: Callable[..., Any]) -> None:
        if hookable_method not in self.hooks:
            raise ValueError(f"{hookable_method} is not a hookable method")
        self.hooks[hookable_method].append(hook)

    def process_all_messages_before_reply(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for hook in self.hooks["process_all_messages_before_reply"]:
            messages = hook(messages)
        return messages


class RecordingStream:
    """An IOStream that keeps what is printed."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        self.lines.append(sep.join(str(o) for o in objects))

    def send(self, event: Any) -> None:
        self.lines.append(repr(event))

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        return ""


@pytest.fixture
def agent() -> HookedAgent:
    return HookedAgent()


@pytest.fixture
def stream() -> RecordingStream:
    from autogen.io.base import IOStream

    recorder = RecordingStream()
    with IOStream.set_default(recorder):
        yield recorder
