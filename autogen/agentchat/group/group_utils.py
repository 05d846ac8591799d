"""The steps of a pattern group chat, as the functions the original exposes under these names.

`GroupRuntime` (one run of a pattern) is built from these steps and its agents behave through
them, so each piece of logic lives here once:

- preparing the agents: `establish_group_agent` (a first reply function running the
  OnContextConditions, a state hook keeping the ``transfer_to_*`` tools in line with their
  availability), `prepare_group_agents` (checks, the tool executor, wrapper agents for nested
  chats), `wrap_agent_handoff_targets`, `ensure_handoff_agents_in_group`;
- the opening: `process_initial_messages` (who started the chat, a temporary ``_User``);
- wiring: `create_group_manager`, `setup_context_variables`, `link_agents_to_group_manager`;
- speaker selection: `create_group_transition` / `determine_next_agent` (§6.8 order);
- hiding handoff traffic from the LLMs: `make_remove_function` (one message at a time by
  `filter_transit_message`, which the runtime also uses with its per-run cache).

The per-agent behaviours work on any agent that has ``handoffs``; when a `GroupRuntime` owns the
agent (``agent._group_runtime``) they act only while its run is on, and errors they meet end the
chat with a reason instead of escaping from the middle of it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from types import MethodType
from typing import TYPE_CHECKING, Any

from ... import runtime_logging
from ...io.base import IOStream
from ..agent import Agent
from ..conversable.stock import stock_sync
from .context_variables import ContextVariables
from .group_tool_executor import GroupToolExecutor
from .handoffs import handoff_tool_name
from .speaker_selection_result import agent_in_group
from .targets.function_target import FunctionTarget
from .targets.group_manager_target import GroupManagerTarget
from .targets.transition_target import AgentNameTarget, AgentTarget, RandomAgentTarget, TransitionTarget

if TYPE_CHECKING:
    from ..conversable_agent import ConversableAgent
    from ..groupchat import GroupChat, GroupChatManager

__all__ = [
    "cleanup_temp_user_messages",
    "create_group_manager",
    "create_group_transition",
    "create_on_condition_handoff_functions",
    "determine_next_agent",
    "ensure_guardrail_agents_in_group",
    "ensure_handoff_agents_in_group",
    "establish_group_agent",
    "filter_transit_message",
    "get_last_agent_speaker",
    "link_agents_to_group_manager",
    "make_remove_function",
    "prepare_exclude_transit_messages",
    "prepare_group_agents",
    "process_initial_messages",
    "setup_context_variables",
    "update_conditional_functions",
    "wrap_agent_handoff_targets",
]

TEMP_USER_NAME = "_User"
HANDING_OFF = "[Handing off to "

#: What `_evaluate_after_works_conditions` returns when no after-work holds (None means "terminate").
_NO_AFTER_WORK_MATCHED: Any = object()

# Targets naming one agent, whose resolution is the member of that name (subclasses may resolve otherwise).
_NAMED_TARGETS = frozenset({AgentTarget, AgentNameTarget})


def _runtime(agent: Any, sender: Any = None) -> tuple[bool, Any]:
    """(acts, runtime): whether a group behaviour of ``agent`` acts now, and the run owning it (or None).

    An agent no run owns behaves as in the original (always on); one a run owns acts only while
    that run is on and only in the run's chat (not, say, in a nested chat it takes part in).
    """
    rt = getattr(agent, "_group_runtime", None)
    if rt is None:
        return True, None
    if not rt.active or (sender is not None and sender is not rt.manager):
        return False, rt
    return True, rt


def _reason(e: BaseException) -> str:
    text = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
    return str(text)


# ------------------------------------------------------------------------------ the agents' behaviours


def establish_group_agent(agent: ConversableAgent) -> None:
    """Give ``agent`` its group behaviours (not for the tool executor): the `update_conditional_functions`
    state hook and `_run_oncontextconditions` as its first reply function."""

    def _group_agent_str(self: Any) -> str:
        return f"Group agent --> {self.name}"

    agent.register_hook("update_agent_state", update_conditional_functions)
    agent.register_reply(trigger=([Agent, None]), reply_func=_run_oncontextconditions, position=0)
    agent._get_display_name = MethodType(_group_agent_str, agent)  # type: ignore[method-assign]
    agent._group_is_established = True  # type: ignore[attr-defined]


def _handoff_offers(agent: Any, messages: list[dict[str, Any]]) -> list[tuple[Any, str]]:
    """The OnConditions whose `available` holds now, each with its current prompt."""
    offers = []
    for cond in agent.handoffs.llm_conditions:
        if cond.available is not None and not cond.available.is_available(agent, messages):
            continue
        offers.append((cond, cond.condition.get_prompt(agent, messages)))
    return offers


def update_conditional_functions(agent: ConversableAgent, messages: list[dict[str, Any]]) -> None:
    """State hook: offer the LLM exactly the handoff tools whose `available` condition holds, each
    described by its condition's current prompt."""
    acts, rt = _runtime(agent)
    if not acts:
        return
    if rt is None:
        # Not owned by a run: the tools are (re)registered on the agent, one by one.
        for cond in agent.handoffs.llm_conditions:
            available = cond.available.is_available(agent, messages) if cond.available else True
            for tool in agent.tools:
                if tool.name == cond.llm_function_name:
                    agent.remove_tool_for_llm(tool)
                    break
            if available:
                agent._add_single_function(
                    _create_on_condition_handoff_function(cond.target),
                    cond.llm_function_name,
                    cond.condition.get_prompt(agent, messages),
                )
        return
    if rt.error is not None or not agent.handoffs.llm_conditions:
        return
    try:
        offers = _handoff_offers(agent, messages)
    except Exception as e:  # noqa: BLE001 - ends the chat with a reason naming the agent
        rt.fail(f"Agent '{agent.name}' could not offer its handoffs: {_reason(e)}")
        return
    # During a run the tools change every few turns: patch the offered tools in place (see
    # `set_handoff_tools`) rather than re-registering them, which rebuilds the model client.
    set_handoff_tools(agent, [(c.llm_function_name or "", prompt) for c, prompt in offers])


