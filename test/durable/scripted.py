"""The fake LLM's answers for the durable chats of durable_app.py: a function of the request alone
(the chat's tag, the asking agent, the number of messages), so a chat resumed after a crash gets
the same answers as an uninterrupted one, and a count of the requests per (tag, agent, length)
shows which model calls were made more than once."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from autogen.testing import tool_call
from autogen.testing.recorded import RecordedRequest

_TAG = re.compile(r"\[chat:([^\]]+)\]")


class Responder:
    """A FakeLLMServer reply callable. ``hold[(tag, agent, n)] = seconds`` delays that answer (a
    test kills the worker meanwhile); ``code_log_dirs[tag]`` is where code_chat's blocks log."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str, int]] = Counter()
        self.hold: dict[tuple[str, str, int], float] = {}
        self.code_log_dirs: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> dict[str, Any]:
        messages = request.messages
        tag = next((m.group(1) for msg in messages if (m := _TAG.search(str(msg.get("content") or "")))), "?")
        system = str(messages[0].get("content") or "") if messages and messages[0].get("role") == "system" else ""
        agent = system[len("agent=") :].split()[0] if system.startswith("agent=") else "selector"
        key = (tag, agent, len(messages))
        with self._lock:
            self.calls[key] += 1
            delay = self.hold.get(key, 0.0)
        reply = self.answer(tag, agent, messages)
        if delay:
            reply["delay"] = delay
        return reply

    def entered(self, key: tuple[str, str, int]) -> bool:
        with self._lock:
            return self.calls[key] > 0

    def repeated(self, tag: str) -> dict[tuple[str, str, int], int]:
        """The model calls of chat ``tag`` made more than once."""
        with self._lock:
            return {k: c for k, c in self.calls.items() if k[0] == tag and c > 1}

    def count(self, tag: str) -> int:
        with self._lock:
            return sum(c for k, c in self.calls.items() if k[0] == tag)

    def answer(self, tag: str, agent: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(messages)
        kind = tag.split("-")[0]
        if kind == "tools":
            if n in (2, 4):
                i = n // 2
                return {"tool_calls": [tool_call("note", {"i": i}, id=f"call_note_{i}")]}
            return {"content": "all noted TERMINATE"}
        if kind == "code":
            if n in (2, 4):
                from durable_app import code_block

                return {"content": code_block(self.code_log_dirs[tag], tag, n // 2)}
            return {"content": "TERMINATE"}
        if kind == "group":
            if agent == "selector":
                return {"content": ("bob", "carol", "alice")[n % 3]}
            return {"content": f"{agent} says {n}"}
        if kind == "pattern":
            if agent == "a":
                return {"tool_calls": [tool_call("route", {"x": 5}, id="call_route")]}
            if messages[-1].get("role") == "tool" and "x is" in str(messages[-1].get("content")):
                return {"content": f"done: {messages[-1].get('content')}"}
            return {"tool_calls": [tool_call("read_x", {}, id="call_read_x")]}
        return {"content": f"{agent} answer {n}"}
