"""The legacy swarm API (deprecated; use `autogen.agentchat.group` patterns).

Every name here maps onto the pattern machinery: a swarm is a `DefaultPattern` group chat whose
tool executor is called ``_Swarm_Tool_Executor``; swarm handoffs become `Handoffs` conditions,
`AfterWork` becomes a transition target, and `SwarmResult` is a `ReplyResult`. Each entry point
warns once per process that it is deprecated.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..agent import Agent
from ..conversable_agent import ConversableAgent
from ..group.available_condition import AvailableCondition, ExpressionAvailableCondition, StringAvailableCondition
from ..group.context_expression import ContextExpression
from ..group.context_str import ContextStr
from ..group.context_variables import ContextVariables
from ..group.handoffs import handoff_tool_name
from ..group.llm_condition import ContextStrLLMCondition, LLMCondition, StringLLMCondition
from ..group.on_condition import OnCondition as GroupOnCondition
from ..group.on_context_condition import OnContextCondition as GroupOnContextCondition
from ..group.patterns.pattern import DefaultPattern
from ..group.reply_result import ReplyResult
from ..group.speaker_selection_result import SpeakerSelectionResult
from ..group.targets.group_manager_target import (
    GroupManagerSelectionMessage,
    GroupManagerSelectionMessageContextStr,
    GroupManagerSelectionMessageString,
    GroupManagerTarget,
)
from ..group.targets.transition_target import (
    AgentNameTarget,
    AgentTarget,
    NestedChatTarget,
    RevertToUserTarget,
    StayTarget,
    TerminateTarget,
    TransitionTarget,
    _DirectTarget,
)

__all__ = [
    "AfterWork",
    "AfterWorkOption",
    "OnCondition",
    "OnContextCondition",
    "SwarmAgent",
    "SwarmResult",
    "a_initiate_swarm_chat",
    "a_run_swarm",
    "initiate_swarm_chat",
    "register_hand_off",
    "run_swarm",
]

SWARM_TOOL_EXECUTOR_NAME = "_Swarm_Tool_Executor"
#: The original's name for the same constant.
__TOOL_EXECUTOR_NAME__ = SWARM_TOOL_EXECUTOR_NAME
_warned: set[str] = set()


def _deprecated(name: str, instead: str) -> None:
    """Warn once per process that ``name`` is deprecated."""
    if name in _warned:
        return
    _warned.add(name)
    warnings.warn(
        f"{name} is deprecated and will be removed in v0.14; use {instead} from autogen.agentchat.group instead.",
        DeprecationWarning,
        stacklevel=3,
    )


class AfterWorkOption(str, Enum):
    """What happens when a swarm agent finishes without handing off."""

    TERMINATE = "TERMINATE"
    REVERT_TO_USER = "REVERT_TO_USER"
    STAY = "STAY"
    SWARM_MANAGER = "SWARM_MANAGER"


class _CallableAfterWorkTarget(_DirectTarget):
    """An after-work function ``(last_speaker, messages, groupchat) -> AfterWorkOption | agent | str``."""

    model_config = {"arbitrary_types_allowed": True}
    func: Callable[..., Any]

    def can_resolve_for_speaker_selection(self) -> bool:
        return True

    def resolve(self, groupchat: Any, current_agent: Any, user_agent: Any) -> SpeakerSelectionResult:
        chosen = self.func(current_agent, groupchat.messages, groupchat)
        if isinstance(chosen, AfterWorkOption) or (isinstance(chosen, str) and chosen.upper() in AfterWorkOption.__members__):
            target = _option_target(AfterWorkOption(chosen.upper() if isinstance(chosen, str) else chosen), None)
        elif isinstance(chosen, str):
            target = AgentNameTarget(chosen)
        elif hasattr(chosen, "name"):
            target = AgentTarget(chosen)
        else:
            raise ValueError(
                f"The swarm after-work function {getattr(self.func, '__name__', self.func)!r} returned {chosen!r}; "
                "return an AfterWorkOption, an agent or an agent name."
            )
        return target.resolve(groupchat, current_agent, user_agent)

    def display_name(self) -> str:
        return getattr(self.func, "__name__", "after_work_function")

    def normalized_name(self) -> str:
        return self.display_name()


class _CallableSelectionMessage(GroupManagerSelectionMessage):
    """A swarm manager selection message made by ``func(agent, messages) -> str``."""

    model_config = {"arbitrary_types_allowed": True}
    func: Callable[..., Any]

    def get_message(self, agent: Any) -> str:
        manager = getattr(agent, "_group_manager", None)
        messages = manager.groupchat.messages if manager is not None else []
        return self.func(agent, messages)


def _option_target(option: AfterWorkOption, selection_msg: Any) -> TransitionTarget:
    if option is AfterWorkOption.TERMINATE:
        return TerminateTarget()
    if option is AfterWorkOption.REVERT_TO_USER:
        return RevertToUserTarget()
    if option is AfterWorkOption.STAY:
        return StayTarget()
    selection: GroupManagerSelectionMessage | None = None
    if isinstance(selection_msg, str):
        selection = GroupManagerSelectionMessageString(selection_msg)
    elif isinstance(selection_msg, ContextStr):
        selection = GroupManagerSelectionMessageContextStr(selection_msg.template)
    elif callable(selection_msg):
        selection = _CallableSelectionMessage(func=selection_msg)
    return GroupManagerTarget(selection_message=selection)


class AfterWork:
    """``AfterWork(agent)``: an `AfterWorkOption`, an agent, an option name, or a function
    ``(last_speaker, messages, groupchat) -> option | agent | name``."""

    def __init__(self, agent: AfterWorkOption | ConversableAgent | str | Callable[..., Any], next_agent_selection_msg: Any = None) -> None:
        _deprecated("AfterWork", "Handoffs.set_after_work with a TransitionTarget")
        if isinstance(agent, str) and not isinstance(agent, AfterWorkOption):
            try:
                agent = AfterWorkOption(agent.upper())
            except ValueError:
                raise ValueError(
                    f"AfterWork got {agent!r}; use one of {[o.value for o in AfterWorkOption]}, an agent or a function."
                ) from None
        if not (isinstance(agent, AfterWorkOption) or isinstance(agent, ConversableAgent) or callable(agent)):
            raise ValueError(f"AfterWork takes an AfterWorkOption, an agent, an option name or a function, not {agent!r}.")
        self.agent = agent
        self.next_agent_selection_msg = next_agent_selection_msg

    def to_target(self) -> TransitionTarget:
        """The equivalent transition target."""
        if isinstance(self.agent, AfterWorkOption):
            return _option_target(self.agent, self.next_agent_selection_msg)
        if isinstance(self.agent, ConversableAgent):
            return AgentTarget(self.agent)
        return _CallableAfterWorkTarget(func=self.agent)


class _CallableLLMCondition(LLMCondition):
    model_config = {"arbitrary_types_allowed": True}
    func: Callable[..., Any]

    def get_prompt(self, agent: Any, messages: list[dict[str, Any]]) -> str:
        return self.func(agent, messages)


class _CallableAvailable(AvailableCondition):
    model_config = {"arbitrary_types_allowed": True}
    func: Callable[..., Any]

    def is_available(self, agent: Any, messages: list[dict[str, Any]]) -> bool:
        return bool(self.func(agent, messages))


def _available(available: Any) -> AvailableCondition | None:
    if available is None:
        return None
    if isinstance(available, str):
        return StringAvailableCondition(available)
    if isinstance(available, ContextExpression):
        return ExpressionAvailableCondition(available)
    if callable(available):
        return _CallableAvailable(func=available)
    raise ValueError(f"A swarm 'available' must be a variable name, a ContextExpression or a function, not {available!r}.")


def _target(target: Any) -> TransitionTarget:
    if isinstance(target, ConversableAgent):
        return AgentTarget(target)
    if isinstance(target, dict):
        return NestedChatTarget(nested_chat_config=target)
    if isinstance(target, TransitionTarget):
        return target
    raise ValueError(f"A swarm handoff target must be an agent or a nested chat config dict, not {target!r}.")


@dataclass
class OnCondition:
    """Swarm LLM handoff: ``OnCondition(target=agent_or_nested_chat_dict, condition="...", available=None)``."""

    target: Any = None
    condition: str | ContextStr | Callable[..., Any] = ""
    available: Callable[..., Any] | str | ContextExpression | None = None

    def __post_init__(self) -> None:
        _deprecated("swarm OnCondition", "OnCondition with StringLLMCondition")
        if not isinstance(self.target, (ConversableAgent, dict)):
            raise ValueError("Swarm OnCondition target must be an agent or a nested chat config dict.")
        if not self.condition:
            raise ValueError("Swarm OnCondition needs a condition (the text the LLM decides on).")

    def to_group(self) -> GroupOnCondition:
        if isinstance(self.condition, ContextStr):
            condition: LLMCondition = ContextStrLLMCondition(self.condition)
        elif isinstance(self.condition, str):
            condition = StringLLMCondition(self.condition)
        else:
            condition = _CallableLLMCondition(func=self.condition)
        return GroupOnCondition(target=_target(self.target), condition=condition, available=_available(self.available))


@dataclass
class OnContextCondition:
    """Swarm context handoff: ``OnContextCondition(target, condition=<variable name or ContextExpression>)``."""

    target: Any = None
    condition: str | ContextExpression = ""
    available: Callable[..., Any] | str | ContextExpression | None = None

    def __post_init__(self) -> None:
        _deprecated("swarm OnContextCondition", "OnContextCondition with StringContextCondition")
        if not isinstance(self.target, (ConversableAgent, dict)):
            raise ValueError("Swarm OnContextCondition target must be an agent or a nested chat config dict.")
        if not isinstance(self.condition, (str, ContextExpression)) or not self.condition:
            raise ValueError("Swarm OnContextCondition condition must be a context variable name or a ContextExpression.")

    def to_group(self) -> GroupOnContextCondition:
        return GroupOnContextCondition(target=_target(self.target), condition=self.condition, available=_available(self.available))


class SwarmResult(ReplyResult):
    """Swarm tool result: ``SwarmResult(values="", agent=None, context_variables=None)`` (a ReplyResult)."""

    def __init__(self, values: str = "", agent: Any = None, context_variables: Any = None, **data: Any) -> None:
        _deprecated("SwarmResult", "ReplyResult")
        if "message" in data:
            values = data.pop("message")
        target = data.pop("target", None)
        if agent is not None:
            if isinstance(agent, AfterWorkOption):
                target = _option_target(agent, None)
            elif isinstance(agent, str):
                target = _option_target(AfterWorkOption(agent.upper()), None) if agent.upper() in AfterWorkOption.__members__ else AgentNameTarget(agent)
            elif isinstance(agent, ConversableAgent):
                target = AgentTarget(agent)
            elif isinstance(agent, TransitionTarget):
                target = agent
            else:
                raise ValueError(f"SwarmResult agent must be an agent, an agent name or an AfterWorkOption, not {agent!r}.")
        if isinstance(context_variables, dict):
            context_variables = ContextVariables(context_variables)
        super().__init__(message=values, target=target, context_variables=context_variables, **data)

    @property
    def values(self) -> str:
        return self.message


class SwarmAgent(ConversableAgent):
    """Deprecated alias of ConversableAgent (swarm agents are ordinary agents now)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _deprecated("SwarmAgent", "ConversableAgent")
        super().__init__(*args, **kwargs)