def set_handoff_tools(agent: Any, wanted: list[tuple[str, str]]) -> None:
    """Make ``wanted`` ((tool name, description) pairs) the handoff tools offered to the agent's LLM."""
    current = getattr(agent, "_group_handoff_tools", None)
    if current == wanted or (current is None and not wanted and not agent.handoffs.llm_conditions):
        return
    if not agent.llm_config:
        return
    names = {c.llm_function_name for c in agent.handoffs.llm_conditions}
    tools = [t for t in (agent.llm_config.get("tools") or []) if (t.get("function") or {}).get("name") not in names]
    for name, prompt in wanted:
        tools.append(
            {
                "type": "function",
                "function": {"description": prompt, "name": name, "parameters": {"type": "object", "properties": {}}},
            }
        )
    _update_llm_tools(agent, tools)
    agent._group_handoff_tools = wanted


def _update_llm_tools(agent: Any, tools: list[dict[str, Any]]) -> None:
    """Change the tools offered to the agent's LLM without rebuilding its client (which would drop
    its usage totals and any registered custom model client)."""
    config = agent.llm_config
    if tools:
        config["tools"] = tools
    else:
        try:
            del config["tools"]
        except (KeyError, TypeError, AttributeError):
            config["tools"] = []
    client = agent.client
    params_list = getattr(client, "_config_list", None)
    if client is None or not isinstance(params_list, list):
        agent.client = agent._create_client(agent.llm_config)
        return
    for params in params_list:
        if tools:
            params["tools"] = tools
        else:
            params.pop("tools", None)


