"""The legacy swarm API (deprecated since 0.9; use `autogen.agentchat.group` patterns).

A swarm keeps its handoffs where the original keeps them, on the agents themselves, because
swarm code reads and writes them directly:

- ``agent._swarm_after_work`` — an `AfterWork` (or a bare `AfterWorkOption`, agent, name or
  function), used when the agent finishes without choosing the next speaker;
- ``agent._swarm_conditional_functions`` — ``{tool name: (transfer function, OnCondition)}``,
  the LLM-decided handoffs, offered as ``transfer_<agent>_to_<target>`` tools while available;
- ``agent._swarm_oncontextconditions`` — `OnContextCondition` list, checked before the agent replies;
- ``agent._swarm_nested_chat_handoffs`` — OnConditions to nested chats, each run by a hidden
  ``nested_chat_<agent>_<n>`` agent;
- ``tool_executor._swarm_next_agent`` — the pending next speaker set by a tool (`SwarmResult`,
  a handoff tool) or an OnContextCondition.

A swarm chat is a group chat run on the same flows as every other chat: the steps below (the
original's names) build the hidden ``_Swarm_Tool_Executor``, the group chat and its manager;
`initiate_swarm_chat` and `a_initiate_swarm_chat` drive one flow with the sync or async driver.
The tool executor's reply runs each call through the agents' one tool-call path
(``ConversableAgent._tool_call_flow``); the pieces shared with pattern chats (hiding handoff
traffic, shared context variables, the temporary ``_User``) come from `group.group_utils`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from types import MethodType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer

from ..._effects import Call, Flow, run_async, run_sync
from ..agent import Agent
from ..chat import ChatResult
from ..conversable.chats import chat_flow
from ..conversable.stock import a_run_reply_step, register_stock_flow, run_reply_step, stock_sync
from ..conversable_agent import ConversableAgent
from ..group import group_utils
from ..group.context_expression import ContextExpression
from ..group.context_str import ContextStr
from ..group.context_variables import ContextVariables
from ...tools.dependency_injection import inject_params
from ..group.group_tool_executor import (
    CONTEXT_VARIABLES_PARAM_NAME,
    modify_context_variables_param,
    tool_with_context_variables,
)
from ..group.handoffs import handoff_tool_name
from ..group.reply_result import ReplyResult
from ..group.targets.group_manager_target import GroupManagerSelectionMessageContextStr
from ..group.targets.transition_target import TransitionTarget, answer_with_nested_chats
from ..utils import gather_usage_summary

__all__ = [
    "AFTER_WORK",
    "ON_CONDITION",
    "AfterWork",
    "AfterWorkOption",
    "OnCondition",
    "OnContextCondition",
    "SwarmAgent",
    "SwarmResult",
    "a_initiate_swarm_chat",
    "a_run_swarm",
    "create_swarm_transition",
    "initiate_swarm_chat",
    "register_hand_off",
    "run_swarm",
]

#: Name of the hidden agent that runs the swarm's tool calls.
__TOOL_EXECUTOR_NAME__ = "_Swarm_Tool_Executor"
SWARM_TOOL_EXECUTOR_NAME = __TOOL_EXECUTOR_NAME__
NESTED_CHAT_AGENT_PREFIX = "nested_chat_"

_warned: set[str] = set()


def _deprecated(name: str, instead: str) -> None:
    """Warn once per process that ``name`` is deprecated."""
    if name in _warned:
        return
    _warned.add(name)
    warnings.warn(
        f"{name} is deprecated and will be removed in v0.14; use {instead} instead "
        "(all swarm functionality has been incorporated into group chat).",
        DeprecationWarning,
        stacklevel=3,
    )


# ------------------------------------------------------------------------------------- handoff types


class AfterWorkOption(Enum):
    """What happens when a swarm agent finishes without a tool call or handoff."""

    TERMINATE = "TERMINATE"
    REVERT_TO_USER = "REVERT_TO_USER"
    STAY = "STAY"
    SWARM_MANAGER = "SWARM_MANAGER"


@dataclass
class AfterWork:
    """The next speaker when an agent finishes without handing off.

    ``agent``: an `AfterWorkOption` (or its name), an agent, or a function
    ``(last_speaker, messages, groupchat) -> AfterWorkOption | agent | agent name``.
    ``next_agent_selection_msg`` (only for ``SWARM_MANAGER``): the manager's selection prompt, a
    str (``{agentlist}`` is filled in), a `ContextStr`, or ``(agent, messages) -> str``.
    """

    agent: AfterWorkOption | ConversableAgent | str | Callable[..., Any]
    next_agent_selection_msg: str | ContextStr | Callable[[ConversableAgent, list[dict[str, Any]]], str] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.agent, str):
            self.agent = AfterWorkOption(self.agent.upper())
        msg = self.next_agent_selection_msg
        if msg is not None:
            if not (isinstance(msg, (str, ContextStr)) or callable(msg)):
                raise ValueError("next_agent_selection_msg must be a string, ContextStr, or a Callable")
            if self.agent != AfterWorkOption.SWARM_MANAGER:
                warnings.warn(
                    "next_agent_selection_msg is only valid for agent=AfterWorkOption.SWARM_MANAGER. Ignoring the value.",
                    UserWarning,
                    stacklevel=3,
                )
                self.next_agent_selection_msg = None


class AFTER_WORK(AfterWork):  # noqa: N801
    """Deprecated name of `AfterWork`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _deprecated("AFTER_WORK", "AfterWork")
        super().__init__(*args, **kwargs)


