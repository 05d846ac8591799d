"""Conversions between AG2 messages and A2A objects.

AG2 code works on the A2A v0.3 pydantic shapes (``a2a.compat.v0_3.types``: ``Message``, ``Part``,
``Task``, ``Artifact``, ``AgentCard``), which is what users of ``autogen.a2a`` see; the SDK's client
and server speak the protobuf types of A2A 1.x, and the ``to_core_*`` / ``to_compat_*`` helpers
here translate at that boundary.

One AG2 message (an OpenAI-style dict) travels as one ``TextPart``: its ``content`` is the text and
the other keys (``role``, ``name``, ``tool_calls``, ...) ride in the part's metadata. Context
variables and client-side tools ride in the A2A message's metadata under ``ag2_*`` keys.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any
from uuid import uuid4

from a2a.compat.v0_3 import conversions as _conv
from a2a.compat.v0_3.types import (
    AgentCard,
    Artifact,
    DataPart,
    Message,
    Part,
    Role,
    Task,
    TaskArtifactUpdateEvent,
    TaskState,
    TaskStatusUpdateEvent,
    TextPart,
)
from a2a.types import a2a_pb2 as _pb

from ..agentchat.remote.protocol import RequestMessage, ResponseMessage
from ..events.client_events import StreamEvent
from .constants import A2UI_MIME_TYPE

__all__ = [
    "AG2_METADATA_KEY_PREFIX",
    "CLIENT_TOOLS_KEY",
    "CONTEXT_KEY",
    "EXTENDED_AGENT_CARD_PATH",
    "PREV_AGENT_CARD_WELL_KNOWN_PATH",
    "RESULT_ARTIFACT_NAME",
    "ClientStreamEvent",
    "copy_artifact",
    "get_message_text",
    "make_artifact",
    "make_async_card_modifier",
    "make_async_extended_card_modifier",
    "make_input_required_message",
    "message_from_part",
    "message_to_part",
    "new_agent_text_message",
    "new_artifact",
    "request_message_from_a2a",
    "request_message_to_a2a",
    "response_message_from_a2a_artifacts",
    "response_message_from_a2a_message",
    "response_message_from_a2a_task",
    "to_compat_agent_card",
    "to_core_agent_card",
    "to_core_message",
    "to_core_parts",
    "update_artifact_to_streaming",
]

AG2_METADATA_KEY_PREFIX = "ag2_"
CLIENT_TOOLS_KEY = f"{AG2_METADATA_KEY_PREFIX}client_tools"
CONTEXT_KEY = f"{AG2_METADATA_KEY_PREFIX}context_update"
RESULT_ARTIFACT_NAME = "result"

# A2A 1.x serves the extended card here (REST binding); the SDK has no constant for it.
EXTENDED_AGENT_CARD_PATH = "/extendedAgentCard"
# Where A2A v0.3 servers published their public card (1.x: /.well-known/agent-card.json).
PREV_AGENT_CARD_WELL_KNOWN_PATH = "/.well-known/agent.json"

ClientStreamEvent = Message | tuple[Task, TaskStatusUpdateEvent | TaskArtifactUpdateEvent | None]
"""What the remote agent's streams yield: a standalone agent ``Message``, or the task as known so far
together with the update that changed it (None for a whole-task snapshot)."""


# ---------------------------------------------------------------------- small builders


def get_message_text(message: Message, delimiter: str = "\n") -> str:
    """The text parts of ``message`` joined by ``delimiter``."""
    return delimiter.join(p.root.text for p in message.parts if isinstance(p.root, TextPart))


def new_artifact(name: str, parts: list[Part], description: str | None = None) -> Artifact:
    """An artifact with a fresh id."""
    return Artifact(artifact_id=uuid4().hex, name=name, parts=parts, description=description)


def new_agent_text_message(text: str, *, context_id: str | None = None, task_id: str | None = None) -> Message:
    """An agent message holding one text part."""
    return Message(
        role=Role.agent,
        parts=[Part(root=TextPart(text=text))],
        message_id=uuid4().hex,
        context_id=context_id,
        task_id=task_id,
    )


# ---------------------------------------------------------------------- one message <-> one part


def message_to_part(message: dict[str, Any]) -> Part:
    """One AG2 message as a text part: ``content`` is the text, the other keys its metadata."""
    rest = dict(message)
    text = rest.pop("content", None) or ""
    if not isinstance(text, str):
        # multimodal content (a list of blocks) keeps its shape in the metadata
        rest["content"] = text
        text = ""
    return Part(root=TextPart(text=text, metadata=rest or None))


def message_from_part(part: Part) -> dict[str, Any]:
    """The AG2 message a part stands for (the inverse of `message_to_part` for text parts)."""
    root = part.root
    if isinstance(root, TextPart):
        metadata = dict(root.metadata or {})
        if "content" in metadata and not root.text:
            return metadata  # multimodal content carried in the metadata
        return {**metadata, "content": root.text}
    if isinstance(root, DataPart):
        result = root.data.get(RESULT_ARTIFACT_NAME)
        if (  # pydantic-ai wraps structured results as {"result": {...}} with a json_schema
            set(root.data) == {RESULT_ARTIFACT_NAME}
            and root.metadata
            and "json_schema" in root.metadata
            and isinstance(result, dict)
        ):
            return dict(result)
        return dict(root.data)
    raise NotImplementedError(f"Unsupported part type: {type(root)}")


def _is_a2ui(part: Part) -> bool:
    root = part.root
    return isinstance(root, DataPart) and bool(root.metadata) and root.metadata.get("mimeType") == A2UI_MIME_TYPE


def _messages_from_parts(parts: list[Part], *, separate_texts: bool) -> list[dict[str, Any]]:
    """Messages for a reply's parts. Text parts are kept one per message (``separate_texts``) or
    joined into one; data parts are one message each; with any A2UI data part, all of it is merged
    into a single message so the UI payload and its text arrive together."""
    texts = [p for p in parts if isinstance(p.root, TextPart)]
    datas = [p for p in parts if not isinstance(p.root, TextPart)]
    if any(_is_a2ui(p) for p in datas):
        combined: dict[str, Any] = {}
        if texts:
            combined["content"] = "\n".join(p.root.text for p in texts)  # type: ignore[union-attr]
        for p in datas:
            combined.update(message_from_part(p))
        return [combined]
    if separate_texts and not datas:
        return [message_from_part(p) for p in texts]
    messages: list[dict[str, Any]] = []
    if len(texts) == 1 and not separate_texts:
        messages.append(message_from_part(texts[0]))
    elif texts:
        messages.append({"content": "\n".join(p.root.text for p in texts)})  # type: ignore[union-attr]
    messages.extend(message_from_part(p) for p in datas)
    return messages


# ---------------------------------------------------------------------- requests


def request_message_to_a2a(
    request_message: RequestMessage, context_id: str, extra_parts: list[Part] | None = None
) -> Message:
    """The A2A user message carrying a request: one part per history message, context and client
    tools in the metadata."""
    metadata: dict[str, Any] = {}
    if request_message.client_tools:
        metadata[CLIENT_TOOLS_KEY] = request_message.client_tools
    if request_message.context:
        metadata[CONTEXT_KEY] = request_message.context
    parts = [message_to_part(m) for m in request_message.messages]
    parts.extend(extra_parts or ())
    return Message(
        role=Role.user,
        parts=parts,
        message_id=uuid4().hex,
        context_id=context_id,
        metadata=metadata or None,
    )


def request_message_from_a2a(message: Message) -> RequestMessage:
    """The request an incoming A2A message carries (see `request_message_to_a2a`)."""
    metadata = message.metadata or {}
    return RequestMessage(
        messages=[message_from_part(p) for p in message.parts],
        context=metadata.get(CONTEXT_KEY),
        client_tools=metadata.get(CLIENT_TOOLS_KEY) or [],
    )


# ---------------------------------------------------------------------- responses


def response_message_from_a2a_message(message: Message) -> ResponseMessage | None:
    """The reply carried by a standalone agent message (no task)."""
    for part in message.parts:
        if not isinstance(part.root, (TextPart, DataPart)):
            raise NotImplementedError(f"Unsupported part type: {type(part.root)}")
    return ResponseMessage(
        messages=_messages_from_parts(message.parts, separate_texts=False),
        context=(message.metadata or {}).get(CONTEXT_KEY),
    )


def response_message_from_a2a_artifacts(artifacts: list[Artifact] | None) -> ResponseMessage | None:
    """The reply held by a task's result artifact; None when there is nothing in it."""
    if not artifacts:
        return None
    if len(artifacts) > 1:
        raise NotImplementedError("Multiple artifacts are not supported")
    artifact = artifacts[0]
    if not artifact.parts:
        return None
    return ResponseMessage(
        messages=_messages_from_parts(artifact.parts, separate_texts=True),
        context=(artifact.metadata or {}).get(CONTEXT_KEY),
    )