@stock_sync
def _run_oncontextconditions(
    agent: ConversableAgent,
    messages: list[dict[str, Any]] | None = None,
    sender: Agent | None = None,
    config: Any | None = None,
) -> tuple[bool, str | dict[str, Any] | None]:
    """First reply function of a group agent: the first available OnContextCondition that holds
    hands off without calling the LLM (a recorded run error ends the chat instead)."""
    acts, rt = _runtime(agent, sender)
    if not acts:
        return False, None
    if rt is not None and rt.error is not None:
        return True, None
    for index, cond in enumerate(agent.handoffs.context_conditions, 1):
        try:
            available = cond.available.is_available(agent, messages or []) if cond.available else True
            holds = available and (cond.condition is None or cond.condition.evaluate(agent.context_variables))
        except Exception as e:
            if rt is None:
                raise
            rt.fail(f"Agent '{agent.name}' OnContextCondition #{index} {cond.describe()}: {_reason(e)}")
            return True, None
        if holds:
            from .events.transition_events import OnContextConditionTransitionEvent

            if rt is not None:
                rt.executor.set_next_target(cond.target, ("context", agent.name))
            else:
                cond.target.activate_target(agent._group_manager.groupchat)  # type: ignore[attr-defined]
            IOStream.get_default().send(
                OnContextConditionTransitionEvent._from_fields({"source_agent": agent, "transition_target": cond.target})
            )
            return True, f"{HANDING_OFF}{cond.target.display_name()}]"
    return False, None


def _create_on_condition_handoff_function(target: TransitionTarget) -> Callable[[], TransitionTarget]:
    """The function behind a ``transfer_to_*`` tool: it returns ``target``."""

    def transfer_to_target() -> TransitionTarget:
        return target

    return transfer_to_target


def create_on_condition_handoff_functions(agent: ConversableAgent) -> None:
    """Register the agent's OnConditions as tools on the agent itself (named first if unnamed).

    A run does not need this (its executor answers the handoff tools, and the tools are offered to
    the LLM only during the run); it is for using a group agent's handoffs outside a run."""
    agent.handoffs.set_llm_function_names()
    for cond in agent.handoffs.llm_conditions:
        agent._add_single_function(
            _create_on_condition_handoff_function(cond.target), cond.llm_function_name, cond.condition.get_prompt(agent, [])
        )


def link_agents_to_group_manager(agents: list[Agent], group_chat_manager: Agent) -> None:
    """Point every agent at the chat's manager (its tools and conditions reach the group through it)."""
    for agent in agents:
        agent._group_manager = group_chat_manager  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------- checks


def _validate_handoff_target(target: TransitionTarget, agent_names: list[str], context: str, owner: str | None = None) -> None:
    """A ValueError when ``target`` names an agent outside ``agent_names``."""
    if isinstance(target, RandomAgentTarget):
        for name in target.agent_names:
            if name not in agent_names:
                raise ValueError(f"Agent '{name}' in RandomAgentTarget Hand-offs must be in the agents list")
        return
    for name in target.referenced_agent_names():
        if name not in agent_names:
            raise ValueError(
                f"Agent in {context} Hand-offs must be in the agents list: "
                f"{f'agent {owner!r}' if owner else 'it'} hands off to agent '{name}', which is not in the group "
                f"(agents: {agent_names}). Add it to the pattern's agents, or change the target."
            )


def ensure_handoff_agents_in_group(agents: list[ConversableAgent]) -> None:
    """Every agent a handoff names is one of ``agents``."""
    agent_names = [agent.name for agent in agents]
    for agent in agents:
        for cond in agent.handoffs.llm_conditions:
            _validate_handoff_target(cond.target, agent_names, "OnCondition", agent.name)
        for ccond in agent.handoffs.context_conditions:
            _validate_handoff_target(ccond.target, agent_names, "OnContextCondition", agent.name)
        for after_work in agent.handoffs.after_works:
            _validate_handoff_target(after_work.target, agent_names, "after work target", agent.name)