def _check_target(target: Any) -> None:
    if target is not None and not isinstance(target, (ConversableAgent, dict)):
        raise ValueError("'target' must be a ConversableAgent or a dict")


def _check_available(available: Any) -> None:
    if available is not None and not (isinstance(available, (str, ContextExpression)) or callable(available)):
        raise ValueError("'available' must be a callable, a string, or a ContextExpression")


@dataclass
class OnCondition:
    """An LLM-decided handoff: offered to the agent's LLM as a ``transfer_*`` tool described by ``condition``.

    ``target``: an agent, or a nested chat configuration (``{"chat_queue": [...], ...}``).
    ``condition``: a str, a `ContextStr` (filled from the context variables), or ``(agent, messages) -> str``.
    ``available``: when the tool is offered: a context variable name, a `ContextExpression`, or
    ``(agent, messages) -> bool``.
    """

    target: ConversableAgent | dict[str, Any] | None = None
    condition: str | ContextStr | Callable[[ConversableAgent, list[dict[str, Any]]], str] | None = None
    available: Callable[[ConversableAgent, list[dict[str, Any]]], bool] | str | ContextExpression | None = None

    def __post_init__(self) -> None:
        _check_target(self.target)
        if isinstance(self.condition, str):
            if not self.condition.strip():
                raise ValueError("'condition' must be a non-empty string")
        elif not isinstance(self.condition, ContextStr) and not callable(self.condition):
            raise ValueError("'condition' must be a string, ContextStr, or callable")
        _check_available(self.available)


class ON_CONDITION(OnCondition):  # noqa: N801
    """Deprecated name of `OnCondition`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _deprecated("ON_CONDITION", "OnCondition")
        super().__init__(*args, **kwargs)


@dataclass
class OnContextCondition:
    """A handoff decided from the context variables, before the agent replies (no LLM call).

    ``condition``: a context variable name (its truthiness) or a `ContextExpression`.
    """

    target: ConversableAgent | dict[str, Any] | None = None
    condition: str | ContextExpression | None = None
    available: Callable[[ConversableAgent, list[dict[str, Any]]], bool] | str | ContextExpression | None = None

    def __post_init__(self) -> None:
        _check_target(self.target)
        if isinstance(self.condition, str):
            if not self.condition.strip():
                raise ValueError("'condition' must be a non-empty string")
            self._context_condition = ContextExpression("${" + self.condition + "}")
        elif isinstance(self.condition, ContextExpression):
            self._context_condition = self.condition
        else:
            raise ValueError("'condition' must be a string on ContextExpression")
        _check_available(self.available)


class SwarmResult(BaseModel):
    """What a swarm tool may return: the text of its answer (``values``), the next speaker
    (``agent``: an agent, its name or an `AfterWorkOption`) and context variables to merge."""

    values: str = ""
    agent: ConversableAgent | AfterWorkOption | str | None = None
    context_variables: ContextVariables | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def model_post_init(self, __context: Any) -> None:
        if self.context_variables is None:
            self.context_variables = ContextVariables()
        elif isinstance(self.context_variables, dict):
            self.context_variables = ContextVariables(self.context_variables)

    @field_serializer("agent", when_used="json")
    def _serialize_agent(self, agent: Any) -> Any:
        if isinstance(agent, ConversableAgent):
            return agent.name
        if isinstance(agent, AfterWorkOption):
            return agent.value
        return agent

    @field_serializer("context_variables", when_used="json")
    def _serialize_context(self, context: Any) -> Any:
        if context is None:
            return None
        dump = getattr(context, "model_dump", None)
        return dump() if callable(dump) else {"data": dict(context.data)}

    def __str__(self) -> str:
        return self.values


class SwarmAgent(ConversableAgent):
    """Deprecated: swarm agents are ordinary `ConversableAgent` objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _deprecated("SwarmAgent", "ConversableAgent")
        super().__init__(*args, **kwargs)


# ------------------------------------------------------------------------------------- the agents


