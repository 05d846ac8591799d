"""`A2aRemoteAgent`: an agent served elsewhere over A2A, usable like a local `ConversableAgent`."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from pprint import pformat
from typing import Any
from uuid import uuid4

import httpx
from a2a.client import A2ACardResolver, A2AClientError, Client, ClientCallInterceptor, ClientConfig
from a2a.client import ClientFactory as A2AClientFactory
from a2a.client.errors import AgentCardResolutionError
from a2a.compat.v0_3 import conversions as _conv
from a2a.compat.v0_3.types import AgentCard, Message, Task, TaskArtifactUpdateEvent, TaskState, TaskStatus
from a2a.types import a2a_pb2 as _pb
from a2a.utils.constants import AGENT_CARD_WELL_KNOWN_PATH
from a2a.utils.errors import A2AError, TaskNotFoundError
from typing_extensions import Self

from ..agentchat.conversable_agent import ConversableAgent
from ..agentchat.remote import RequestMessage, ResponseMessage
from ..events.agent_events import TerminationEvent
from ..io.base import IOStream
from .client_factory import ClientFactory, EmptyClientFactory
from .errors import A2aAgentNotFoundError, A2aClientError
from .utils import (
    EXTENDED_AGENT_CARD_PATH,
    PREV_AGENT_CARD_WELL_KNOWN_PATH,
    ClientStreamEvent,
    request_message_to_a2a,
    response_message_from_a2a_message,
    response_message_from_a2a_task,
    to_compat_agent_card,
    to_core_agent_card,
    to_core_message,
    update_artifact_to_streaming,
)

__all__ = ["A2aRemoteAgent"]

logger = logging.getLogger(__name__)

# network failures: the SDK wraps httpx errors in A2AClientError, a test transport may not
_CONNECTION_ERRORS = (httpx.TransportError, A2AClientError)


class A2aRemoteAgent(ConversableAgent):
    """An agent living behind an A2A server, taking part in chats like a local agent.

    Its reply sends the conversation (with the context variables and the tools registered on it,
    which run on this side) to the server and returns the remote agent's answer. It streams when
    the card says the server can, else it polls; a dropped connection is picked up again (the task
    re-subscribed or, when the server restarted and lost it, sent again) up to ``max_reconnects``
    times. When the remote agent needs a human, this agent asks through its own input.

    Args:
        url: base URL of the A2A server (its card is read from there).
        name: the agent's name in this process.
        silent: whether to print messages sent (None: each call decides).
        client: factory of the httpx clients to use (default: plain clients, 30 s timeout).
        client_config: A2A client configuration.
        interceptors: A2A client call interceptors.
        max_reconnects: attempts to reach the task again after a failure, before giving up.
        polling_interval: seconds between polls of a server that does not stream; also the pause
            before each reconnection attempt.
    """

    def __init__(
        self,
        url: str,
        name: str,
        *,
        silent: bool | None = None,
        client: ClientFactory | None = None,
        client_config: ClientConfig | None = None,
        interceptors: Sequence[ClientCallInterceptor] = (),
        max_reconnects: int = 3,
        polling_interval: float = 0.5,
    ) -> None:
        self.url = url
        self._httpx_client_factory = client or EmptyClientFactory()
        self._max_reconnects = max_reconnects
        self._polling_interval = polling_interval
        super().__init__(name, silent=silent, llm_config=False)
        self._client_tools_config: dict[str, Any] = {}
        self._client_config = client_config or ClientConfig()
        self._interceptors = list(interceptors)
        self._agent_card: AgentCard | None = None
        self.replace_reply_func(ConversableAgent.generate_oai_reply, A2aRemoteAgent.generate_remote_reply)
        self.replace_reply_func(ConversableAgent.a_generate_oai_reply, A2aRemoteAgent.a_generate_remote_reply)

    @classmethod
    def from_card(
        cls,
        card: AgentCard,
        *,
        silent: bool | None = None,
        client: ClientFactory | None = None,
        client_config: ClientConfig | None = None,
        max_reconnects: int = 3,
        polling_interval: float = 0.5,
        interceptors: Sequence[ClientCallInterceptor] = (),
    ) -> Self:
        """The remote agent a known card describes (no card is fetched; ``url`` is ``"UNKNOWN"``)."""
        agent = cls(
            url="UNKNOWN",
            name=card.name,
            silent=silent,
            client=client,
            client_config=client_config,
            max_reconnects=max_reconnects,
            polling_interval=polling_interval,
            interceptors=interceptors,
        )
        agent._agent_card = card
        return agent

    # ------------------------------------------------------------------ tools run on this side

    def update_tool_signature(
        self, tool_sig: str | dict[str, Any], is_remove: bool, silent_override: bool = False
    ) -> None:
        """Declare (or drop) a tool the remote agent may call and this side runs."""
        tools = list(self._client_tools_config.get("tools") or [])
        name = tool_sig if isinstance(tool_sig, str) else tool_sig["function"]["name"]
        tools = [t for t in tools if t["function"]["name"] != name]
        if not is_remove:
            if not isinstance(tool_sig, dict):
                raise ValueError(f"The tool signature must be of the type dict. Received {type(tool_sig)}")
            tools.append(tool_sig)
        self._client_tools_config["tools"] = tools

    def _assert_llm(self, action: str) -> None:
        """Tools may be registered for the remote side's LLM although this agent has no LLM."""

    # ------------------------------------------------------------------ replies

    def generate_remote_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: ConversableAgent | None = None,
        config: Any | None = None,
    ) -> tuple[bool, dict[str, Any] | None]:
        """Sync twin of `a_generate_remote_reply` (runs it on an event loop of its own)."""
        result: list[tuple[bool, dict[str, Any] | None]] = []
        errors: list[BaseException] = []
        stream = IOStream.get_default()

        def run() -> None:
            try:
                with IOStream.set_default(stream):
                    result.append(asyncio.run(self.a_generate_remote_reply(messages, sender, config)))
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                errors.append(e)

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            run()
        else:  # called from inside a running loop: use another thread
            thread = threading.Thread(target=run, name=f"a2a-{self.name}")
            thread.start()
            thread.join()
        if errors:
            raise errors[0]
        return result[0]

    async def a_generate_remote_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: ConversableAgent | None = None,
        config: Any | None = None,
        extra_parts: list[Any] | None = None,
    ) -> tuple[bool, dict[str, Any] | None]:
        """Ask the remote agent to answer ``messages`` (default: the conversation with ``sender``)."""
        if messages is None:
            messages = list(self._oai_messages[sender])  # type: ignore[index]
        if not self._agent_card:
            self._agent_card = await self._get_agent_card()
        card = self._agent_card
        context_id = uuid4().hex
        iostream = IOStream.get_default()

        self._client_config.httpx_client = self._httpx_client_factory()
        async with self._client_config.httpx_client:
            client = A2AClientFactory(self._client_config).create(
                to_core_agent_card(card), interceptors=self._interceptors
            )
            continued: Task | None = None  # the task that asked for the input being sent
            while True:
                outgoing = request_message_to_a2a(
                    RequestMessage(
                        messages=messages,
                        context=self.context_variables.data,
                        client_tools=self._client_tools_config.get("tools", []),
                    ),
                    context_id=context_id,
                    extra_parts=extra_parts,
                )
                if continued is not None:
                    outgoing.task_id, outgoing.context_id = continued.id, continued.context_id
                events = (
                    self._ask_streaming(client, outgoing)
                    if card.capabilities.streaming
                    else self._ask_polling(client, outgoing)
                )
                reply: ResponseMessage | None = None
                task: Task | None = None
                # read every event (no break) so the HTTP response is closed properly
                try:
                    async for event in events:
                        if isinstance(event, Message):
                            reply = response_message_from_a2a_message(event)
                            continue
                        task, update = event
                        if isinstance(update, TaskArtifactUpdateEvent):
                            for chunk in update_artifact_to_streaming(update):
                                iostream.send(chunk)
                        if _is_task_completed(task):
                            reply = response_message_from_a2a_task(task)
                except A2AError as e:  # an error the server reported (e.g. the agent raised)
                    raise A2aClientError(f"Task failed on the remote agent {self.name!r}: {e}") from e

                if reply is None or not reply.messages and reply.input_required is None:
                    return True, None

                if reply.input_required is not None:
                    answer = await self.a_get_human_input(prompt=f"Input for `{self.name}`\n{reply.input_required}")
                    if answer == "exit":
                        iostream.send(
                            TerminationEvent(
                                termination_reason="User requested to end the conversation",
                                sender=self,
                                recipient=sender,
                            )
                        )
                        return True, None
                    messages = [*reply.messages, {"content": answer, "role": "user"}]
                    continued = task
                    continue

                if reply.context:
                    self.context_variables.update(reply.context)
                    if sender is not None and hasattr(sender, "context_variables"):
                        sender.context_variables.update(reply.context)
                return True, reply.messages[-1]

    # ------------------------------------------------------------------ streaming and polling

    def _connect_error(self, error: BaseException | None = None) -> A2aClientError:
        detail = f": {error}" if error is not None else ""
        if not self._agent_card:
            return A2aClientError(f"Failed to connect to the agent: agent card not found{detail}")
        return A2aClientError(
            f"Failed to connect to the agent {self._agent_card.name!r} at {self._agent_card.url}{detail}"
        )

    async def _ask_streaming(self, client: Client, message: Message) -> AsyncIterator[ClientStreamEvent]:
        """Send ``message`` and stream the task; resubscribe (or resend) when the stream breaks."""
        request = _pb.SendMessageRequest(message=to_core_message(message))
        task: Task | None = None
        completed = False
        try:
            async for event in _events(client.send_message(request)):
                if not isinstance(event, Message):
                    task = event[0]
                yield event
                completed = _is_event_completed(event)
        except _CONNECTION_ERRORS as e:
            if task is None:
                raise self._connect_error(e) from e
            logger.info("A2A stream of %s broke (%s); reconnecting", self.name, e)
        if completed:
            return
        if task is None:
            raise self._connect_error()

        attempts = 0
        resend = False
        while not completed:
            attempts += 1
            if attempts > self._max_reconnects:
                raise self._connect_error()
            await asyncio.sleep(self._polling_interval if attempts > 1 or resend else 0)
            stream = (
                client.send_message(_pb.SendMessageRequest(message=to_core_message(message)))
                if resend
                else client.subscribe(_pb.SubscribeToTaskRequest(id=task.id))
            )
            try:
                async for event in _events(stream):
                    if not isinstance(event, Message):
                        task = event[0]
                    resend = False
                    yield event
                    completed = _is_event_completed(event)
            except TaskNotFoundError:
                logger.info("A2A task of %s is gone (server restarted?); sending the request again", self.name)
                resend = True
            except _CONNECTION_ERRORS as e:
                if attempts >= self._max_reconnects:
                    raise self._connect_error(e) from e

    async def _ask_polling(self, client: Client, message: Message) -> AsyncIterator[ClientStreamEvent]:
        """Send ``message`` without waiting for the result, then poll the task until it is done."""
        request = _pb.SendMessageRequest(message=to_core_message(message))
        request.configuration.return_immediately = True
        task: Task | None = None
        completed = False
        try:
            async for event in _events(client.send_message(request)):
                if not isinstance(event, Message):
                    task = event[0]
                yield event
                completed = _is_event_completed(event)
        except _CONNECTION_ERRORS as e:
            if task is None:
                raise self._connect_error(e) from e
        if completed:
            return
        if task is None:
            raise self._connect_error()

        failures = 0
        while not completed:
            await asyncio.sleep(self._polling_interval)
            try:
                task = _with_status_message(_conv.to_compat_task(await client.get_task(_pb.GetTaskRequest(id=task.id))))
            except TaskNotFoundError as e:
                raise A2aClientError(f"The task of {self.name} is gone from the server: {e}") from e
            except _CONNECTION_ERRORS as e:
                failures += 1
                if failures >= self._max_reconnects:
                    raise self._connect_error(e) from e
                continue
            failures = 0
            yield task, None
            completed = _is_task_completed(task)

    # ------------------------------------------------------------------ the card

    async def _get_agent_card(self, auth_http_kwargs: dict[str, Any] | None = None) -> AgentCard:
        """Fetch the card (A2A 1.x path, then the v0.3 one); an advertised extended card wins."""
        async with self._httpx_client_factory() as http:
            resolver = A2ACardResolver(httpx_client=http, base_url=self.url)
            try:
                try:
                    core_card = await resolver.get_agent_card(
                        relative_card_path=AGENT_CARD_WELL_KNOWN_PATH, http_kwargs=auth_http_kwargs
                    )
                except AgentCardResolutionError as e:
                    if e.status_code != 404:
                        raise
                    core_card = await resolver.get_agent_card(
                        relative_card_path=PREV_AGENT_CARD_WELL_KNOWN_PATH, http_kwargs=auth_http_kwargs
                    )
            except Exception as e:
                raise A2aAgentNotFoundError(f"{self.name}: {resolver.base_url}") from e
            card = to_compat_agent_card(core_card)
            if card.supports_authenticated_extended_card:
                try:
                    extended = await resolver.get_agent_card(
                        relative_card_path=EXTENDED_AGENT_CARD_PATH, http_kwargs=auth_http_kwargs
                    )
                    card = to_compat_agent_card(extended)
                except Exception as e:  # noqa: BLE001 - keep the public card
                    logger.warning("Failed to fetch the extended agent card (%s); using the public one.", e)
        return card