def ensure_guardrail_agents_in_group(agents: list[ConversableAgent]) -> None:
    """Every agent a guardrail hands off to is one of ``agents``."""
    agent_names = [agent.name for agent in agents]
    for agent in agents:
        for guardrail in list(getattr(agent, "input_guardrails", [])) + list(getattr(agent, "output_guardrails", [])):
            target = getattr(guardrail, "target", None)
            if isinstance(target, (AgentTarget, AgentNameTarget)) and target.agent_name not in agent_names:
                raise ValueError(
                    f"Agent in guardrail's target must be in the agents list: guardrail '{getattr(guardrail, 'name', '?')}' "
                    f"hands off to agent '{target.agent_name}', which is not in the group (guardrail of agent '{agent.name}'; "
                    f"agents: {agent_names})."
                )


def _check_agents(agents: list[ConversableAgent]) -> None:
    """What must hold of the agents before a run (names, handoff tool names, targets' kinds, LLMs)."""
    if not agents:
        raise ValueError("A pattern needs at least one agent in agents=[...].")
    names = [a.name for a in agents]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"Agent names in a group must be unique; repeated: {dupes}.")
    for agent in agents:
        handoffs = agent.handoffs
        handoffs.set_llm_function_names()
        seen: set[str] = set()
        for cond in handoffs.llm_conditions:
            name = cond.llm_function_name or ""
            if handoff_tool_name(name) != name or not name:
                raise ValueError(
                    f"Agent '{agent.name}' OnCondition llm_function_name {name!r} is not a valid tool name: "
                    "use letters, digits, '_' and '-', at most 64 characters."
                )
            if name in seen:
                raise ValueError(f"Agent '{agent.name}' has two OnConditions with the tool name {name!r}.")
            seen.add(name)
        for kind, conds in (("OnCondition", handoffs.llm_conditions), ("OnContextCondition", handoffs.context_conditions)):
            for i, cond in enumerate(conds, 1):
                if isinstance(cond.target, FunctionTarget):
                    raise ValueError(  # noqa: TRY004 - a bad handoff, as the other checks here
                        f"Agent '{agent.name}' {kind} #{i} uses a FunctionTarget, which only works as an after-work or "
                        "group after-work."
                    )
        for i, cond in enumerate(handoffs.after_works, 1):
            if cond.target.needs_agent_wrapper():
                raise ValueError(
                    f"Agent '{agent.name}' after-work #{i} targets {cond.target.display_name()}, which can only be an "
                    "OnCondition or OnContextCondition target."
                )
        if handoffs.llm_conditions and not agent.llm_config:
            raise ValueError(
                f"Agent '{agent.name}' has OnCondition (LLM) handoffs but no llm_config: the LLM decides them."
            )


# ------------------------------------------------------------------------------------- preparing


def wrap_agent_handoff_targets(agent: ConversableAgent, wrapped_agent_list: list[ConversableAgent]) -> None:
    """Replace the agent's targets that need a hidden agent (nested chats, inner group chats) by
    that agent, appended to ``wrapped_agent_list``."""
    for i, cond in enumerate(agent.handoffs.get_llm_conditions_requiring_wrapping()):
        wrapper = cond.target.create_wrapper_agent(parent_agent=agent, index=i)
        wrapped_agent_list.append(wrapper)
        cond.target = AgentTarget(wrapper)
    for i, ccond in enumerate(agent.handoffs.get_context_conditions_requiring_wrapping()):
        wrapper = ccond.target.create_wrapper_agent(parent_agent=agent, index=i)
        wrapped_agent_list.append(wrapper)
        ccond.target = AgentTarget(wrapper)


def _handoff_function(condition: Any) -> Callable[[], TransitionTarget]:
    """The executable behind a run's ``transfer_to_*`` tool: the condition's (current) target."""

    def transfer() -> TransitionTarget:
        return condition.target

    transfer.__name__ = condition.llm_function_name or "transfer"
    transfer._group_handoff = True  # type: ignore[attr-defined]  # touches no context: no snapshot needed
    return transfer