def _establish_swarm_agent(agent: ConversableAgent) -> None:
    """Give ``agent`` the swarm's storage and behaviours (not for the tool executor): the state hook
    keeping its handoff tools current, and the OnContextConditions as its first reply function."""

    def _swarm_agent_str(self: ConversableAgent) -> str:
        return f"Swarm agent --> {self.name}"

    agent._swarm_after_work = None  # type: ignore[attr-defined]
    agent._swarm_after_work_selection_msg = None  # type: ignore[attr-defined]
    agent._swarm_nested_chat_handoffs = []  # type: ignore[attr-defined]
    agent._swarm_conditional_functions = {}  # type: ignore[attr-defined]
    agent._swarm_oncontextconditions = []  # type: ignore[attr-defined]
    agent.register_hook("update_agent_state", _update_conditional_functions)
    agent.register_reply(trigger=[Agent, None], reply_func=_run_oncontextconditions, position=0)
    agent._get_display_name = MethodType(_swarm_agent_str, agent)  # type: ignore[method-assign]
    agent._swarm_is_established = True  # type: ignore[attr-defined]


def _link_agents_to_swarm_manager(agents: list[Agent], group_chat_manager: Agent) -> None:
    """Point every agent at the swarm's manager (conditions reach the tool executor through it)."""
    for agent in agents:
        agent._swarm_manager = group_chat_manager  # type: ignore[attr-defined]