def response_message_from_a2a_task(task: Task) -> ResponseMessage | None:
    """The reply a finished (or input-required) task stands for. Its messages are the task history
    followed by the result, so a client can resend them with the human's answer appended."""
    history = [message_from_part(p) for m in task.history or [] for p in m.parts]
    if task.status.state is TaskState.input_required:
        prompt: str | None = None
        context: dict[str, Any] | None = None
        if task.history:
            last = task.history[-1]
            prompt = get_message_text(last)
            context = (last.metadata or {}).get(CONTEXT_KEY)
            if history and "role" not in history[-1]:
                history[-1]["role"] = "assistant"
        return ResponseMessage(messages=history, input_required=prompt or "Please provide input:", context=context)
    response = response_message_from_a2a_artifacts(task.artifacts)
    if response is None:
        # no result artifact: the answer is the status message (as A2UI agents send it)
        status_message = task.status.message
        if status_message is None or status_message.role is not Role.agent or not status_message.parts:
            return None
        finals = {status_message.message_id}
        history = [message_from_part(p) for m in task.history or [] if m.message_id not in finals for p in m.parts]
        response = response_message_from_a2a_message(status_message)
        if response is None:
            return None
    response.messages = history + response.messages
    return response


def update_artifact_to_streaming(event: TaskArtifactUpdateEvent) -> Iterator[StreamEvent]:
    """Stream events for the text of a non-final artifact chunk (a final chunk holds the whole reply)."""
    if event.last_chunk is not False:
        return
    for part in event.artifact.parts:
        root = part.root
        if isinstance(root, TextPart):
            yield StreamEvent(content=root.text)
        elif isinstance(root, DataPart):
            yield StreamEvent(content=str(root.data.get("content", "") or ""))