def prepare_group_agents(
    agents: list[ConversableAgent],
    context_variables: ContextVariables,
    exclude_transit_message: bool = True,
) -> tuple[GroupToolExecutor, list[ConversableAgent]]:
    """Check the agents, establish them as group agents, wrap the targets that need an agent, and
    build the tool executor (every agent's tools, plus the handoff tools).

    Returns (tool executor, wrapper agents). Hiding handoff traffic (``exclude_transit_message``)
    is done by the run, which knows the handoff tool names of the wrappers too.
    """
    _check_agents(agents)
    ensure_handoff_agents_in_group(agents)
    ensure_guardrail_agents_in_group(agents)
    for agent in agents:
        if not getattr(agent, "_group_is_established", False):
            establish_group_agent(agent)
    executor = GroupToolExecutor()
    wrapped: list[ConversableAgent] = []
    for agent in agents:
        wrap_agent_handoff_targets(agent, wrapped)
    executor.register_agents_functions(agents + wrapped, context_variables)
    for agent in agents + wrapped:
        for cond in agent.handoffs.llm_conditions:
            executor._function_map[cond.llm_function_name] = _handoff_function(cond)  # type: ignore[index]
    return executor, wrapped


def process_initial_messages(
    messages: list[dict[str, Any]] | str,
    user_agent: ConversableAgent | None,
    agents: list[ConversableAgent],
    wrapped_agents: list[ConversableAgent],
) -> tuple[list[dict[str, Any]], ConversableAgent | None, list[str], list[Agent]]:
    """Who opens the chat: (messages, the agent that sent the first message, the group agents'
    names, temporary user agents to add to the chat).

    A single unnamed message with no user agent comes from a temporary ``_User`` (a human proxy).
    """
    from ..conversable_agent import ConversableAgent

    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    group_agents = list(agents) + list(wrapped_agents)
    names = [a.name for a in group_agents]
    temp_users: list[Agent] = []

    def temp_user() -> ConversableAgent:
        user = ConversableAgent(name=TEMP_USER_NAME, code_execution_config=False, human_input_mode="ALWAYS")
        temp_users.append(user)
        return user

    first = messages[0]
    if len(messages) == 1 and "name" not in first and not user_agent:
        return messages, temp_user(), names, temp_users
    if "name" in first:
        name = first["name"]
        if name in names:
            return messages, next(a for a in group_agents if a.name == name), names, temp_users
        if user_agent and name == user_agent.name:
            return messages, user_agent, names, temp_users
        if name == TEMP_USER_NAME and not user_agent:  # a chat saved by a run that had one
            return messages, temp_user(), names, temp_users
        raise ValueError(
            f"Invalid group agent name in last message: {name}. The first message is by '{name}', who is not in the "
            f"group (agents: {names}{', user: ' + user_agent.name if user_agent else ''})."
        )
    if user_agent:
        return messages, user_agent, names, temp_users
    raise ValueError("With several messages and no user_agent, the first message needs a 'name' naming a group agent.")


def setup_context_variables(
    tool_execution: ConversableAgent,
    agents: list[ConversableAgent],
    manager: GroupChatManager,
    user_agent: ConversableAgent | None,
    context_variables: ContextVariables,
) -> None:
    """Give every participant the same ContextVariables instance."""
    for agent in [*agents, tool_execution, manager, *([user_agent] if user_agent else [])]:
        agent.context_variables = context_variables


def cleanup_temp_user_messages(chat_result: Any) -> None:
    """Drop the temporary ``_User``'s name from the chat history (in place)."""
    for message in chat_result.chat_history:
        if message.get("name") == TEMP_USER_NAME:
            del message["name"]


