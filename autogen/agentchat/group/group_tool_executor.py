"""`GroupToolExecutor`: the hidden member of a pattern group chat that runs every agent's tools.

Agents only *offer* tools to their LLM (``functions=`` registers for the LLM only); when an LLM
calls tools, the executor speaks next and runs each call with the shared context variables
injected. A tool returning a `ReplyResult` or a `TransitionTarget` (handoff tools) sets the next
speaker. A tool that fails leaves the context variables as they were before that call.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import TYPE_CHECKING, Any

from ..._effects import Flow
from ...io.base import IOStream
from ..agent import Agent
from ..conversable.stock import a_run_reply_step, register_stock_flow, run_reply_step
from ..conversable.tool_execution import STRUCTURED_OUTPUT_TOOL
from ..conversable_agent import ConversableAgent
from .reply_result import ReplyResult
from .targets.transition_target import TransitionTarget

if TYPE_CHECKING:
    from .context_variables import ContextVariables

__all__ = ["GROUP_TOOL_EXECUTOR_NAME", "GroupToolExecutor", "__TOOL_EXECUTOR_NAME__"]

GROUP_TOOL_EXECUTOR_NAME = "_Group_Tool_Executor"
#: The original's name for the same constant.
__TOOL_EXECUTOR_NAME__ = GROUP_TOOL_EXECUTOR_NAME


def _content_text(content: Any) -> str:
    """Tool results as text: str as is; targets and ReplyResults by str(); others as JSON (str() fallback)."""
    if isinstance(content, str):
        return content
    if isinstance(content, (ReplyResult, TransitionTarget)):
        return str(content)
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
        """Take over the tools and function maps of ``agents``; tools get ``context_variables`` injected."""
        self.context_variables = context_variables
        for agent in agents:
            for name, func in agent.function_map.items():
                self._function_map[name] = func
            for tool in agent.tools:
                # make_executable reads self.context_variables at call time: the shared instance.
                self._function_map[tool.name] = tool.make_executable(agent=self, serialize=False)

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
        IOStream.get_default().send(event_cls._from_fields({"source_agent": caller, "transition_target": target}))

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
