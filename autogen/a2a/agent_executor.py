"""`AutogenAgentExecutor`: the A2A SDK's executor interface driving an AG2 agent."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING
from uuid import uuid4

from a2a.compat.v0_3 import conversions as _conv
from a2a.compat.v0_3.types import Message, Task, TaskState, TaskStatus
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import a2a_pb2 as _pb
from a2a.utils.errors import InternalError

from ..agentchat.remote import AgentService
from .utils import (
    copy_artifact,
    make_artifact,
    make_input_required_message,
    request_message_from_a2a,
    to_core_message,
    to_core_parts,
)

if TYPE_CHECKING:
    from ..agentchat.conversable_agent import ConversableAgent

__all__ = ["AutogenAgentExecutor", "start_task"]


async def start_task(context: RequestContext, event_queue: EventQueue) -> tuple[Message, Task, TaskUpdater, bool]:
    """Begin answering an A2A request: ``(its message, its task, the task's updater, resumed)``.

    A new task is published as ``submitted`` (by hand, not with the SDK helper, so that an empty
    message still makes one), then the task is set ``working``. ``resumed``: the message continues a
    task that asked for input, so it carries the human's answer.
    """
    if context.message is None:
        raise InternalError("A2A request without a message")
    request = _conv.to_compat_message(context.message)
    current = context.current_task
    resumed = current is not None and current.status.state == _pb.TASK_STATE_INPUT_REQUIRED
    if current is None:
        task = Task(
            id=context.task_id or request.task_id or uuid4().hex,
            context_id=context.context_id or request.context_id or uuid4().hex,
            status=TaskStatus(state=TaskState.submitted, timestamp=datetime.now(timezone.utc).isoformat()),
            history=[request],
        )
        await event_queue.enqueue_event(_conv.to_core_task(task))
    else:
        task = _conv.to_compat_task(current)
    updater = TaskUpdater(event_queue, task.id, task.context_id)
    await updater.start_work()
    return request, task, updater, resumed


class AutogenAgentExecutor(AgentExecutor):
    """Runs an AG2 `ConversableAgent` for each A2A request.

    A request becomes a task: ``working`` while the agent runs, streamed LLM text as non-final
    chunks of the ``result`` artifact, the agent's final message as its last chunk, then
    ``completed`` - or ``input-required`` when the agent needs a human, with the prompt as the
    status message.
    """

    def __init__(self, agent: ConversableAgent) -> None:
        self.agent = AgentService(agent)

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        request, task, updater, resumed = await start_task(context, event_queue)

        artifact = make_artifact(message=None)
        streamed = False
        try:
            async for step in self.agent(request_message_from_a2a(request), human_replied=resumed):
                if step.input_required is not None:
                    prompt = make_input_required_message(
                        text=step.input_required, context_id=task.context_id, task_id=task.id, context=step.context
                    )
                    await updater.requires_input(message=to_core_message(prompt))
                    return
                if step.streaming_text:
                    chunk = copy_artifact(artifact, {"content": step.streaming_text}, step.context)
                    await updater.add_artifact(
                        parts=to_core_parts(chunk.parts),
                        artifact_id=chunk.artifact_id,
                        name=chunk.name,
                        append=streamed,
                        last_chunk=False,
                    )
                    streamed = True
                elif step.message:
                    artifact = copy_artifact(artifact, step.message, step.context)
        except Exception as e:
            raise InternalError(repr(e)) from e

        # the last chunk replaces the streamed text with the agent's whole message
        await updater.add_artifact(
            parts=to_core_parts(artifact.parts),
            artifact_id=artifact.artifact_id,
            name=artifact.name,
            metadata=artifact.metadata,
            extensions=artifact.extensions,
            append=False,
            last_chunk=True,
        )
        await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Nothing to undo: the SDK cancels the running ``execute`` itself."""