def _uses_group_manager(agents: list[ConversableAgent], group_after_work: TransitionTarget) -> bool:
    if isinstance(group_after_work, GroupManagerTarget):
        return True
    for agent in agents:
        h = agent.handoffs
        targets = [c.target for c in h.llm_conditions + h.context_conditions + h.after_works]
        if any(isinstance(t, GroupManagerTarget) for t in targets):
            return True
    return False


def create_group_manager(
    groupchat: GroupChat,
    group_manager_args: dict[str, Any] | None,
    agents: list[ConversableAgent],
    group_after_work: TransitionTarget,
) -> GroupChatManager:
    """The chat's manager, from ``group_manager_args``; it needs an LLM when a GroupManagerTarget may pick."""
    from ..groupchat import GroupChatManager

    args = dict(group_manager_args or {})
    if "groupchat" in args:
        raise ValueError("'groupchat' cannot be specified in group_manager_args: the pattern builds the group chat.")
    manager = GroupChatManager(groupchat, **args)
    if not manager.llm_config and _uses_group_manager(agents, group_after_work):
        raise ValueError(
            "The group manager doesn't have an LLM Config and it is required for any targets or after works using a "
            "GroupManagerTarget (or an AutoPattern): pass group_manager_args={'llm_config': ...} to the pattern."
        )
    return manager


# ------------------------------------------------------------------------------ choosing the next speaker


def get_last_agent_speaker(groupchat: GroupChat, group_agent_names: list[str], tool_executor: Agent) -> Agent:
    """The latest speaker that is a group agent (not the tool executor, not the user)."""
    for message in reversed(groupchat.messages):
        name = message.get("name")
        if name in group_agent_names and name != tool_executor.name:
            agent = groupchat.agent_by_name(name=name)
            if agent:
                return agent
    raise ValueError("No group agent found in the message history")


def _resolve(
    target: TransitionTarget, groupchat: GroupChat, current: Any, user_agent: Any, where: str | int
) -> Agent | str | None:
    """``target`` resolved to the next speaker; ``where`` names the rule in an error (an int: the
    current agent's after-work of that number; the text is only built when needed)."""
    try:
        if type(target) in _NAMED_TARGETS:  # what resolve() + get_speaker_selection_result() give
            return agent_in_group(groupchat, target.agent_name)  # type: ignore[attr-defined]
        return target.resolve(groupchat, current, user_agent).get_speaker_selection_result(groupchat)
    except Exception as e:
        try:
            shown = target.display_name()
        except Exception:  # noqa: BLE001
            shown = type(target).__name__
        if isinstance(where, int):
            where = f"after-work #{where} of agent '{current.name}'"
        raise ValueError(f"{where} ({shown}): {e}") from e


def _announce_after_work(source: Any, target: TransitionTarget, groupchat: Any = None, which: str = "after_work") -> None:
    IOStream.get_default().send(_after_works_event()._from_fields({"source_agent": source, "transition_target": target}))
    if groupchat is not None and runtime_logging.noting_selections():  # why the pattern's next speaker was chosen
        groupchat._after_work_note = (which, getattr(source, "name", None), target)


@functools.cache
def _after_works_event() -> Any:
    from .events.transition_events import AfterWorksTransitionEvent  # imported on first use

    return AfterWorksTransitionEvent


def _evaluate_after_works_conditions(agent: Any, groupchat: GroupChat, user_agent: Any) -> Any:
    """The speaker chosen by the agent's first after-work that holds (None: terminate), or
    `_NO_AFTER_WORK_MATCHED` when none holds."""
    handoffs = getattr(agent, "handoffs", None)
    if handoffs is None or not handoffs.after_works:
        return _NO_AFTER_WORK_MATCHED
    for index, after_work in enumerate(handoffs.after_works, 1):
        try:
            available = after_work.available.is_available(agent, groupchat.messages) if after_work.available else True
            holds = available and (after_work.condition is None or after_work.condition.evaluate(agent.context_variables))
        except Exception as e:
            raise ValueError(f"after-work #{index} of agent '{agent.name}': {e}") from e
        if holds:
            _announce_after_work(agent, after_work.target, groupchat, f"after_work#{index}")
            return _resolve(after_work.target, groupchat, agent, user_agent, index)
    return _NO_AFTER_WORK_MATCHED