# ---------------------------------------------------------------------- the task as seen by the client


async def _events(stream: AsyncIterator[_pb.StreamResponse]) -> AsyncIterator[ClientStreamEvent]:
    """The SDK's stream responses as `ClientStreamEvent` s, keeping the task up to date from the
    status and artifact updates (the SDK client passes them on one by one)."""
    task: Task | None = None
    async for chunk in stream:
        if chunk.HasField("message"):
            yield _conv.to_compat_message(chunk.message)
        elif chunk.HasField("task"):
            task = _with_status_message(_conv.to_compat_task(chunk.task))
            yield task, None
        elif chunk.HasField("status_update"):
            status_event = _conv.to_compat_task_status_update_event(chunk.status_update)
            task = _task_or_new(task, status_event.task_id, status_event.context_id)
            task = _with_status_message(task.model_copy(update={"status": status_event.status}))
            yield task, status_event
        elif chunk.HasField("artifact_update"):
            artifact_event = _conv.to_compat_task_artifact_update_event(chunk.artifact_update)
            task = _task_or_new(task, artifact_event.task_id, artifact_event.context_id)
            task = task.model_copy(update={"artifacts": _merged_artifacts(task, artifact_event)})
            yield task, artifact_event


def _task_or_new(task: Task | None, task_id: str, context_id: str) -> Task:
    if task is not None:
        return task
    return Task(id=task_id, context_id=context_id, status=TaskStatus(state=TaskState.working), history=[])


