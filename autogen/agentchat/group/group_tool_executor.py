"""`GroupToolExecutor`: the hidden member of a pattern group chat that runs every agent's tools.

Agents only *offer* tools to their LLM (``functions=`` registers for the LLM only); when an LLM
calls tools, the executor speaks next and runs each call with the shared context variables
injected. A tool returning a `ReplyResult` or a `TransitionTarget` (handoff tools) sets the next
speaker. A tool that fails leaves the context variables as they were before that call.
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from ..._effects import Call, Flow, run_async, run_sync
from ...code_utils import content_str
from ...io.base import IOStream
from ...tools.dependency_injection import Depends, inject_params, on
from ..agent import Agent
from ..conversable.stock import a_run_reply_step, register_stock_flow, run_reply_step
from ..conversable.tool_execution import STRUCTURED_OUTPUT_TOOL
from ..conversable_agent import ConversableAgent
from .context_variables import ContextVariables
from .reply_result import ReplyResult
from .targets.transition_target import TransitionTarget

if TYPE_CHECKING:
    from ...tools.tool import Tool

__all__ = ["GROUP_TOOL_EXECUTOR_NAME", "GroupToolExecutor", "__TOOL_EXECUTOR_NAME__"]

GROUP_TOOL_EXECUTOR_NAME = "_Group_Tool_Executor"
#: Name of the tool parameter that receives the group's shared context variables.
CONTEXT_VARIABLES_PARAM_NAME = "context_variables"
#: The original's name for the same constant.
__TOOL_EXECUTOR_NAME__ = GROUP_TOOL_EXECUTOR_NAME


def _content_text(content: Any) -> str:
    """Tool results as text: str as is, targets and ReplyResults by str(), content parts as their
    text, other values as JSON (str() when they are not JSON-serialisable); None is ""."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, (ReplyResult, TransitionTarget)):
        return str(content)
    if isinstance(content, list) and content and all(isinstance(i, dict) and "type" in i for i in content):
        return content_str(content)
    dump = getattr(content, "model_dump_json", None)
    if callable(dump):
        return dump()
    try:
        return json.dumps(content, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(content)


_ATOMIC = frozenset({str, int, float, bool, type(None), bytes})


def _snapshot(context: ContextVariables) -> dict[str, Any]:
    """A copy of the context to roll back to: immutable values by reference, the others deep-copied
    (one memo, so values that share an object still share it in the copy)."""
    memo: dict[int, Any] = {}
    snapshot: dict[str, Any] = {}
    for key, value in context.data.items():
        if type(value) in _ATOMIC:
            snapshot[key] = value
            continue
        try:
            snapshot[key] = copy.deepcopy(value, memo)
        except Exception:  # noqa: BLE001 - a value that cannot be deep-copied: keep the reference
            snapshot[key] = value
    return snapshot


def modify_context_variables_param(f: Callable[..., Any], context_variables: ContextVariables) -> Callable[..., Any]:
    """A wrapper of ``f`` (async when ``f`` is) whose ``context_variables`` parameter is injected
    with ``context_variables`` (``Annotated[ContextVariables, Depends(on(...))]``)."""
    if inspect.iscoroutinefunction(f) or inspect.iscoroutinefunction(getattr(f, "__call__", None)):

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            return await f(*args, **kwargs)

    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            return f(*args, **kwargs)

    functools.update_wrapper(wrapper, f, assigned=("__module__", "__name__", "__qualname__", "__doc__"), updated=())
    sig = inspect.signature(f)
    if CONTEXT_VARIABLES_PARAM_NAME in sig.parameters:
        params = [
            p.replace(annotation=Annotated[ContextVariables, Depends(on(context_variables))])
            if name == CONTEXT_VARIABLES_PARAM_NAME
            else p
            for name, p in sig.parameters.items()
        ]
        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper


def tool_with_context_variables(current_tool: Tool, context_variables: ContextVariables) -> Tool | None:
    """A copy of ``current_tool`` with ``context_variables`` injected, when its LLM schema still
    shows that parameter (else None: nothing to change). Shared by the group and swarm executors."""
    properties = ((current_tool.tool_schema.get("function") or {}).get("parameters") or {}).get("properties") or {}
    if CONTEXT_VARIABLES_PARAM_NAME not in properties:
        return None
    func = inject_params(modify_context_variables_param(current_tool._func, context_variables))
    return ConversableAgent._create_tool_if_needed(
        func_or_tool=func, name=current_tool._name, description=current_tool._description
    )


@functools.cache
def _transition_event(name: str) -> Any:
    from .events import transition_events

    return getattr(transition_events, name)


class GroupToolExecutor(ConversableAgent):
    """Runs the tool calls of every agent of a pattern group chat (name ``_Group_Tool_Executor``)."""

    is_group_tool_executor = True

    def __init__(self, name: str = GROUP_TOOL_EXECUTOR_NAME) -> None:
        super().__init__(
            name=name,
            system_message="Tool Execution, do not use this agent directly.",
            human_input_mode="NEVER",
            code_execution_config=False,
            llm_config=False,
        )
        self._group_next_target: TransitionTarget | None = None
        self._group_next_target_source: tuple[str, str] | None = None  # (kind, agent name) for the banner
        self._handoff_tool_names: set[str] = set()
        self._tool_call_originator: str | None = None
        self._group_manager: Any = None
        self.register_reply([Agent, None], GroupToolExecutor.generate_group_tool_reply, remove_other_reply_funcs=True)
        self.register_reply(
            [Agent, None], GroupToolExecutor.a_generate_group_tool_reply, ignore_async_in_sync_chat=True
        )

    # ---------------------------------------------------------------- the pending next target

    def set_next_target(self, next_target: TransitionTarget, source: tuple[str, str] | None = None) -> None:
        """Make ``next_target`` the next speaker (consumed by the pattern's transition function)."""
        self._group_next_target = next_target
        self._group_next_target_source = source

    def get_next_target(self) -> TransitionTarget:
        if self._group_next_target is None:
            raise ValueError("No next target is set; check has_next_target() first.")
        return self._group_next_target

    def has_next_target(self) -> bool:
        return self._group_next_target is not None

    def clear_next_target(self) -> None:
        self._group_next_target = None
        self._group_next_target_source = None

    # ---------------------------------------------------------------- registration

    def register_agents_functions(self, agents: list[ConversableAgent], context_variables: ContextVariables) -> None:
        """Take over the function maps and tools of ``agents``.

        A tool's ``context_variables`` parameter receives the executor's (shared) context variables
        at call time, and is never part of the schema the LLM sees.
        """
        self.context_variables = context_variables
        for agent in agents:
            self._function_map.update(agent._function_map)
            for tool in list(agent.tools):
                self._change_tool_context_variables_to_depends(agent, tool, context_variables)
            for tool in agent.tools:
                self.register_for_execution(serialize=False, silent_override=True)(tool)

    def _modify_context_variables_param(self, f: Callable[..., Any], context_variables: ContextVariables) -> Callable[..., Any]:
        """See `modify_context_variables_param`."""
        return modify_context_variables_param(f, context_variables)

    def make_tool_copy_with_context_variables(self, current_tool: Tool, context_variables: ContextVariables) -> Tool | None:
        """See `tool_with_context_variables`."""
        return tool_with_context_variables(current_tool, context_variables)

    def _change_tool_context_variables_to_depends(self, agent: ConversableAgent, current_tool: Tool, context_variables: ContextVariables) -> None:
        """Replace ``agent``'s tool by a copy whose ``context_variables`` is injected, if it needs one."""
        new_tool = self.make_tool_copy_with_context_variables(current_tool, context_variables)
        if new_tool is not None:
            agent.remove_tool_for_llm(current_tool)
            agent.register_for_llm()(new_tool)

    # ---------------------------------------------------------------- who called, and handoff tools

    def set_tool_call_originator(self, agent_name: str) -> None:
        """Record the agent whose tool calls are being run (shown by safeguards)."""
        self._tool_call_originator = agent_name

    def get_tool_call_originator(self) -> str | None:
        return self._tool_call_originator

    def clear_tool_call_originator(self) -> None:
        self._tool_call_originator = None

    def function_is_agent_llm_handoff(self, agent_name: str, function_name: str) -> bool:
        """True when ``function_name`` is one of agent ``agent_name``'s ``transfer_to_*`` handoff tools."""
        if self._group_manager is None:
            return False
        agent = self._group_manager.groupchat.agent_by_name(agent_name)
        handoffs = getattr(agent, "handoffs", None) if isinstance(agent, ConversableAgent) else None
        if handoffs is None:
            return False
        return any(c.llm_function_name == function_name for c in handoffs.llm_conditions)

    def get_sender_agent_for_message(self, message: dict[str, Any]) -> Agent | None:
        """The group member named by the tool-call message's ``name`` (None outside a group chat)."""
        if "name" in message and self._group_manager is not None:
            return self._group_manager.groupchat.agent_by_name(message.get("name"))  # type: ignore[no-any-return]
        return None

    def is_handoff_function(self, message: dict[str, Any]) -> bool:
        """True when one of the message's tool calls is a handoff tool of the agent that made it."""
        agent_name = message.get("name")
        if not agent_name or self._group_manager is None:
            return False
        return any(
            self.function_is_agent_llm_handoff(agent_name, (call.get("function") or {}).get("name"))
            for call in message.get("tool_calls") or []
            if "name" in (call.get("function") or {})
        )

    def _normalize_tool_content(self, content: Any) -> str:
        """A tool's result as the text of its response (see `_content_text`)."""
        return _content_text(content)

    # ---------------------------------------------------------------- executing

    def _group_tool_flow(self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any = None) -> Any:
        """The executor's reply step (a result when there is nothing to run, else a flow)."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if not messages:
            return False, None
        message = messages[-1]
        calls = message.get("tool_calls")
        if not calls:
            return False, None
        for call in calls:
            function = call.get("function") or {}
            if function.get("name") == STRUCTURED_OUTPUT_TOOL:
                return True, function.get("arguments")
        return self._run_group_tools(message, calls, sender)

    def _run_group_tools(self, message: dict[str, Any], calls: list[dict[str, Any]], sender: Agent | None) -> Flow[tuple[bool, Any]]:
        caller = message.get("name") or (sender.name if sender is not None else "unknown")
        self._tool_call_originator = caller  # whose calls these are (safeguards check them as that agent's)
        responses: list[dict[str, Any]] = []
        contents: list[str] = []
        next_target: TransitionTarget | None = None
        source: tuple[str, str] | None = None
        for call in calls:
            handoff = getattr(self._function_map.get((call.get("function") or {}).get("name")), "_group_handoff", False)
            before = None if handoff else _snapshot(self.context_variables)
            # The one tool-call path of every agent: safeguard hooks, the call, its answer.
            success, response = yield from self._tool_call_flow(call)
            content = response.get("content")
            if not success and before is not None:
                # A failed tool must not leave half of its context changes behind.
                self.context_variables.data.clear()
                self.context_variables.data.update(before)
            elif isinstance(content, ReplyResult):
                if content.context_variables is not None and len(content.context_variables):
                    if content.context_variables is not self.context_variables:
                        self.context_variables.update(content.context_variables.to_dict())
                if content.target is not None:
                    next_target, source = content.target, ("reply_result", caller)
            elif isinstance(content, TransitionTarget):
                next_target, source = content, ("llm_handoff", caller)
            text = _content_text(content)
            response = dict(response, content=text)
            responses.append(response)
            contents.append(text)
        if next_target is not None:
            self.set_next_target(next_target, source)
            self._announce(next_target, source)
        return True, {"role": "tool", "tool_responses": responses, "content": "\n".join(contents)}

    def _announce(self, target: TransitionTarget, source: tuple[str, str] | None) -> None:
        kind, caller = source or ("reply_result", "unknown")
        event_cls = _transition_event("OnConditionLLMTransitionEvent" if kind == "llm_handoff" else "ReplyResultTransitionEvent")
        agent = self.get_sender_agent_for_message({"name": caller}) if self._group_manager is not None else None
        IOStream.get_default().send(event_cls._from_fields({"source_agent": agent or caller, "transition_target": target}))

    def _send_llm_handoff_event(self, message: dict[str, Any], transition_target: TransitionTarget) -> None:
        """Announce the LLM handoff (an OnCondition's ``transfer_to_*`` tool) made by ``message``,
        when its tool call is a handoff tool of its sender."""
        if not self.is_handoff_function(message):
            return
        source = self.get_sender_agent_for_message(message)
        if source:
            event_cls = _transition_event("OnConditionLLMTransitionEvent")
            IOStream.get_default().send(event_cls(source_agent=source, transition_target=transition_target))

    # ---------------------------------------------------------------- one agent's tool reply, by its public method

    def _absorb(self, agent: Any, message: dict[str, Any], tool_message: dict[str, Any] | None) -> tuple[list[dict[str, Any]], TransitionTarget | None, str | None]:
        """Apply the tool responses of ``tool_message`` (a reply to the one-call ``message``):
        ReplyResult context updates go to ``agent.context_variables``; the last target wins."""
        if tool_message is None:
            raise ValueError(f"Tool call did not return a message (tool calls: {message.get('tool_calls')}).")
        responses: list[dict[str, Any]] = []
        target: TransitionTarget | None = None
        kind: str | None = None
        for response in tool_message.get("tool_responses") or []:
            content = response.get("content")
            if isinstance(content, ReplyResult):
                if content.context_variables is not None and len(content.context_variables):
                    agent.context_variables.update(content.context_variables.to_dict())
                if content.target is not None:
                    target, kind = content.target, "reply_result"
            elif isinstance(content, TransitionTarget):
                target, kind = content, "llm_handoff"
            responses.append(dict(response, content=self._normalize_tool_content(content)))
        return responses, target, kind

    def _split_calls(self, agent: Any, messages: list[dict[str, Any]] | None, sender: Agent | None) -> tuple[dict[str, Any], list[dict[str, Any]]] | tuple[bool, Any]:
        if messages is None:
            messages = agent._oai_messages[sender]
        message = messages[-1]
        self.set_tool_call_originator(message.get("name", sender.name if sender is not None else "unknown"))
        calls = message.get("tool_calls")
        if not calls:
            return False, None
        for call in calls:
            if (call.get("function") or {}).get("name") == STRUCTURED_OUTPUT_TOOL:
                return True, (call.get("function") or {}).get("arguments", {})
        return message, [dict(copy.deepcopy(message), tool_calls=[call]) for call in calls]

    def _merge(
        self,
        message: dict[str, Any],
        results: list[tuple[dict[str, Any], dict[str, Any], tuple[list[dict[str, Any]], TransitionTarget | None, str | None]]],
    ) -> tuple[bool, dict[str, Any]]:
        """One tool message answering every call; the last target set becomes the pending one."""
        responses: list[dict[str, Any]] = []
        next_target: TransitionTarget | None = None
        kind: str | None = None
        for single, _, (answered, target, target_kind) in results:
            responses.extend(answered)
            if target is not None:
                next_target, kind = target, target_kind
                caller = single.get("name") or "unknown"
                self._announce(target, (target_kind or "reply_result", caller))
        self._group_next_target = next_target
        self._group_next_target_source = (kind, message.get("name") or "unknown") if kind else None
        tool_message = dict(results[-1][1]) if results else {"role": "tool"}
        tool_message["tool_responses"] = responses
        tool_message["content"] = "\n".join(str(r.get("content")) for r in responses)
        return True, tool_message

    def _group_tool_reply_flow(self, agent: Any, messages: list[dict[str, Any]] | None, sender: Agent | None) -> Flow[Any]:
        """Each tool call of the last message through ``agent``'s own tool-call reply (one call at a
        time; a user's agent, so an effect), applying ReplyResults and handoff targets to the group."""
        split = self._split_calls(agent, messages, sender)
        if not isinstance(split[0], dict):
            return split
        message, singles = split  # type: ignore[misc]
        results = []
        for single in singles:
            _, tool_message = yield Call(agent.generate_tool_calls_reply, agent.a_generate_tool_calls_reply, [single])
            results.append((single, tool_message or {}, self._absorb(agent, single, tool_message)))
        return self._merge(message, results)

    def _generate_group_tool_reply(
        self, agent: Any, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Run each tool call of the last message through ``agent.generate_tool_calls_reply`` (one
        call at a time), applying ReplyResults and handoff targets to the group."""
        return run_sync(self._group_tool_reply_flow(agent, messages, sender))  # type: ignore[no-any-return]

    async def _a_generate_group_tool_reply(
        self, agent: Any, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `_generate_group_tool_reply` (``agent.a_generate_tool_calls_reply``)."""
        return await run_async(self._group_tool_reply_flow(agent, messages, sender))  # type: ignore[no-any-return]

    def generate_group_tool_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, Any]:
        """Run the tool calls of the last message, one by one, applying ReplyResults and handoffs."""
        return run_reply_step(self._group_tool_flow(messages, sender, config))

    async def a_generate_group_tool_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, Any]:
        """Async twin of `generate_group_tool_reply`."""
        return await a_run_reply_step(self._group_tool_flow(messages, sender, config))


register_stock_flow(GroupToolExecutor.generate_group_tool_reply, GroupToolExecutor.a_generate_group_tool_reply, "_group_tool_flow")