def determine_next_agent(
    last_speaker: ConversableAgent,
    groupchat: GroupChat,
    initial_agent: ConversableAgent,
    use_initial_agent: bool,
    tool_executor: GroupToolExecutor,
    group_agent_names: list[str],
    user_agent: ConversableAgent | None,
    group_after_work: TransitionTarget,
) -> Agent | str | None:
    """The next speaker, in this order: the initial agent (first turn); the tool executor (after a
    tool call); a pending target (tool result, context condition, forced); back to the agent that
    called the tool or that the user answered; the last agent's after-works; the group after-work."""
    if use_initial_agent:
        return initial_agent
    last = groupchat.messages[-1]

    pending: TransitionTarget | None = None
    manager = getattr(last_speaker, "_group_manager", None)
    forced = getattr(manager, "_next_target_force", None) if manager is not None else None
    if isinstance(forced, TransitionTarget):
        pending = forced
        delattr(manager, "_next_target_force")

    if last.get("tool_calls") is not None:
        return tool_executor

    if tool_executor.has_next_target():
        pending = tool_executor.get_next_target()
        tool_executor.clear_next_target()

    is_user = user_agent is not None and last_speaker is user_agent
    if pending is not None:
        if not pending.can_resolve_for_speaker_selection():
            raise ValueError(
                f"Tool Executor next target must be a valid TransitionTarget that can resolve for speaker selection; "
                f"{pending!r} cannot: return an AgentTarget, AgentNameTarget, StayTarget, TerminateTarget, "
                "RevertToUserTarget, AskUserTarget or GroupManagerTarget."
            )
        # Resolved for the agent whose turn led here (a StayTarget after a tool stays with its caller).
        if is_user or getattr(last_speaker, "name", None) in group_agent_names:
            current: Any = last_speaker
        else:
            current = get_last_agent_speaker(groupchat, group_agent_names, tool_executor)
        return _resolve(pending, groupchat, current, user_agent, "pending target")

    group_agent = get_last_agent_speaker(groupchat, group_agent_names, tool_executor)
    if last.get("role") == "tool":
        return group_agent

    source: Any = group_agent
    if is_user:
        if not user_agent.handoffs.after_works:  # type: ignore[union-attr]
            return group_agent
        source = user_agent
    chosen = _evaluate_after_works_conditions(source, groupchat, user_agent)
    if chosen is not _NO_AFTER_WORK_MATCHED:
        return chosen  # type: ignore[no-any-return]
    _announce_after_work(source, group_after_work, groupchat, "group_after_work")
    return _resolve(group_after_work, groupchat, source, user_agent, "the group after-work")


class GroupTransition:
    """The speaker selection function of one run (`create_group_transition`); ``use_initial_agent``
    is True until its first call (a resumed run may set it)."""

    def __init__(
        self,
        initial_agent: ConversableAgent,
        tool_execution: GroupToolExecutor,
        group_agent_names: list[str],
        user_agent: ConversableAgent | None,
        group_after_work: TransitionTarget,
    ) -> None:
        self.initial_agent = initial_agent
        self.tool_execution = tool_execution
        self.group_agent_names = group_agent_names
        self.user_agent = user_agent
        self.group_after_work = group_after_work
        self.use_initial_agent = True

    def __call__(self, last_speaker: ConversableAgent, groupchat: GroupChat) -> Agent | str | None:
        result = determine_next_agent(
            last_speaker=last_speaker,
            groupchat=groupchat,
            initial_agent=self.initial_agent,
            use_initial_agent=self.use_initial_agent,
            tool_executor=self.tool_execution,
            group_agent_names=self.group_agent_names,
            user_agent=self.user_agent,
            group_after_work=self.group_after_work,
        )
        self.use_initial_agent = False
        return result


