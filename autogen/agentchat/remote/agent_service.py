"""`AgentService`: one remote request answered by a local agent, as a stream of `ServiceResponse`.

The served agent runs its reply pipeline on the request's history as it would in a local chat -
its registered reply functions (nested chats among them), tool calls, code execution, then the
LLM (its text streamed chunk by chunk, the client's tools offered beside its own) - then runs its
own tools, until it produces a message that is not a call of one of its tools. A call of a
client-side tool, a human-input request, or a tool handing the turn back to the user ends the
turn early, so the client can act. Reply-function triggers see the caller as an agent named after
the sender of the request's last user message (``"user"`` when it has none).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import warnings
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any

from ..._effects import Call, run_async
from ...events.base_event import BaseEvent
from ...io.base import IOStream
from .._messages import normalize_message
from ..context_variables import ContextVariables
from ..conversable.messaging import stock_generate_reply
from ..conversable.termination import TerminationAndHumanInput
from .protocol import RequestMessage, ServiceResponse, get_tool_names

if TYPE_CHECKING:
    from ..agent import Agent
    from ..conversable_agent import ConversableAgent

__all__ = ["AgentService", "served_llm_arguments"]

_ASK_USER_PROMPT = "Please, provide additional information:\n"
# the service asks for human input itself, before each reply
_EXCLUDED = (
    TerminationAndHumanInput.check_termination_and_human_reply,
    TerminationAndHumanInput.a_check_termination_and_human_reply,
)
_NO_REPLY: Any = object()
# the served request's extra LLM arguments (the client's tools), seen by the reply it runs
_LLM_ARGUMENTS: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "ag2_served_llm_arguments", default=None
)


def served_llm_arguments() -> dict[str, Any]:
    """The extra arguments of the LLM calls of the request being served (``tools``: the client's tools),
    for a reply function that calls the agent's LLM itself instead of through the stock LLM step; ``{}``
    outside a served request."""
    return dict(_LLM_ARGUMENTS.get() or {})


class AgentService:
    """Serve ``agent`` to remote clients: ``async for step in service(request): ...``."""

    def __init__(self, agent: ConversableAgent) -> None:
        self.name = agent.name
        self.agent = agent
        self._callers: dict[str, Agent] = {}

    async def __call__(
        self, state: RequestMessage, *, human_replied: bool = False
    ) -> AsyncGenerator[ServiceResponse, None]:
        """Answer ``state``. ``human_replied``: its last message is a human's answer to this service's
        request for input, so the agent does not ask again before its next reply."""
        agent = self.agent
        if guardrail := agent.run_input_guardrails(state.messages):
            yield ServiceResponse(message=self._as_message(guardrail.reply, "assistant"), context=state.context)
            return

        context_variables = ContextVariables(state.context or {})
        executor = self._make_tool_executor(context_variables)
        client_tool_names = state.client_tool_names
        caller = self._caller(state.messages)
        local_history: list[dict[str, Any]] = []

        def context() -> dict[str, Any] | None:
            return context_variables.data or None

        while True:
            messages = state.messages + local_history

            prompt = None if human_replied else await self._human_input_prompt(messages)
            human_replied = False
            if prompt is not None:
                yield ServiceResponse(input_required=prompt, context=context())
                return

            reply = None
            async for chunk, final in self._streamed_reply(messages, caller, state.client_tools):
                if final is _NO_REPLY:
                    yield ServiceResponse(streaming_text=chunk, context=context())
                else:
                    reply = final

            go_on, out_message = self._checked(reply, "assistant")
            if out_message is not None:
                local_history.append(out_message)
                yield ServiceResponse(message=out_message, context=context())
            if not go_on or out_message is None:
                break

            called = get_tool_names(out_message.get("tool_calls") or [])
            if called & client_tool_names:
                break  # the client runs its own tools: hand the call back

            tool_result, ask_user = await self._run_local_tools(executor, out_message, context_variables)
            go_on, out_message = self._checked(tool_result, "tool")
            if out_message is not None:
                local_history.append(out_message)
                yield ServiceResponse(message=out_message, context=context())
            if ask_user:
                yield ServiceResponse(input_required=_ASK_USER_PROMPT, context=context())
                return
            if not go_on:
                break

    # ------------------------------------------------------------------ steps

    async def _human_input_prompt(self, messages: list[dict[str, Any]]) -> str | None:
        """The prompt the agent would show a human now, or None when it would not ask."""
        catcher = _InputCatcher()
        with IOStream.set_default(catcher):
            await self.agent.a_check_termination_and_human_reply(messages, iostream=catcher)
        return catcher.prompt

    def _caller(self, messages: list[dict[str, Any]]) -> Agent:
        """A stand-in agent for the remote caller (what reply-function triggers are matched against)."""
        name = next((m["name"] for m in reversed(messages) if m.get("role") == "user" and m.get("name")), "user")
        caller = self._callers.get(name)
        if caller is None:
            from ..conversable_agent import ConversableAgent

            caller = ConversableAgent(name, llm_config=False, human_input_mode="NEVER", code_execution_config=False)
            self._callers[name] = caller
        return caller

    async def _streamed_reply(
        self, messages: list[dict[str, Any]], caller: Agent, client_tools: list[dict[str, Any]]
    ) -> AsyncIterator[tuple[str, Any]]:
        """Run the agent's reply pipeline; yield ``(chunk, _NO_REPLY)`` per streamed LLM chunk, then
        ``("", reply)`` (reply None when no reply function was final)."""
        agent = self.agent
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[str] = asyncio.Queue()
        extra: dict[str, Any] = {"tools": client_tools} if client_tools else {}

        async def llm_reply(messages: Any, sender: Any, config: Any) -> Any:
            # only the LLM's own chunks are the served agent's text (not those of a nested chat)
            with IOStream.set_default(_ChunkCollector(loop, chunks)):
                return await agent.a_generate_oai_reply(messages, sender, config, **extra)

        def llm_step(messages: Any, sender: Any, config: Any) -> Any:
            return (yield Call(None, llm_reply, messages, sender, config))

        token = _LLM_ARGUMENTS.set(extra)  # the task copies the context, so it sees them
        try:
            if stock_generate_reply(agent):
                flow = agent._generate_reply_flow(
                    messages, caller, _EXCLUDED, steps={"_oai_reply_flow": llm_step}, fallback=None
                )
                task = asyncio.ensure_future(run_async(flow))
            else:  # a subclass's own generate_reply: called as a local chat would
                task = asyncio.ensure_future(agent.a_generate_reply(messages, caller, exclude=_EXCLUDED))
        finally:
            _LLM_ARGUMENTS.reset(token)
        try:
            while not task.done():
                getter = asyncio.ensure_future(chunks.get())
                done, _ = await asyncio.wait({task, getter}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    yield getter.result(), _NO_REPLY
                else:
                    getter.cancel()
            await asyncio.sleep(0)  # let chunks sent from a worker thread land
            while not chunks.empty():
                yield chunks.get_nowait(), _NO_REPLY
            yield "", task.result()
        finally:
            if not task.done():
                task.cancel()

    def _checked(self, message: Any, role: str) -> tuple[bool, dict[str, Any] | None]:
        """``(go on, the message to record)``: output guardrails applied, invalid messages dropped."""
        if message is None:
            return False, None
        if guardrail := self.agent.run_output_guardrails(message):
            return False, self._as_message(guardrail.reply, role)
        out = self._as_message(message, role)
        return out is not None, out

    def _as_message(self, message: Any, role: str) -> dict[str, Any] | None:
        return normalize_message(message, role, self.agent.name)

    def _make_tool_executor(self, context_variables: ContextVariables) -> Any:
        from ..group.group_tool_executor import GroupToolExecutor

        executor = GroupToolExecutor()
        executor.context_variables = context_variables  # what tools' ContextVariables parameters get
        for tool in self.agent.tools:
            tool = executor.make_tool_copy_with_context_variables(tool, context_variables) or tool
            executor.register_for_execution(serialize=False, silent_override=True)(tool)
        return executor

    async def _run_local_tools(
        self, executor: Any, message: dict[str, Any], context_variables: ContextVariables
    ) -> tuple[dict[str, Any] | None, bool]:
        """Run the message's tool calls; ``(tool message, whether a tool asked to return to the user)``."""
        from ..group.reply_result import ReplyResult
        from ..group.targets.transition_target import AskUserTarget, TransitionTarget

        if not message.get("tool_calls"):
            return None, False
        _, result = await executor.a_generate_tool_calls_reply([message])
        if not result:
            return None, False
        ask_user = False
        for response in result.get("tool_responses") or []:
            content = response.get("content")
            if isinstance(content, AskUserTarget):
                ask_user = True
            elif isinstance(content, TransitionTarget):
                warnings.warn(f"A tool of {self.agent.name} returned a target; remote agents ignore targets")
            elif isinstance(content, ReplyResult):
                if content.context_variables is not None:
                    context_variables.update(content.context_variables.to_dict())
                response["content"] = content.message
                if isinstance(content.target, AskUserTarget):
                    ask_user = True
                elif content.target is not None:
                    warnings.warn(f"A tool of {self.agent.name} returned a target; remote agents ignore targets")
        return result, ask_user


class _InputCatcher:
    """An IO stream that records the prompt instead of asking anyone (empty answer)."""

    def __init__(self) -> None:
        self.prompt: str | None = None

    async def input(self, prompt: str = "", *, password: bool = False) -> str:
        self.prompt = prompt
        return ""

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        pass

    def send(self, message: BaseEvent) -> None:
        pass


class _ChunkCollector:
    """An IO stream that forwards streamed LLM chunks to a queue (from any thread) and drops the rest."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]) -> None:
        self._loop = loop
        self._queue = queue

    def send(self, message: Any) -> None:
        if getattr(message, "type", None) != "stream":
            return
        text = message.content.content
        if not text:
            return
        with contextlib.suppress(RuntimeError):  # loop closed: nobody listens any more
            self._loop.call_soon_threadsafe(self._queue.put_nowait, text)

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        pass

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        return ""
