"""`A2UIAgentExecutor`: an A2UI agent answering A2A requests, its surfaces sent as A2UI data parts.

`autogen.a2a.A2aAgentServer` uses it for an `A2UIAgent` (needs the ``a2a`` extra).
"""

from __future__ import annotations

import inspect
import json
import logging
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from ....import_utils import optional_import

optional_import("a2a.server.agent_execution", "a2a", feature="A2UI over A2A")

from a2a.compat.v0_3 import conversions as _conv
from a2a.compat.v0_3.types import DataPart, Message, Part, Role, Task, TextPart
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.tasks import TaskUpdater
from a2a.types import a2a_pb2 as _pb
from a2a.utils.errors import InternalError

from ....a2a.agent_executor import start_task
from ....a2a.utils import make_input_required_message, request_message_from_a2a, to_core_message
from ....agentchat.remote import AgentService
from .a2a_helpers import create_a2ui_part, is_a2ui_part, try_activate_a2ui_extension
from .protocol import A2UI_DEFAULT_DELIMITER
from .response_parser import A2UIResponseParser

if TYPE_CHECKING:
    from ....agentchat.conversable_agent import ConversableAgent
    from .actions import A2UIAction

__all__ = ["A2UIAgentExecutor"]

logger = logging.getLogger(__name__)