def create_group_transition(
    initial_agent: ConversableAgent,
    tool_execution: GroupToolExecutor,
    group_agent_names: list[str],
    user_agent: ConversableAgent | None,
    group_after_work: TransitionTarget,
) -> GroupTransition:
    """The transition function of a run (first call: the initial agent; then `determine_next_agent`).

    Checks first what the transition relies on: the initial agent is a group agent, the user agent
    is not one, and the user's after-works and the group after-work name members of the chat.
    """
    if initial_agent.name not in group_agent_names:
        raise ValueError(f"The initial agent '{initial_agent.name}' must be in the pattern's agents list.")
    members = list(group_agent_names)
    if user_agent is not None:
        if user_agent.name in group_agent_names:
            raise ValueError(f"The user agent '{user_agent.name}' must not also be in agents=[...].")
        members.append(user_agent.name)
        handoffs = getattr(user_agent, "handoffs", None)
        for after_work in list(getattr(handoffs, "after_works", None) or []):
            _validate_handoff_target(after_work.target, members, "after work target", user_agent.name)
    _validate_handoff_target(group_after_work, members, "group after work")
    if group_after_work.needs_agent_wrapper():
        raise ValueError("The pattern's group_after_work cannot be a nested chat or group chat target.")
    return GroupTransition(initial_agent, tool_execution, group_agent_names, user_agent, group_after_work)


# ----------------------------------------------------------------------------- hiding handoff traffic


def transit_function_names(agents: list[Any]) -> list[str]:
    """The handoff tool names of ``agents`` (the traffic `exclude_transit_message` hides)."""
    names: list[str] = []
    for agent in agents:
        for cond in agent.handoffs.llm_conditions:
            if not cond.llm_function_name:
                raise ValueError("OnCondition must have a function name")
            names.append(cond.llm_function_name)
    return names


def filter_transit_message(message: dict[str, Any], names: Any, removed_ids: set[Any]) -> dict[str, Any] | None:
    """``message`` without calls to the tools in ``names`` and without the responses to them:
    itself, a trimmed copy, or None (nothing left). Ids of removed calls are added to ``removed_ids``."""
    calls = message.get("tool_calls")
    if calls is not None:
        kept = [c for c in calls if (c.get("function") or {}).get("name") not in names]
        if len(kept) == len(calls):
            return message
        removed_ids.update(c.get("id") for c in calls if c not in kept)
        if kept:
            return {**message, "tool_calls": kept}
        if message.get("content") in (None, "", "None"):
            return None
        return {k: v for k, v in message.items() if k != "tool_calls"}
    responses = message.get("tool_responses")
    if responses is not None and removed_ids:
        kept_responses = [r for r in responses if r.get("tool_call_id") not in removed_ids]
        if len(kept_responses) == len(responses):
            return message
        if not kept_responses:
            return None
        trimmed = {**message, "tool_responses": kept_responses}
        if "content" in message:
            trimmed["content"] = "\n".join(str(r.get("content")) for r in kept_responses)
        return trimmed
    return message


def make_remove_function(tool_msgs_to_remove: list[str]) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """A ``process_all_messages_before_reply`` hook dropping the calls to ``tool_msgs_to_remove``
    and their responses (it returns copies; the history is untouched)."""
    names = frozenset(tool_msgs_to_remove)

    def remove_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        removed: set[Any] = set()
        out = []
        for message in messages:
            kept = filter_transit_message(message, names, removed)
            if kept is not None:
                out.append(copy.deepcopy(kept))
        return out

    return remove_messages


def prepare_exclude_transit_messages(agents: list[ConversableAgent]) -> None:
    """Register on every agent a hook hiding all the agents' handoff traffic from its LLM."""
    remove_function = make_remove_function(transit_function_names(agents))
    for agent in agents:
        agent.register_hook("process_all_messages_before_reply", remove_function)

