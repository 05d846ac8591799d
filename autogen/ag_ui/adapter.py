"""`AGUIStream`: an AG2 agent answering AG-UI runs as a stream of AG-UI events.

One run: ``RUN_STARTED``; a ``STATE_SNAPSHOT`` of the context variables (when there are any, and
again whenever a tool changes them); the agent's text (``TEXT_MESSAGE_START`` / ``_CONTENT`` /
``_END`` while the model streams, else one ``TEXT_MESSAGE_CHUNK``); each tool the agent runs itself
as ``TOOL_CALL_START`` / ``_ARGS`` / ``_END`` followed by ``TOOL_CALL_RESULT``; each call of a tool
the front end declared as a ``TOOL_CALL_CHUNK`` for the client to run (the run then ends, and the
client sends the result in its next run); then ``RUN_FINISHED``, or ``RUN_ERROR`` when the agent
failed.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from ag_ui.core import (
    BaseEvent,
    RunAgentInput,
    RunErrorEvent,
    RunFinishedEvent,
    RunStartedEvent,
    StateSnapshotEvent,
    TextMessageChunkEvent,
    TextMessageContentEvent,
    TextMessageEndEvent,
    TextMessageStartEvent,
    ToolCallArgsEvent,
    ToolCallChunkEvent,
    ToolCallEndEvent,
    ToolCallResultEvent,
    ToolCallStartEvent,
)
from ag_ui.encoder import EventEncoder
from pydantic_core import to_jsonable_python

from ..agentchat.context_variables import ContextVariables
from ..agentchat.remote import AgentService, RequestMessage, ServiceResponse

if TYPE_CHECKING:
    from starlette.endpoints import HTTPEndpoint

    from ..agentchat.conversable_agent import ConversableAgent

__all__ = ["AGUIStream"]

EventInterceptor = Callable[[ServiceResponse], AsyncIterator[BaseEvent]]


def _now() -> int:
    """AG-UI timestamps: milliseconds since the epoch."""
    return int(time.time() * 1000)


class AGUIStream:
    """Serve ``agent`` to AG-UI front ends.

    ``dispatch(run_input)`` yields the encoded events of one run (SSE ``data:`` lines by default),
    ``events(run_input)`` the event objects, and ``build_asgi()`` a Starlette endpoint to mount::

        app = Starlette(routes=[Route("/agent", AGUIStream(agent).build_asgi())])

    ``event_interceptors`` are called on every step of the agent and may add events of their own.
    """

    def __init__(self, agent: ConversableAgent, *, event_interceptors: Iterable[EventInterceptor] = ()) -> None:
        self.__agent = agent
        self.__event_interceptors = list(event_interceptors)
        self.service = AgentService(agent)

    async def dispatch(
        self, incoming: RunAgentInput, *, context: dict[str, Any] | None = None, accept: str | None = None
    ) -> AsyncIterator[str]:
        """The run's events encoded for ``accept`` (SSE unless the client asks otherwise).

        ``context`` adds context variables for this run (over the agent's own and the client's state).
        An error of the agent is reported as ``RUN_ERROR`` and then raised.
        """
        encoder = EventEncoder(accept=accept)  # type: ignore[arg-type]
        async for event in self.events(incoming, context=context):
            yield encoder.encode(event)

    async def events(
        self, incoming: RunAgentInput, *, context: dict[str, Any] | None = None
    ) -> AsyncIterator[BaseEvent]:
        """The run's AG-UI events (see the module docstring for their order)."""
        state = ContextVariables()
        state.update(self.__agent.context_variables.to_dict())
        if isinstance(incoming.state, dict):
            state.update(incoming.state)
        state.update(context or {})
        run = _Run(incoming, state.data)
        async for event in run.stream(self.service, self.__event_interceptors):
            yield event

    def build_asgi(self) -> type[HTTPEndpoint]:
        """A Starlette ``HTTPEndpoint`` class: ``POST`` a ``RunAgentInput`` JSON body, get the events as SSE."""
        from .asgi import build_asgi

        return build_asgi(self)


