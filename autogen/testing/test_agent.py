"""`TestAgent`: make an agent answer from a script for the length of a ``with`` block, and
`ToolCall` / `tools_message` to script tool-call answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

__all__ = ["TestAgent", "ToolCall", "tools_message"]


@dataclass
class _ScriptedChoice:
    message: dict[str, Any]
    finish_reason: str = "stop"


@dataclass
class _ScriptedResponse:
    choices: list[_ScriptedChoice]
    model: str = "fake-model"
    cost: float = 0.0
    usage: Any = None

    def message_retrieval_function(self) -> list[dict[str, Any]]:
        return [c.message for c in self.choices]


@dataclass
class _ScriptedClient:
    """Stands in for the agent's ``client`` (an OpenAIWrapper): each call takes the next answer."""

    answers: Iterator[dict[str, Any]]
    total_usage_summary: Any = None
    actual_usage_summary: Any = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def create(self, **params: Any) -> _ScriptedResponse:
        self.calls.append(params)
        return _ScriptedResponse(choices=[_ScriptedChoice(next(self.answers))])

    def extract_text_or_completion_object(self, response: _ScriptedResponse) -> list[dict[str, Any]]:
        return response.message_retrieval_function()


def _as_message(answer: str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(answer, str):
        return {"content": answer}
    return {"role": "assistant", **answer}


class TestAgent:
    """Inside ``with TestAgent(agent, answers):`` the agent's LLM answers with ``answers`` in order
    (strings, or message dicts such as ``tools_message(...)``; any iterable, even an endless one)
    and never asks a human; both are restored on exit.

    When the answers run out the LLM call raises StopIteration; ``suppress_messages_end=True``
    makes the ``with`` block swallow it (the chat simply ends there)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, agent: Any, messages: Iterable[str | dict[str, Any]] = (), *, suppress_messages_end: bool = False
    ) -> None:
        self.agent = agent
        self.suppress_messages_end = suppress_messages_end
        self._client = _ScriptedClient(map(_as_message, messages))
        self._saved: tuple[Any, Any] | None = None

    def __enter__(self) -> None:
        self._saved = (self.agent.client, self.agent.human_input_mode)
        self.agent.client = self._client
        self.agent.human_input_mode = "NEVER"

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        if self._saved is not None:
            self.agent.client, self.agent.human_input_mode = self._saved
            self._saved = None
        if isinstance(exc, StopIteration):
            return self.suppress_messages_end
        return None


class ToolCall:
    """One scripted tool call: ``ToolCall("add", a=1, b=2)`` (a fresh ``call_<uuid>`` id)."""

    def __init__(self, tool_name: str, /, **arguments: Any) -> None:
        self.tool_message: dict[str, Any] = {
            "id": f"call_{uuid.uuid4()}",
            "type": "function",
            "function": {"name": tool_name, "arguments": json.dumps(arguments, separators=(",", ":"))},
        }

    def to_message(self) -> dict[str, Any]:
        """An assistant message making just this call."""
        return tools_message(self)


def tools_message(*tool_calls: ToolCall) -> dict[str, Any]:
    """An assistant message (no text) making ``tool_calls``."""
    return {"content": None, "tool_calls": [c.tool_message for c in tool_calls]}