def _with_status_message(task: Task) -> Task:
    """``task`` with its status message (e.g. the input-required prompt) last in its history."""
    message = task.status.message if task.status else None
    history = list(task.history or [])
    if message is None or any(m.message_id == message.message_id for m in history):
        return task
    return task.model_copy(update={"history": [*history, message]})


def _merged_artifacts(task: Task, event: TaskArtifactUpdateEvent) -> list[Any]:
    artifacts = list(task.artifacts or [])
    incoming = event.artifact
    for i, artifact in enumerate(artifacts):
        if artifact.artifact_id == incoming.artifact_id:
            if event.append:
                incoming = artifact.model_copy(update={"parts": [*artifact.parts, *incoming.parts]})
            artifacts[i] = incoming
            return artifacts
    artifacts.append(incoming)
    return artifacts


def _is_event_completed(event: ClientStreamEvent) -> bool:
    if isinstance(event, Message):
        return True
    return _is_task_completed(event[0])


def _is_task_completed(task: Task) -> bool:
    """True when the task needs nothing more from the server; a failed or rejected task raises."""
    state = task.status.state
    if state is TaskState.failed:
        raise A2aClientError(f"Task failed: {pformat(task.model_dump())}")
    if state is TaskState.rejected:
        raise A2aClientError(f"Task rejected: {pformat(task.model_dump())}")
    return state in (TaskState.completed, TaskState.canceled, TaskState.input_required)