def _conversation(agent: ConversableAgent, messages: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    if messages:
        return messages
    return next(iter(agent.chat_messages.values()), [])


def _is_available(available: Any, agent: ConversableAgent, messages: list[dict[str, Any]] | None) -> bool:
    """Whether a handoff's ``available`` (None, variable name, ContextExpression, function) holds now."""
    if available is None:
        return True
    if isinstance(available, str):
        return bool(agent.context_variables.get(available) or False)
    if isinstance(available, ContextExpression):
        return bool(available.evaluate(agent.context_variables))
    return bool(available(agent, _conversation(agent, messages)))


def _swarm_tool_executor(agent: ConversableAgent) -> ConversableAgent | None:
    manager = getattr(agent, "_swarm_manager", None)
    if manager is None:
        return None
    return next((a for a in manager.groupchat.agents if a.name == __TOOL_EXECUTOR_NAME__), None)  # type: ignore[no-any-return]


@stock_sync
def _run_oncontextconditions(
    agent: ConversableAgent,
    messages: list[dict[str, Any]] | None = None,
    sender: Agent | None = None,
    config: Any | None = None,
) -> tuple[bool, str | dict[str, Any] | None]:
    """First reply function of a swarm agent: the first available OnContextCondition that holds
    makes its target the next speaker (via the tool executor) and the agent only says so."""
    manager = getattr(agent, "_swarm_manager", None)
    if sender is not None and manager is not None and sender is not manager:
        return False, None  # the agent talks outside its swarm (e.g. in a nested chat)
    for condition in getattr(agent, "_swarm_oncontextconditions", []):
        if not _is_available(condition.available, agent, messages):
            continue
        if not condition._context_condition.evaluate(agent.context_variables):
            continue
        executor = _swarm_tool_executor(agent)
        if executor is not None:
            executor._swarm_next_agent = condition.target  # type: ignore[attr-defined]
        shown = condition.target.name if isinstance(condition.target, ConversableAgent) else "a nested chat"
        return True, f"{group_utils.HANDING_OFF}{shown}]"
    return False, None


def _condition_text(on_condition: OnCondition, agent: ConversableAgent, messages: list[dict[str, Any]] | None) -> str:
    condition = on_condition.condition
    if isinstance(condition, ContextStr):
        return condition.format(agent.context_variables)
    if callable(condition):
        return str(condition(agent, _conversation(agent, messages)))
    return str(condition)


def _update_conditional_functions(agent: ConversableAgent, messages: list[dict[str, Any]] | None = None) -> None:
    """State hook: offer the agent's LLM exactly the handoff tools whose ``available`` holds, each
    described by its (current) condition. Tools are only re-registered when that changes, since
    registering rebuilds the agent's model client."""
    offered: dict[str, str] = getattr(agent, "_swarm_offered_handoffs", None) or {}
    now: dict[str, str] = {}
    for func_name, (func, on_condition) in getattr(agent, "_swarm_conditional_functions", {}).items():
        registered = any(t.name == func_name for t in agent.tools)
        if not _is_available(on_condition.available, agent, messages):
            if registered:
                agent.remove_tool_for_llm(next(t for t in agent.tools if t.name == func_name))
            continue
        description = _condition_text(on_condition, agent, messages)
        now[func_name] = description
        if registered and offered.get(func_name) == description:
            continue
        func._name = func_name
        func._description = description
        agent._add_single_function(func, func_name, description)
        tool = next(t for t in agent.tools if t.name == func_name)
        tool._func._name = func_name  # type: ignore[attr-defined]  # what the original exposes on the tool
        tool._func._description = description  # type: ignore[attr-defined]
    agent._swarm_offered_handoffs = now  # type: ignore[attr-defined]


def register_hand_off(
    agent: ConversableAgent,
    hand_to: list[OnCondition | OnContextCondition | AfterWork] | OnCondition | OnContextCondition | AfterWork,
) -> None:
    """Add handoffs to ``agent``: `OnCondition` (an LLM ``transfer_*`` tool), `OnContextCondition`
    (checked before it replies) and `AfterWork` (when it finishes without handing off)."""
    if not hasattr(agent, "_swarm_is_established"):
        _establish_swarm_agent(agent)
    if not isinstance(hand_to, (list, OnCondition, OnContextCondition, AfterWork)):
        raise ValueError("hand_to must be a list of OnCondition, OnContextCondition, or AfterWork")
    for transit in hand_to if isinstance(hand_to, list) else [hand_to]:
        if isinstance(transit, AfterWork):
            if not (isinstance(transit.agent, (AfterWorkOption, ConversableAgent, str)) or callable(transit.agent)):
                raise ValueError(f"Invalid AfterWork agent: {transit.agent}")
            agent._swarm_after_work = transit  # type: ignore[attr-defined]
            agent._swarm_after_work_selection_msg = transit.next_agent_selection_msg  # type: ignore[attr-defined]
        elif isinstance(transit, OnCondition):
            if isinstance(transit.target, ConversableAgent):
                functions = agent._swarm_conditional_functions  # type: ignore[attr-defined]
                # Tool names must be valid for the API: an agent name with spaces is normalised.
                base = handoff_tool_name(f"transfer_{agent.name}_to_{transit.target.name}")
                name, count = base, 2
                while name in functions:
                    name = handoff_tool_name(base, f"_{count}")
                    count += 1
                functions[name] = (_transfer_function(transit), transit)
            elif isinstance(transit.target, dict):
                agent._swarm_nested_chat_handoffs.append(  # type: ignore[attr-defined]
                    {"nested_chats": transit.target, "condition": transit.condition, "available": transit.available}
                )
        elif isinstance(transit, OnContextCondition):
            agent._swarm_oncontextconditions.append(transit)  # type: ignore[attr-defined]
        else:
            raise ValueError("Invalid hand off condition, must be either OnCondition or AfterWork")


def _transfer_function(on_condition: OnCondition) -> Callable[[], Any]:
    """The function behind a ``transfer_*`` tool: it names the condition's target."""

    def transfer_to_agent() -> ConversableAgent:
        return on_condition.target  # type: ignore[return-value]

    return transfer_to_agent


# ------------------------------------------------------------------------------------- the tool executor


def _set_to_tool_execution(agent: ConversableAgent) -> None:
    """Make ``agent`` the swarm's tool executor: its only reply runs the tool calls of the last
    message and records the next speaker they choose in ``_swarm_next_agent``."""
    agent._swarm_next_agent = None  # type: ignore[attr-defined]
    agent._swarm_tool_flow = MethodType(_swarm_tool_flow, agent)  # type: ignore[attr-defined]
    agent._reply_func_list.clear()
    agent.register_reply([Agent, None], _generate_swarm_tool_reply)


def _swarm_tool_flow(agent: ConversableAgent, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any = None) -> Any:
    """The executor's reply step: nothing to do without tool calls, else the flow running them."""
    if messages is None:
        messages = agent._oai_messages[sender]  # type: ignore[index]
    message = messages[-1] if messages else {}
    calls = message.get("tool_calls")
    if not calls:
        return False, None
    return _run_swarm_tools(agent, calls)


def _run_swarm_tools(agent: ConversableAgent, calls: list[dict[str, Any]]) -> Flow[tuple[bool, dict[str, Any]]]:
    """Run each call in turn (so context changes are seen by the next); the last next speaker a
    call chose wins. Results are answered as text, joined by newlines."""
    next_agent: Any = None
    responses: list[dict[str, Any]] = []
    for call in calls:
        _, response = yield from agent._tool_call_flow(call)
        content = response.get("content")
        if isinstance(content, SwarmResult):
            if content.context_variables is not None and content.context_variables.to_dict():
                if content.context_variables is not agent.context_variables:
                    agent.context_variables.update(content.context_variables.to_dict())
            if content.agent is not None:
                next_agent = content.agent
        elif isinstance(content, ReplyResult):  # a pattern tool used in a swarm
            if content.context_variables is not None and len(content.context_variables):
                if content.context_variables is not agent.context_variables:
                    agent.context_variables.update(content.context_variables.to_dict())
            if content.target is not None:
                next_agent = content.target
        elif isinstance(content, (Agent, TransitionTarget)):
            next_agent = content
        if content is not None:
            response = dict(response, content=str(content))
        responses.append(response)
    agent._swarm_next_agent = next_agent  # type: ignore[attr-defined]
    return True, {
        "role": "tool",
        "tool_responses": responses,
        "content": "\n".join(str(r.get("content")) for r in responses),
    }


def _generate_swarm_tool_reply(
    agent: ConversableAgent, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
) -> tuple[bool, dict[str, Any] | None]:
    """Reply function of the swarm's tool executor (see `_run_swarm_tools`)."""
    return run_reply_step(_swarm_tool_flow(agent, messages, sender, config))  # type: ignore[no-any-return]


async def _a_generate_swarm_tool_reply(
    agent: ConversableAgent, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
) -> tuple[bool, dict[str, Any] | None]:
    """Async twin of `_generate_swarm_tool_reply`."""
    return await a_run_reply_step(_swarm_tool_flow(agent, messages, sender, config))  # type: ignore[no-any-return]


register_stock_flow(_generate_swarm_tool_reply, _a_generate_swarm_tool_reply, "_swarm_tool_flow")


def _change_tool_context_variables_to_depends(agent: ConversableAgent, current_tool: Any, context_variables: ContextVariables) -> None:
    """Replace ``agent``'s tool by a copy whose ``context_variables`` parameter is bound to
    ``context_variables`` (hidden from the LLM, filled in even when the tool is called directly),
    when it has such a parameter not bound yet."""
    new_tool = tool_with_context_variables(current_tool, context_variables)
    if new_tool is None:
        # Tools here never show ``context_variables`` to the LLM (it is filled from the executing
        # agent); bind it to the swarm's instance all the same, as the original does.
        spec = getattr(current_tool, "_spec", None)
        param = next((p for p in getattr(spec, "params", ()) if p.name == CONTEXT_VARIABLES_PARAM_NAME), None)
        if spec is None or param is None or param.depends is not None:
            return
        func = inject_params(modify_context_variables_param(spec.func, context_variables))
        new_tool = ConversableAgent._create_tool_if_needed(func, current_tool.name, current_tool.description)
    agent.remove_tool_for_llm(current_tool)
    agent.register_for_llm()(new_tool)


# ------------------------------------------------------------------------------------- preparing a chat


def _prepare_swarm_agents(
    initial_agent: ConversableAgent,
    agents: list[ConversableAgent],
    context_variables: ContextVariables,
    exclude_transit_message: bool = True,
) -> tuple[ConversableAgent, list[ConversableAgent]]:
    """Check the agents, establish them, build the tool executor (every agent's functions, tools
    and handoff functions) and the nested chat agents. Returns (tool executor, nested chat agents)."""
    if not isinstance(initial_agent, ConversableAgent):
        raise ValueError("initial_agent must be a ConversableAgent")
    if not all(isinstance(agent, ConversableAgent) for agent in agents):
        raise ValueError("Agents must be a list of ConversableAgents")
    for agent in agents:
        if not hasattr(agent, "_swarm_is_established"):
            _establish_swarm_agent(agent)
    for agent in agents:
        after_work = agent._swarm_after_work  # type: ignore[attr-defined]
        target = after_work.agent if isinstance(after_work, AfterWork) else after_work
        if isinstance(target, ConversableAgent) and target not in agents:
            raise ValueError(
                f"Agent in hand-off must be in the agents list: agent '{agent.name}' hands off to '{target.name}' "
                "after its work, which is not one of the swarm's agents."
            )

    tool_execution = ConversableAgent(
        name=__TOOL_EXECUTOR_NAME__, system_message="Tool Execution, do not use this agent directly."
    )
    _set_to_tool_execution(tool_execution)
    tool_execution.context_variables = context_variables

    nested_chat_agents: list[ConversableAgent] = []
    for agent in agents:
        _create_nested_chats(agent, nested_chat_agents)

    for agent in agents + nested_chat_agents:
        tool_execution._function_map.update(agent._function_map)
        for func_name, (func, _) in getattr(agent, "_swarm_conditional_functions", {}).items():
            tool_execution._function_map[func_name] = func
        for tool in agent.tools:
            _change_tool_context_variables_to_depends(agent, tool, context_variables)
        for tool in agent.tools:
            if tool.name not in getattr(agent, "_swarm_conditional_functions", {}):
                tool_execution.register_for_execution(serialize=False, silent_override=True)(tool)

    if exclude_transit_message:
        names = [n for a in agents + nested_chat_agents for n in getattr(a, "_swarm_conditional_functions", {})]
        remove = group_utils.make_remove_function(names)
        for agent in agents + nested_chat_agents:
            agent.register_hook("process_all_messages_before_reply", remove)
    return tool_execution, nested_chat_agents


def _create_nested_chats(agent: ConversableAgent, nested_chat_agents: list[ConversableAgent]) -> None:
    """Create a ``nested_chat_<agent>_<n>`` agent for each of ``agent``'s nested chat handoffs, hand
    it back to ``agent`` after its work, and point the handoff at it. Each is created once: later
    chats reuse it (and the handoff made for it) rather than adding another."""
    created: dict[int, ConversableAgent] = agent.__dict__.setdefault("_swarm_nested_chat_agents", {})

    def create(config: dict[str, Any]) -> ConversableAgent:
        nested = ConversableAgent(name=f"{NESTED_CHAT_AGENT_PREFIX}{agent.name}_{len(created) + 1}")
        answer_with_nested_chats(nested, config)
        register_hand_off(nested, AfterWork(agent=agent))
        return nested

    for handoff in getattr(agent, "_swarm_nested_chat_handoffs", []):
        if id(handoff) not in created:
            nested = created[id(handoff)] = create(handoff["nested_chats"])
            register_hand_off(agent, OnCondition(target=nested, condition=handoff["condition"], available=handoff["available"]))
    for condition in getattr(agent, "_swarm_oncontextconditions", []):
        if isinstance(condition.target, dict):
            condition.target = created[id(condition)] = create(condition.target)
    nested_chat_agents.extend(created.values())


def _process_initial_messages(
    messages: list[dict[str, Any]] | str,
    user_agent: ConversableAgent | None,
    agents: list[ConversableAgent],
    nested_chat_agents: list[ConversableAgent],
) -> tuple[list[dict[str, Any]], Agent | None, list[str], list[Agent]]:
    """Who opens the chat: (messages, the agent that sent the first one, the swarm's agent names,
    a temporary ``_User`` to add when nobody named did)."""
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    first = messages[0] if messages else {}
    names = [a.name for a in agents + nested_chat_agents]
    if "name" in first and first["name"] not in names and not (user_agent and first["name"] == user_agent.name):
        raise ValueError(f"Invalid swarm agent name in last message: {first['name']}")
    if len(messages) > 1 and "name" not in first and user_agent is None:
        return messages, None, names, []
    return group_utils.process_initial_messages(messages, user_agent, agents, nested_chat_agents)  # type: ignore[return-value]


def _setup_context_variables(
    tool_execution: ConversableAgent,
    agents: list[ConversableAgent],
    manager: Any,
    context_variables: ContextVariables,
) -> None:
    """Give the agents, the tool executor and the manager the same ContextVariables instance."""
    group_utils.setup_context_variables(tool_execution, agents, manager, None, context_variables)


def _cleanup_temp_user_messages(chat_result: ChatResult) -> None:
    """Drop the temporary ``_User``'s name from the chat history (in place)."""
    group_utils.cleanup_temp_user_messages(chat_result)


def _create_swarm_manager(groupchat: Any, swarm_manager_args: dict[str, Any] | None, agents: list[ConversableAgent]) -> Any:
    """The swarm's GroupChatManager; it needs an LLM when an agent's after-work is SWARM_MANAGER."""
    from ..groupchat import GroupChatManager

    args = dict(swarm_manager_args or {})
    if "groupchat" in args:
        raise ValueError("'groupchat' cannot be specified in swarm_manager_args as it is set by initiate_swarm_chat")
    manager = GroupChatManager(groupchat, **args)
    if manager.llm_config is False:
        for agent in agents:
            after_work = getattr(agent, "_swarm_after_work", None)
            option = after_work.agent if isinstance(after_work, AfterWork) else after_work
            if option == AfterWorkOption.SWARM_MANAGER:
                raise ValueError(
                    "The swarm manager doesn't have an LLM Config and it is required for AfterWorkOption.SWARM_MANAGER. "
                    "Use the swarm_manager_args to specify the LLM Config for the swarm manager."
                )
    return manager


class _SwarmSelectionFilter:
    """Never offer the tool executor, the nested chat agents or the temporary user to an LLM selection."""

    def is_eligible(self, agent: Agent, ctx: Any) -> bool:
        return not (agent.name == __TOOL_EXECUTOR_NAME__ or agent.name.startswith(NESTED_CHAT_AGENT_PREFIX) or agent.name == group_utils.TEMP_USER_NAME)


# ------------------------------------------------------------------------------------- choosing the next speaker


def _prepare_groupchat_auto_speaker(groupchat: Any, last_swarm_agent: ConversableAgent, after_work_next_agent_selection_msg: Any) -> None:
    """Set the group chat's selection prompt for the manager's LLM: the default one, or the
    after-work's message (``{agentlist}`` filled with the speakers that may be chosen)."""
    from ..groupchat import SELECT_SPEAKER_PROMPT_TEMPLATE

    msg = after_work_next_agent_selection_msg
    if msg is None:
        template = SELECT_SPEAKER_PROMPT_TEMPLATE
    elif isinstance(msg, ContextStr):
        template = GroupManagerSelectionMessageContextStr(msg.template).get_message(last_swarm_agent)
    elif isinstance(msg, str):
        template = msg
    else:
        template = str(msg(last_swarm_agent, groupchat.messages))
    candidates = [a for a in groupchat.agents if _SwarmSelectionFilter().is_eligible(a, None)]
    groupchat.select_speaker_prompt_template = template.replace("{agentlist}", f"{[a.name for a in candidates]}")


def _last_swarm_speaker(groupchat: Any, swarm_agent_names: list[str], tool_execution: ConversableAgent) -> ConversableAgent:
    try:
        return group_utils.get_last_agent_speaker(groupchat, swarm_agent_names, tool_execution)  # type: ignore[return-value]
    except ValueError:
        raise ValueError("No swarm agent found in the message history") from None


def _determine_next_agent(
    last_speaker: ConversableAgent,
    groupchat: Any,
    initial_agent: ConversableAgent,
    use_initial_agent: bool,
    tool_execution: ConversableAgent,
    swarm_agent_names: list[str],
    user_agent: ConversableAgent | None,
    swarm_after_work: Any,
) -> Agent | Literal["auto"] | None:
    """The next speaker: the initial agent (first turn); the tool executor (after a tool call); the
    speaker a tool or context condition chose; back to the agent the user or a tool answered; the
    last agent's after-work, else the swarm's. None ends the chat, "auto" lets the manager's LLM pick."""
    if use_initial_agent:
        return initial_agent
    if "tool_calls" in groupchat.messages[-1]:
        return tool_execution

    after_work: Any = None
    pending = getattr(tool_execution, "_swarm_next_agent", None)
    if pending is not None:
        tool_execution._swarm_next_agent = None  # type: ignore[attr-defined]
        if isinstance(pending, str) and not isinstance(pending, AfterWorkOption):
            if pending not in swarm_agent_names:
                raise ValueError(f"No agent found with the name '{pending}'. Ensure the agent exists in the swarm.")
            return groupchat.agent_by_name(name=pending)  # type: ignore[no-any-return]
        if isinstance(pending, TransitionTarget):
            current = _last_swarm_speaker(groupchat, swarm_agent_names, tool_execution)
            return group_utils._resolve(pending, groupchat, current, user_agent, "the next speaker a tool chose")  # type: ignore[return-value]
        if not isinstance(pending, AfterWorkOption):
            return pending  # type: ignore[no-any-return]
        after_work = pending

    last_swarm_speaker = _last_swarm_speaker(groupchat, swarm_agent_names, tool_execution)
    if after_work is None and ((user_agent and last_speaker == user_agent) or groupchat.messages[-1].get("role") == "tool"):
        return last_swarm_speaker

    if after_work is None:
        own = getattr(last_swarm_speaker, "_swarm_after_work", None)
        after_work = own if own is not None else swarm_after_work
    selection_msg = None
    if isinstance(after_work, AfterWork):
        selection_msg = after_work.next_agent_selection_msg
        after_work = after_work.agent
    if callable(after_work) and not isinstance(after_work, (Agent, AfterWorkOption)):
        after_work = after_work(last_swarm_speaker, groupchat.messages, groupchat)

    if isinstance(after_work, str):
        if after_work in swarm_agent_names:
            return groupchat.agent_by_name(name=after_work)  # type: ignore[no-any-return]
        if after_work.upper() not in AfterWorkOption.__members__:
            raise ValueError(f"Invalid agent name in after_work: {after_work}")
        after_work = AfterWorkOption(after_work.upper())  # an option by name (the original only takes agent names)
    if isinstance(after_work, ConversableAgent):
        return after_work
    if after_work == AfterWorkOption.TERMINATE:
        return None
    if after_work == AfterWorkOption.REVERT_TO_USER:
        return user_agent
    if after_work == AfterWorkOption.STAY:
        return last_swarm_speaker
    if after_work == AfterWorkOption.SWARM_MANAGER:
        _prepare_groupchat_auto_speaker(groupchat, last_swarm_speaker, selection_msg)
        return "auto"
    raise ValueError(f"Invalid After Work condition or return value from callable: {after_work!r}")


def create_swarm_transition(
    initial_agent: ConversableAgent,
    tool_execution: ConversableAgent,
    swarm_agent_names: list[str],
    user_agent: ConversableAgent | None,
    swarm_after_work: Any,
) -> Callable[[ConversableAgent, Any], Agent | Literal["auto"] | None]:
    """The swarm's speaker selection function (its first call chooses ``initial_agent``)."""
    state = {"use_initial_agent": True}

    def swarm_transition(last_speaker: ConversableAgent, groupchat: Any) -> Agent | Literal["auto"] | None:
        result = _determine_next_agent(
            last_speaker=last_speaker,
            groupchat=groupchat,
            initial_agent=initial_agent,
            use_initial_agent=state["use_initial_agent"],
            tool_execution=tool_execution,
            swarm_agent_names=swarm_agent_names,
            user_agent=user_agent,
            swarm_after_work=swarm_after_work,
        )
        state["use_initial_agent"] = False
        return result

    return swarm_transition


# ------------------------------------------------------------------------------------- running


@dataclass
class _SwarmChat:
    """Everything one swarm chat runs with (built by `_prepare_swarm_chat`)."""

    manager: Any
    groupchat: Any
    messages: list[dict[str, Any]]
    initiator: Agent | None
    context_variables: ContextVariables
    has_temp_user: bool


def _prepare_swarm_chat(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None,
    swarm_manager_args: dict[str, Any] | None,
    max_rounds: int,
    context_variables: ContextVariables | dict[str, Any] | None,
    after_work: Any,
    exclude_transit_message: bool,
) -> _SwarmChat:
    from ..groupchat import GroupChat

    if isinstance(context_variables, dict):
        context_variables = ContextVariables(context_variables)
    context_variables = context_variables if context_variables is not None else ContextVariables()
    tool_execution, nested_chat_agents = _prepare_swarm_agents(initial_agent, agents, context_variables, exclude_transit_message)
    processed, initiator, names, temp_users = _process_initial_messages(messages, user_agent, agents, nested_chat_agents)
    transition = create_swarm_transition(initial_agent, tool_execution, names, user_agent, after_work)
    groupchat = GroupChat(
        agents=[tool_execution, *agents, *nested_chat_agents, *([user_agent] if user_agent else temp_users)],
        messages=[],
        max_round=max_rounds,
        speaker_selection_method=transition,
        eligibility_policies=[_SwarmSelectionFilter()],
    )
    manager = _create_swarm_manager(groupchat, swarm_manager_args, agents)
    _setup_context_variables(tool_execution, [*agents, *nested_chat_agents], manager, context_variables)
    _link_agents_to_swarm_manager(groupchat.agents, manager)
    return _SwarmChat(manager, groupchat, processed, initiator, context_variables, bool(temp_users))


def _swarm_chat_flow(chat: _SwarmChat) -> Flow[tuple[ChatResult, ContextVariables, Agent | None]]:
    """One swarm chat, for either driver: resume from the given messages or open with the one."""
    manager = chat.manager
    if len(chat.messages) > 1:
        initiator, message = yield Call(manager.resume, manager.a_resume, messages=chat.messages)
        clear_history = False
    else:
        initiator, message, clear_history = chat.initiator, chat.messages[0], True
    if initiator is None:
        raise ValueError("No agent selected to start the conversation")
    result = yield from chat_flow(initiator, manager, message=message, clear_history=clear_history)
    if not isinstance(result, ChatResult):  # from a replaced initiate_chat: cleaned as the original does
        _cleanup_temp_user_messages(result)
    elif chat.has_temp_user:
        # Stored messages are shared by every history: the returned one gets copies without the name.
        result.chat_history = [
            {k: v for k, v in m.items() if k != "name"} if m.get("name") == group_utils.TEMP_USER_NAME else m
            for m in result.chat_history
        ]
    return result, chat.context_variables, manager.last_speaker


def initiate_swarm_chat(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> tuple[ChatResult, ContextVariables, Agent | None]:
    """Run a swarm chat (deprecated: use `initiate_group_chat` with a `DefaultPattern`).

    Returns (chat result, the shared context variables, the last speaker).
    """
    _deprecated("initiate_swarm_chat", "initiate_group_chat / run_group_chat")
    chat = _prepare_swarm_chat(
        initial_agent, messages, agents, user_agent, swarm_manager_args, max_rounds, context_variables, after_work, exclude_transit_message
    )
    return run_sync(_swarm_chat_flow(chat))


async def a_initiate_swarm_chat(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> tuple[ChatResult, ContextVariables, Agent | None]:
    """Async twin of `initiate_swarm_chat` (deprecated)."""
    _deprecated("a_initiate_swarm_chat", "a_initiate_group_chat / a_run_group_chat")
    chat = _prepare_swarm_chat(
        initial_agent, messages, agents, user_agent, swarm_manager_args, max_rounds, context_variables, after_work, exclude_transit_message
    )
    return await run_async(_swarm_chat_flow(chat))


def _completion(chat: _SwarmChat, outcome: tuple[ChatResult, ContextVariables, Agent | None]) -> dict[str, Any]:
    result, context_variables, last_speaker = outcome
    return {
        "summary": result.summary,
        "history": result.chat_history,
        "cost": gather_usage_summary([*chat.groupchat.agents, chat.manager]),
        "last_speaker": last_speaker,
        "context_variables": context_variables,
    }


def run_swarm(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> Any:
    """Run a swarm chat in the background; returns a `RunResponse` (deprecated: use `run_group_chat`)."""
    from ...io.run_response import RunResponse

    _deprecated("run_swarm", "run_group_chat")
    chat = _prepare_swarm_chat(
        initial_agent, messages, agents, user_agent, swarm_manager_args, max_rounds, context_variables, after_work, exclude_transit_message
    )
    return RunResponse.start(lambda: _completion(chat, run_sync(_swarm_chat_flow(chat))), agents=[*chat.groupchat.agents, chat.manager])


async def a_run_swarm(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> Any:
    """Async twin of `run_swarm`: the chat runs as an asyncio task; returns an `AsyncRunResponse`."""
    from ...io.run_response import AsyncRunResponse

    _deprecated("a_run_swarm", "a_run_group_chat")
    chat = _prepare_swarm_chat(
        initial_agent, messages, agents, user_agent, swarm_manager_args, max_rounds, context_variables, after_work, exclude_transit_message
    )

    async def work() -> dict[str, Any]:
        return _completion(chat, await run_async(_swarm_chat_flow(chat)))

    return AsyncRunResponse.start(work, agents=[*chat.groupchat.agents, chat.manager])


def make_remove_function(tool_msgs_to_remove: list[str]) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """A ``process_all_messages_before_reply`` hook hiding calls to ``tool_msgs_to_remove`` and their responses."""
    return group_utils.make_remove_function(tool_msgs_to_remove)


def __getattr__(name: str) -> Any:
    if name == "UPDATE_SYSTEM_MESSAGE":
        raise AttributeError("UPDATE_SYSTEM_MESSAGE was removed: use autogen.UpdateSystemMessage.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