def register_hand_off(agent: ConversableAgent, hand_to: list[Any] | Any) -> None:
    """Add swarm handoffs (OnCondition, OnContextCondition, AfterWork) to ``agent``."""
    _deprecated("register_hand_off", "agent.handoffs")
    items = hand_to if isinstance(hand_to, list) else [hand_to]
    used = {c.llm_function_name for c in agent.handoffs.llm_conditions}
    for item in items:
        if isinstance(item, AfterWork):
            agent.handoffs.set_after_work(item.to_target())
        elif isinstance(item, OnCondition):
            condition = item.to_group()
            base = handoff_tool_name(f"transfer_{agent.name}_to_{condition.target.normalized_name()}")
            name, n = base, 1
            while name in used:
                n += 1
                name = handoff_tool_name(base, f"_{n}")
            used.add(name)
            condition.llm_function_name = name
            agent.handoffs.add_llm_condition(condition)
        elif isinstance(item, OnContextCondition):
            agent.handoffs.add_context_condition(item.to_group())
        else:
            raise ValueError(f"register_hand_off takes OnCondition, OnContextCondition or AfterWork objects, not {item!r}.")


class _SwarmPattern(DefaultPattern):
    tool_executor_name = SWARM_TOOL_EXECUTOR_NAME


def _pattern(
    initial_agent: ConversableAgent,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None,
    swarm_manager_args: dict[str, Any] | None,
    context_variables: Any,
    after_work: Any,
    exclude_transit_message: bool,
) -> _SwarmPattern:
    if isinstance(after_work, AfterWork):
        group_after_work = after_work.to_target()
    elif isinstance(after_work, (AfterWorkOption, str)):
        group_after_work = _option_target(AfterWorkOption(str(after_work.value if isinstance(after_work, AfterWorkOption) else after_work).upper()), None)
    elif isinstance(after_work, TransitionTarget):
        group_after_work = after_work
    elif callable(after_work):
        group_after_work = _CallableAfterWorkTarget(func=after_work)
    else:
        raise ValueError(f"after_work must be an AfterWorkOption, an AfterWork or a function, not {after_work!r}.")
    if isinstance(context_variables, dict):
        context_variables = ContextVariables(context_variables)
    return _SwarmPattern(
        initial_agent=initial_agent,
        agents=agents,
        user_agent=user_agent,
        group_manager_args=swarm_manager_args,
        context_variables=context_variables,
        group_after_work=group_after_work,
        exclude_transit_message=exclude_transit_message,
    )


