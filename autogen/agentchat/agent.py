"""The `Agent` and `LLMAgent` protocols: what any participant in a conversation provides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..tools.tool import Tool

__all__ = ["Agent", "LLMAgent"]


@runtime_checkable
class Agent(Protocol):
    """Anything that can send, receive and generate replies. Also used as a reply trigger meaning "any agent"."""

    @property
    def name(self) -> str:
        """The agent's name, unique within a conversation."""
        ...

    @property
    def description(self) -> str:
        """What the agent does; group chats use it to pick the next speaker."""
        ...

    def send(self, message: dict[str, Any] | str, recipient: Agent, request_reply: bool | None = None) -> None:
        """Send a message to another agent."""
        ...

    async def a_send(self, message: dict[str, Any] | str, recipient: Agent, request_reply: bool | None = None) -> None:
        """Async twin of `send`."""
        ...

    def receive(self, message: dict[str, Any] | str, sender: Agent, request_reply: bool | None = None) -> None:
        """Receive a message from another agent."""
        ...

    async def a_receive(self, message: dict[str, Any] | str, sender: Agent, request_reply: bool | None = None) -> None:
        """Async twin of `receive`."""
        ...

    def generate_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, **kwargs: Any
    ) -> str | dict[str, Any] | None:
        """Produce a reply to the given messages."""
        ...

    async def a_generate_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, **kwargs: Any
    ) -> str | dict[str, Any] | None:
        """Async twin of `generate_reply`."""
        ...

    def set_ui_tools(self, tools: list[Tool]) -> None:
        """Offer UI-side tools to the agent's LLM."""
        ...

    def unset_ui_tools(self, tools: list[Tool]) -> None:
        """Withdraw UI-side tools."""
        ...


@runtime_checkable
class LLMAgent(Agent, Protocol):
    """An agent backed by an LLM, with a system message."""

    @property
    def system_message(self) -> str:
        """The system message sent first in every LLM request."""
        ...

    def update_system_message(self, system_message: str) -> None:
        """Replace the system message."""
        ...
