"""Fixtures for pattern group-chat tests: a fake LLM server and a per-agent reply router."""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

import pytest

from autogen.testing import FakeLLMServer


class AgentRouter:
    """Answers each request from the script of the agent that sent it.

    Each agent's system message must contain ``[agent:<name>]``; the router also records, per
    agent, the request bodies it answered.
    """

    def __init__(self) -> None:
        self.scripts: dict[str, deque[Any]] = defaultdict(deque)
        self.requests: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, agent: str, *replies: Any) -> AgentRouter:
        self.scripts[agent].extend(replies)
        return self

    @staticmethod
    def agent_of(request: Any) -> str:
        system = next((m.get("content") or "" for m in request.messages if m.get("role") == "system"), "")
        marker = system.find("[agent:")
        return system[marker + 7 : system.find("]", marker)] if marker >= 0 else ""

    def __call__(self, request: Any) -> Any:
        agent = self.agent_of(request)
        self.requests[agent].append(request.body)
        script = self.scripts.get(agent)
        if not script:
            raise AssertionError(f"No scripted reply left for agent {agent!r}")
        return script.popleft()


def system_for(name: str, text: str = "You help.") -> str:
    return f"[agent:{name}] {text}"


@pytest.fixture
def router():
    return AgentRouter()


@pytest.fixture
def routed_server(router):
    with FakeLLMServer(router) as server:
        yield server


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        yield s