def initiate_swarm_chat(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | dict[str, Any] | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> tuple[Any, ContextVariables, Agent | None]:
    """Run a swarm (deprecated: use `initiate_group_chat` with a `DefaultPattern`)."""
    _deprecated("initiate_swarm_chat", "initiate_group_chat with a DefaultPattern")
    from ..group.multi_agent_chat import initiate_group_chat

    pattern = _pattern(initial_agent, agents, user_agent, swarm_manager_args, context_variables, after_work, exclude_transit_message)
    return initiate_group_chat(pattern=pattern, messages=messages, max_rounds=max_rounds)


async def a_initiate_swarm_chat(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | dict[str, Any] | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> tuple[Any, ContextVariables, Agent | None]:
    """Async twin of `initiate_swarm_chat` (deprecated)."""
    _deprecated("a_initiate_swarm_chat", "a_initiate_group_chat with a DefaultPattern")
    from ..group.multi_agent_chat import a_initiate_group_chat

    pattern = _pattern(initial_agent, agents, user_agent, swarm_manager_args, context_variables, after_work, exclude_transit_message)
    return await a_initiate_group_chat(pattern=pattern, messages=messages, max_rounds=max_rounds)


def run_swarm(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | dict[str, Any] | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> Any:
    """Run a swarm in the background; returns a RunResponse (deprecated: use `run_group_chat`)."""
    _deprecated("run_swarm", "run_group_chat with a DefaultPattern")
    from ..group.multi_agent_chat import run_group_chat

    pattern = _pattern(initial_agent, agents, user_agent, swarm_manager_args, context_variables, after_work, exclude_transit_message)
    return run_group_chat(pattern=pattern, messages=messages, max_rounds=max_rounds)


async def a_run_swarm(
    initial_agent: ConversableAgent,
    messages: list[dict[str, Any]] | str,
    agents: list[ConversableAgent],
    user_agent: ConversableAgent | None = None,
    swarm_manager_args: dict[str, Any] | None = None,
    max_rounds: int = 20,
    context_variables: ContextVariables | dict[str, Any] | None = None,
    after_work: Any = AfterWorkOption.TERMINATE,
    exclude_transit_message: bool = True,
) -> Any:
    """Async twin of `run_swarm` (deprecated: use `a_run_group_chat`)."""
    _deprecated("a_run_swarm", "a_run_group_chat with a DefaultPattern")
    from ..group.multi_agent_chat import a_run_group_chat

    pattern = _pattern(initial_agent, agents, user_agent, swarm_manager_args, context_variables, after_work, exclude_transit_message)
    return await a_run_group_chat(pattern=pattern, messages=messages, max_rounds=max_rounds)


def __getattr__(name: str) -> Any:
    if name == "ON_CONDITION":
        _deprecated("ON_CONDITION", "OnCondition")
        return OnCondition
    if name == "AFTER_WORK":
        _deprecated("AFTER_WORK", "Handoffs.set_after_work")
        return AfterWork
    if name == "UPDATE_SYSTEM_MESSAGE":
        raise AttributeError("UPDATE_SYSTEM_MESSAGE was removed: use autogen.UpdateSystemMessage.")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
