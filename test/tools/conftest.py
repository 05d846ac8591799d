"""Small stand-ins for agents: tools only read `.chat_messages`, `.context_variables`, `.name`
and call `register_for_llm()` / `register_for_execution()`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


class RecordingAgent:
    """Records what the tool registration methods hand to it, like a ConversableAgent would."""

    def __init__(self, name: str = "agent", chat_messages: dict[Any, list[dict[str, Any]]] | None = None) -> None:
        self.name = name
        self.chat_messages = chat_messages if chat_messages is not None else {}
        self.context_variables: Any = None
        self.llm_tools: list[Any] = []
        self.function_map: dict[str, Callable[..., Any]] = {}

    def register_for_llm(self, **kwargs: Any) -> Callable[[Any], Any]:
        def decorator(tool: Any) -> Any:
            self.llm_tools.append(tool)
            return tool

        return decorator

    def register_for_execution(self, **kwargs: Any) -> Callable[[Any], Any]:
        def decorator(tool: Any) -> Any:
            self.function_map[tool.name] = tool.make_executable(agent=self)
            return tool

        return decorator


@pytest.fixture
def agent_cls() -> type[RecordingAgent]:
    return RecordingAgent


@pytest.fixture
def agent() -> RecordingAgent:
    return RecordingAgent(
        "executor", {"partner": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    )
