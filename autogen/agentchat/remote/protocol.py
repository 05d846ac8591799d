"""The messages a remote-agent service exchanges with its clients, independent of the wire protocol."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["AgentBusMessage", "RequestMessage", "ResponseMessage", "ServiceResponse", "get_tool_names"]


class AgentBusMessage(BaseModel):
    """A history of OpenAI-style message dicts plus the context variables that travel with it."""

    messages: list[dict[str, Any]] = Field(default_factory=list)
    context: dict[str, Any] | None = None


class RequestMessage(AgentBusMessage):
    """What a client sends: the conversation so far and the tools the client runs itself."""

    client_tools: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def client_tool_names(self) -> set[str]:
        """Names of the client-side tools (a call to one of them ends the remote turn)."""
        return get_tool_names(self.client_tools)


class ResponseMessage(AgentBusMessage):
    """What a client gets back; ``input_required`` holds the prompt when the remote side needs a human."""

    input_required: str | None = None


class ServiceResponse(BaseModel):
    """One step of a served reply: a message, a chunk of streamed text, or a request for input."""

    message: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    input_required: str | None = None
    streaming_text: str | None = None


def get_tool_names(tools: list[dict[str, Any]]) -> set[str]:
    """The function names declared in OpenAI-style tool schemas (entries without one are skipped)."""
    names = ((tool.get("function") or {}).get("name") for tool in tools)
    return {name for name in names if name}