# ---------------------------------------------------------------------- server-side builders


def make_artifact(
    message: dict[str, Any] | None, context: dict[str, Any] | None = None, name: str = RESULT_ARTIFACT_NAME
) -> Artifact:
    """The result artifact for ``message`` (none: no parts), context variables in its metadata."""
    artifact = new_artifact(name=name, parts=[message_to_part(message)] if message else [])
    if context:
        artifact.metadata = {CONTEXT_KEY: context}
    return artifact


def copy_artifact(
    artifact: Artifact, message: dict[str, Any] | None, context: dict[str, Any] | None = None
) -> Artifact:
    """``artifact`` now holding ``message``; context variables are merged with those it had."""
    metadata = dict(artifact.metadata or {})
    merged = {**(metadata.get(CONTEXT_KEY) or {}), **(context or {})}
    if merged:
        metadata[CONTEXT_KEY] = merged
    return Artifact(
        artifact_id=artifact.artifact_id,
        name=artifact.name,
        description=artifact.description,
        parts=[message_to_part(message)] if message else [],
        metadata=metadata or None,
        extensions=artifact.extensions,
    )


def make_input_required_message(
    text: str, context_id: str, task_id: str, context: dict[str, Any] | None = None
) -> Message:
    """The agent message asking the client's human for input."""
    message = new_agent_text_message(text=text, context_id=context_id, task_id=task_id)
    if context:
        message.metadata = {CONTEXT_KEY: context}
    return message


# ---------------------------------------------------------------------- v0.3 pydantic <-> 1.x protobuf


def to_core_agent_card(card: AgentCard) -> _pb.AgentCard:
    """A v0.3 pydantic card as the SDK's protobuf card."""
    return _conv.to_core_agent_card(card)


def to_compat_agent_card(card: _pb.AgentCard) -> AgentCard:
    """The SDK's protobuf card as a v0.3 pydantic card."""
    return _conv.to_compat_agent_card(card)


def to_core_message(message: Message) -> _pb.Message:
    """A v0.3 pydantic message as the SDK's protobuf message."""
    return _conv.to_core_message(message)


def to_core_parts(parts: Iterable[Part]) -> list[_pb.Part]:
    """v0.3 pydantic parts as the SDK's protobuf parts."""
    return [_conv.to_core_part(p) for p in parts]


def make_async_card_modifier(
    modifier: Callable[[AgentCard], AgentCard],
) -> Callable[[_pb.AgentCard], Awaitable[_pb.AgentCard]]:
    """The SDK's async, protobuf-typed card hook running a sync, pydantic-typed ``modifier``."""

    async def hook(card: _pb.AgentCard) -> _pb.AgentCard:
        return to_core_agent_card(modifier(to_compat_agent_card(card)))

    return hook


def make_async_extended_card_modifier(
    modifier: Callable[[AgentCard, Any], AgentCard],
) -> Callable[[_pb.AgentCard, Any], Awaitable[_pb.AgentCard]]:
    """Like `make_async_card_modifier` for the extended card (the call context goes along)."""

    async def hook(card: _pb.AgentCard, call_context: Any) -> _pb.AgentCard:
        return to_core_agent_card(modifier(to_compat_agent_card(card), call_context))

    return hook