class _Run:
    """The translation of one run's service steps into AG-UI events."""

    def __init__(self, incoming: RunAgentInput, context: dict[str, Any]) -> None:
        self.incoming = incoming
        self.context = context
        self.client_tools = [_tool_schema(tool) for tool in incoming.tools or []]
        self.client_tool_names = {t["function"]["name"] for t in self.client_tools}
        self.snapshot = _jsonable_context(context)
        self.open_message: str | None = None  # id of the text message being streamed

    async def stream(self, service: AgentService, interceptors: list[EventInterceptor]) -> AsyncIterator[BaseEvent]:
        incoming = self.incoming
        request = RequestMessage(
            messages=[m for m in map(_to_ag2_message, incoming.messages) if m is not None],
            context=self.context,
            client_tools=self.client_tools,
        )
        yield RunStartedEvent(thread_id=incoming.thread_id, run_id=incoming.run_id, timestamp=_now())
        if self.snapshot:
            yield StateSnapshotEvent(snapshot=self.snapshot, timestamp=_now())
        try:
            async for step in service(request):
                for interceptor in interceptors:
                    async for extra in interceptor(step):
                        yield extra
                for event in self._events_for(step):
                    yield event
            if self.open_message is not None:
                yield self._close_text()
        except Exception as e:
            yield RunErrorEvent(message=repr(e), timestamp=_now())
            raise
        yield RunFinishedEvent(thread_id=incoming.thread_id, run_id=incoming.run_id, timestamp=_now())

    def _close_text(self) -> BaseEvent:
        event = TextMessageEndEvent(message_id=self.open_message, timestamp=_now())
        self.open_message = None
        return event

    def _events_for(self, step: ServiceResponse) -> Iterable[BaseEvent]:
        if step.streaming_text:
            if self.open_message is None:
                self.open_message = uuid4().hex
                yield TextMessageStartEvent(message_id=self.open_message, role="assistant", timestamp=_now())
            yield TextMessageContentEvent(message_id=self.open_message, delta=step.streaming_text, timestamp=_now())
            return

        snapshot = _jsonable_context(step.context)
        if snapshot and snapshot != self.snapshot:
            self.snapshot = snapshot
            yield StateSnapshotEvent(snapshot=snapshot, timestamp=_now())

        message = step.message
        if message is not None:
            streamed = self.open_message is not None
            if streamed:
                yield self._close_text()  # the streamed text was this message's content
            responses = message.get("tool_responses") or []
            for response in responses:
                yield ToolCallResultEvent(
                    message_id=uuid4().hex,
                    tool_call_id=response.get("tool_call_id") or "",
                    content=_text(response.get("content")),
                    role="tool",
                    timestamp=_now(),
                )
            for call in message.get("tool_calls") or []:
                yield from self._tool_call_events(call)
            content = _text(message.get("content"))
            if content and not responses and not streamed:
                yield TextMessageChunkEvent(message_id=uuid4().hex, role="assistant", delta=content, timestamp=_now())

        if step.input_required:
            yield TextMessageChunkEvent(
                message_id=uuid4().hex, role="assistant", delta=step.input_required, timestamp=_now()
            )

    def _tool_call_events(self, call: dict[str, Any]) -> Iterable[BaseEvent]:
        function = call.get("function") or {}
        name = function.get("name") or ""
        call_id = call.get("id") or uuid4().hex
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            arguments = json.dumps(to_jsonable_python(arguments or {}))
        if name in self.client_tool_names:  # the front end runs it
            yield ToolCallChunkEvent(tool_call_id=call_id, tool_call_name=name, delta=arguments, timestamp=_now())
            return
        yield ToolCallStartEvent(tool_call_id=call_id, tool_call_name=name, timestamp=_now())
        yield ToolCallArgsEvent(tool_call_id=call_id, delta=arguments, timestamp=_now())
        yield ToolCallEndEvent(tool_call_id=call_id, timestamp=_now())


# ---------------------------------------------------------------------- conversions


def _tool_schema(tool: Any) -> dict[str, Any]:
    """A front-end tool as an OpenAI tool schema."""
    function: dict[str, Any] = {"name": tool.name, "description": tool.description or ""}
    if tool.parameters is not None:
        function["parameters"] = tool.parameters
    return {"type": "function", "function": function}


def _to_ag2_message(message: Any) -> dict[str, Any] | None:
    """An AG-UI message as an OpenAI-style dict (activity and reasoning messages are left out)."""
    data = message.model_dump(exclude_none=True)
    role = data.get("role")
    if role in ("system", "developer"):
        return {"role": "system", "content": _text(data.get("content"))}
    if role == "user":
        out: dict[str, Any] = {"role": "user", "content": _user_content(data.get("content"))}
    elif role == "assistant":
        out = {"role": "assistant", "content": data.get("content")}
        if data.get("tool_calls"):
            out["tool_calls"] = [
                {"id": c["id"], "type": "function", "function": dict(c["function"])} for c in data["tool_calls"]
            ]
    elif role == "tool":
        content = data.get("content")
        if data.get("error"):
            content = f"{content or ''}\nError: {data['error']}".strip()
        return {"role": "tool", "tool_call_id": data.get("tool_call_id"), "content": content}
    else:
        return None
    if data.get("name"):
        out["name"] = data["name"]
    return out


def _user_content(content: Any) -> Any:
    """User content: text as is; AG-UI content parts as OpenAI content blocks."""
    if not isinstance(content, list):
        return content
    blocks: list[dict[str, Any]] = []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            blocks.append({"type": "text", "text": part.get("text", "")})
        elif kind in ("binary", "image") and str(part.get("mime_type") or part.get("mimeType") or "").startswith(
            "image/"
        ):
            url = (
                part.get("url") or f"data:{part.get('mime_type') or part.get('mimeType')};base64,{part.get('data', '')}"
            )
            blocks.append({"type": "image_url", "image_url": {"url": url}})
    return blocks


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    return str(content)


def _jsonable_context(context: dict[str, Any] | None) -> dict[str, Any]:
    """The context variables a front end can hold: JSON values only (objects such as functions are dropped)."""
    if not context:
        return {}
    data = to_jsonable_python(context, fallback=lambda _: None, exclude_none=True) or {}
    return {k: v for k, v in data.items() if v is not None}