class A2UIAgentExecutor(AgentExecutor):
    """Runs an A2UI agent for each A2A request.

    The task is ``working`` while the agent runs (streamed text arrives as status messages) and
    ends ``completed`` with the agent's answer as the status message: when the client requested the
    A2UI extension (`A2UI_EXTENSION_URI` in its ``A2A-Extensions`` header), a text part plus one
    A2UI data part per A2UI message, else the answer's raw text. A human-input request ends it
    ``input-required``.

    A request carrying a button's action (an A2UI data part ``{"messages": [{"action": ...}]}``,
    or a data part ``{"version": ..., "action": ...}`` as genui sends) is routed by the agent's
    `A2UIAction` of that name: to its tool (the tool's result completes the task), or, without a
    tool, to the LLM as a sentence telling what was clicked, with the event's context.
    """

    def __init__(
        self, agent: ConversableAgent, delimiter: str = A2UI_DEFAULT_DELIMITER, version_string: str = "v0.9"
    ) -> None:
        self._agent = agent
        self._agent_service = AgentService(agent)
        self._parser = A2UIResponseParser(version_string=version_string, delimiter=delimiter)

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        use_a2ui = try_activate_a2ui_extension(context)
        request, task, updater, resumed = await start_task(context, event_queue)

        found = _find_action(request)
        if found is not None:
            index, action = found
            logger.info("A2UI action %r received", action.get("name"))
            if await self._handle_action(action, task, updater, context):
                return
            request = _replace_part(request, index, self._action_prompt(action))

        try:
            text, _ = await self._stream_agent_response(request, task, updater, resumed)
        except Exception as e:
            raise InternalError(repr(e)) from e
        if text is None:  # the agent asked for human input: the task waits for it
            return
        parts = self._build_final_parts(text, use_a2ui)
        message = Message(role=Role.agent, message_id=uuid4().hex, parts=parts) if parts else None
        await updater.complete(message=to_core_message(message) if message else None)

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Nothing to undo: the SDK cancels the running ``execute`` itself."""

    # ------------------------------------------------------------------ steps

    def _extract_incoming_action(self, context: RequestContext) -> dict[str, Any] | None:
        """The button action the request carries, or None."""
        if context.message is None:
            return None
        found = _find_action(_conv.to_compat_message(context.message))
        return found[1] if found else None

    async def _handle_action(
        self, action: dict[str, Any], task: Task, updater: TaskUpdater, context: RequestContext
    ) -> bool:
        """Answer an action bound to a tool (True: the task is complete); False leaves it to the LLM."""
        name = action.get("name", "")
        definition: A2UIAction | None = None
        get_action = getattr(self._agent, "get_action", None)
        if callable(get_action):
            definition = get_action(name)
        if definition is None or not definition.tool_name:
            if definition is None:
                logger.warning("Unknown A2UI action %r: passing it to the LLM", name)
            return False
        arguments = action.get("context") or {}
        tool = self._find_tool(definition.tool_name)
        if tool is None:
            logger.error("A2UI action %r: the agent has no tool %r", name, definition.tool_name)
            text = f"Error: tool '{definition.tool_name}' not found."
        else:
            try:
                result = tool(**arguments)
                if inspect.isawaitable(result):
                    result = await result
                text = str(result)
            except Exception as e:
                logger.exception("A2UI action %r: tool %r failed", name, definition.tool_name)
                text = f"Error calling {definition.tool_name}: {e}"
        reply = Message(role=Role.agent, message_id=uuid4().hex, parts=[Part(root=TextPart(text=text))])
        await updater.complete(message=to_core_message(reply))
        return True

    def _find_tool(self, tool_name: str) -> Any:
        """The agent's tool (or registered function) called ``tool_name``, or None."""
        for tool in getattr(self._agent, "tools", None) or []:
            if getattr(tool, "name", None) == tool_name:
                return tool
        function_map = getattr(self._agent, "function_map", None) or {}
        if tool_name in function_map:
            return function_map[tool_name]
        return next((f for f in function_map.values() if getattr(f, "__name__", None) == tool_name), None)

    def _action_prompt(self, action: dict[str, Any]) -> str:
        """What the LLM is told about a click: the action's name, description and context."""
        name = action.get("name", "")
        definition = self._agent.get_action(name) if callable(getattr(self._agent, "get_action", None)) else None
        prompt = f"The user clicked the '{name}' button."
        if definition is not None and definition.description:
            prompt += f" Action: {definition.description}."
        if action.get("context"):
            prompt += f" Context: {json.dumps(action['context'])}"
        return prompt

    async def _stream_agent_response(
        self, request: Message, task: Task, updater: TaskUpdater, resumed: bool = False
    ) -> tuple[str | None, bool]:
        """Run the agent: ``(its final text, whether text was streamed)``; the text is None when the
        agent asked for human input (the task is then ``input-required``)."""
        text, streamed = "", False
        async for step in self._agent_service(request_message_from_a2a(request), human_replied=resumed):
            if step.input_required is not None:
                prompt = make_input_required_message(
                    text=step.input_required, context_id=task.context_id, task_id=task.id, context=step.context
                )
                await updater.requires_input(message=to_core_message(prompt))
                return None, streamed
            if step.streaming_text:
                text += step.streaming_text
                chunk = Message(
                    role=Role.agent, message_id=uuid4().hex, parts=[Part(root=TextPart(text=step.streaming_text))]
                )
                await updater.update_status(state=_pb.TASK_STATE_WORKING, message=to_core_message(chunk))
                streamed = True
            elif step.message and isinstance(step.message.get("content"), str):
                text = step.message["content"]
        return text, streamed

    def _build_final_parts(self, full_response_text: str, use_a2ui: bool) -> list[Part]:
        """The answer's parts: its text, then one A2UI data part per A2UI message (only with
        ``use_a2ui`` and valid JSON); otherwise the whole text as one part (none when empty)."""
        if use_a2ui and full_response_text:
            parsed = self._parser.parse(full_response_text)
            if parsed.has_a2ui and parsed.operations and not parsed.parse_error:
                parts = [Part(root=TextPart(text=parsed.text))] if parsed.text else []
                data = create_a2ui_part(parsed.operations)
                return parts + (data if isinstance(data, list) else [data])
        return [Part(root=TextPart(text=full_response_text))] if full_response_text else []


def _find_action(message: Message) -> tuple[int, dict[str, Any]] | None:
    """``(index of the part, the action)`` of the first button action in ``message``, or None."""
    for index, part in enumerate(message.parts):
        root = part.root
        if not isinstance(root, DataPart) or not isinstance(root.data, dict):
            continue
        if is_a2ui_part(part):
            for entry in root.data.get("messages") or []:
                if isinstance(entry, dict) and isinstance(entry.get("action"), dict):
                    return index, entry["action"]
        elif isinstance(root.data.get("action"), dict):
            return index, root.data["action"]
    return None


def _replace_part(message: Message, index: int, text: str) -> Message:
    """``message`` with its part at ``index`` replaced by a user's text part."""
    parts = list(message.parts)
    parts[index] = Part(root=TextPart(text=text, metadata={"role": "user"}))
    return message.model_copy(update={"parts": parts})
