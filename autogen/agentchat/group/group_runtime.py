"""The machinery behind a pattern group chat: preparing the agents, and the transition function.

A `GroupRuntime` is built for one run of a pattern. It

- links every agent to the run (shared context variables, the tool executor, the manager);
- gives every agent, once, three group behaviours that stay dormant outside a run: a first reply
  function evaluating its OnContextConditions before anything else (no LLM call when one holds),
  a state hook keeping its ``transfer_to_*`` handoff tools in line with their availability, and a
  hook hiding handoff tool traffic from its LLM (``exclude_transit_message``);
- checks the handoffs at construction (unknown agents, unusable targets, missing manager LLM);
- decides the next speaker after every message (§6.8: initial agent, tool executor, pending
  target, back to the tool caller, user, after-works, group after-work);
- turns errors found during the run (an expression reading a missing variable, a tool returning a
  target that names no agent...) into a termination event that names the culprit, ending the chat;
- reports its state after every turn to an optional callback, so a chat can be resumed elsewhere.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...exception_utils import NoEligibleSpeakerError
from ...io.base import IOStream
from .._messages import GrowingHistory
from ..agent import Agent
from ..conversable.stock import stock_sync
from ..conversable_agent import ConversableAgent
from ..groupchat import GroupChat, GroupChatManager
from .context_variables import ContextVariables
from .group_tool_executor import GROUP_TOOL_EXECUTOR_NAME, GroupToolExecutor
from .handoffs import handoff_tool_name
from .on_condition import OnCondition
from .on_context_condition import OnContextCondition
from .speaker_selection_result import agent_in_group
from .targets.function_target import FunctionTarget
from .targets.group_manager_target import GroupManagerTarget
from .targets.transition_target import AgentNameTarget, AgentTarget, TransitionTarget

if TYPE_CHECKING:
    from .patterns.pattern import Pattern
    from .state import GroupChatState

__all__ = ["GroupRuntime", "TEMP_USER_NAME"]

TEMP_USER_NAME = "_User"
# Targets naming one agent, whose resolution is the member of that name (subclasses may resolve otherwise).
_NAMED_TARGETS = frozenset({AgentTarget, AgentNameTarget})
_HANDING_OFF = "[Handing off to "


class GroupChatRunError(NoEligibleSpeakerError):
    """Raised inside a run to end it; ``termination_reason`` says what was wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.termination_reason = reason


class _SelectionFilter:
    """Eligibility policy for "auto"/"manual" selections: never offer the tool executor, the hidden
    wrapper agents or the temporary user; the manual list also leaves out the user agent."""

    def __init__(self, runtime: GroupRuntime) -> None:
        self._runtime = runtime
        self.mode = "auto"

    def is_eligible(self, agent: Agent, ctx: Any) -> bool:
        rt = self._runtime
        if agent is rt.executor or agent in rt.wrapped_agents or agent is rt.temp_user:
            return False
        return not (self.mode == "manual" and agent is rt.user_agent)


class GroupRuntime:
    """One run of a pattern: its agents, tool executor, manager and transition function."""

    def __init__(
        self,
        pattern: Pattern,
        messages: list[dict[str, Any]] | str,
        max_rounds: int,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
    ) -> None:
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            raise ValueError("initiate_group_chat needs messages: a str, or a non-empty list of message dicts.")
        if not isinstance(max_rounds, int) or isinstance(max_rounds, bool) or max_rounds < 1:
            raise ValueError(f"max_rounds must be an int >= 1, got {max_rounds!r}.")
        self.pattern = pattern
        self.messages = messages
        self.max_rounds = max_rounds
        self.on_turn = on_turn
        self.agents: list[ConversableAgent] = list(pattern.agents)
        self.user_agent: ConversableAgent | None = pattern.user_agent
        self.initial_agent: ConversableAgent = pattern.initial_agent
        self.context_variables: ContextVariables = pattern.context_variables
        self.group_after_work: TransitionTarget = pattern.group_after_work
        self.error: str | None = None
        self.active = False
        self.use_initial_agent = True
        self._restore_counters: dict[str, int] | None = None

        pattern.configure_agents()
        self._validate()

        self._unwrap: list[tuple[OnCondition | OnContextCondition, TransitionTarget]] = []
        self.executor = GroupToolExecutor(getattr(pattern, "tool_executor_name", None) or GROUP_TOOL_EXECUTOR_NAME)
        self.wrapped_agents: list[ConversableAgent] = []
        for agent in self.agents:
            agent.handoffs.set_llm_function_names()
            self._check_llm_function_names(agent)
        for agent in self.agents:
            self._wrap_targets(agent)
        for agent in self.agents + self.wrapped_agents:
            _establish(agent)
            agent._group_runtime = self  # type: ignore[attr-defined]
            agent._group_handoff_tools = None  # type: ignore[attr-defined]
            agent._group_transit_state = None  # type: ignore[attr-defined]
        self.transit_names = {
            c.llm_function_name for a in self.agents + self.wrapped_agents for c in a.handoffs.llm_conditions
        }
        self.exclude_transit_message = pattern.exclude_transit_message
        self.transit_call_ids: set[Any] = set()
        self.transit_cache: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self.transit_cache_wrapper: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self.executor.register_agents_functions(self.agents + self.wrapped_agents, self.context_variables)
        for agent in self.agents + self.wrapped_agents:
            for condition in agent.handoffs.llm_conditions:
                self.executor._function_map[condition.llm_function_name] = _handoff_function(condition)  # type: ignore[index]

        # The initiator: a named member, the user agent, or a temporary "_User".
        self.temp_user: ConversableAgent | None = None
        first = messages[0]
        names = [a.name for a in self.agents + self.wrapped_agents]
        if len(messages) == 1 and "name" not in first and self.user_agent is None:
            self.temp_user = ConversableAgent(name=TEMP_USER_NAME, code_execution_config=False, human_input_mode="ALWAYS")
            self.initiator: ConversableAgent = self.temp_user
        elif "name" in first:
            if first["name"] in names:
                self.initiator = next(a for a in self.agents + self.wrapped_agents if a.name == first["name"])
            elif self.user_agent is not None and first["name"] == self.user_agent.name:
                self.initiator = self.user_agent
            elif first["name"] == TEMP_USER_NAME and self.user_agent is None:
                self.temp_user = ConversableAgent(name=TEMP_USER_NAME, code_execution_config=False, human_input_mode="ALWAYS")
                self.initiator = self.temp_user
            else:
                raise ValueError(
                    f"The first message is by '{first['name']}', who is not in the group "
                    f"(agents: {names}{', user: ' + self.user_agent.name if self.user_agent else ''})."
                )
        elif self.user_agent is not None:
            self.initiator = self.user_agent
        else:
            raise ValueError(
                "With several messages and no user_agent, the first message needs a 'name' naming a group agent."
            )
        user_members = [self.user_agent] if self.user_agent is not None else ([self.temp_user] if self.temp_user else [])
        self.group_agent_names = set(names)

        self.selection_filter = _SelectionFilter(self)
        self.groupchat = GroupChat(
            agents=[self.executor, *self.agents, *self.wrapped_agents, *user_members],
            messages=[],
            max_round=max_rounds,
            speaker_selection_method=self.select_next_speaker,
            eligibility_policies=[self.selection_filter],
        )
        self.groupchat._group_runtime = self  # type: ignore[attr-defined]
        self._default_prompt_template = self.groupchat.select_speaker_prompt_template
        self.manager = self._create_manager()

        for agent in [*self.groupchat.agents, self.manager]:
            agent.context_variables = self.context_variables  # one shared instance
            agent._group_manager = self.manager  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ the original's tuple view

    def _as_tuple(self) -> tuple[Any, ...]:
        """What the original's ``prepare_group_chat`` returned, in its order."""
        return (
            self.agents,
            self.wrapped_agents,
            self.user_agent,
            self.context_variables,
            self.initial_agent,
            self.group_after_work,
            self.executor,
            self.groupchat,
            self.manager,
            self.messages,
            self.initiator,
            sorted(self.group_agent_names),
            [self.temp_user] if self.temp_user is not None else [],
        )

    def __len__(self) -> int:
        return 13

    def __getitem__(self, index: int | slice) -> Any:
        return self._as_tuple()[index]

    def __iter__(self) -> Any:
        return iter(self._as_tuple())

    def __bool__(self) -> bool:
        return True

    # ------------------------------------------------------------------ construction checks

    def _validate(self) -> None:
        names = [a.name for a in self.agents]
        if not self.agents:
            raise ValueError("A pattern needs at least one agent in agents=[...].")
        if self.initial_agent not in self.agents:
            raise ValueError(f"The initial agent '{self.initial_agent.name}' must be in the pattern's agents list.")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"Agent names in a group must be unique; repeated: {dupes}.")
        if self.user_agent is not None and self.user_agent.name in names:
            raise ValueError(f"The user agent '{self.user_agent.name}' must not also be in agents=[...].")
        allowed = set(names) | ({self.user_agent.name} if self.user_agent is not None else set())

        def check_target(target: TransitionTarget, where: str, *, direct_only: bool) -> None:
            for name in target.referenced_agent_names():
                if name not in allowed:
                    raise ValueError(
                        f"{where} hands off to agent '{name}', which is not in the group (agents: {names}). "
                        "Add it to the pattern's agents, or change the target."
                    )
            if direct_only and isinstance(target, FunctionTarget):
                raise ValueError(
                    f"{where} uses a FunctionTarget, which only works as an after-work or group after-work."
                )

        for agent in self.agents + ([self.user_agent] if self.user_agent is not None else []):
            handoffs = agent.handoffs
            for i, cond in enumerate(handoffs.llm_conditions, 1):
                check_target(cond.target, f"Agent '{agent.name}' OnCondition #{i}", direct_only=True)
            for i, cond in enumerate(handoffs.context_conditions, 1):
                check_target(cond.target, f"Agent '{agent.name}' OnContextCondition #{i}", direct_only=True)
            for i, cond in enumerate(handoffs.after_works, 1):
                where = f"Agent '{agent.name}' after-work #{i}"
                check_target(cond.target, where, direct_only=False)
                if cond.target.needs_agent_wrapper():
                    raise ValueError(f"{where} targets {cond.target.display_name()}, which can only be an OnCondition or OnContextCondition target.")
            if handoffs.llm_conditions and not agent.llm_config:
                raise ValueError(
                    f"Agent '{agent.name}' has OnCondition (LLM) handoffs but no llm_config: the LLM decides them."
                )
            for guardrail in list(getattr(agent, "input_guardrails", [])) + list(getattr(agent, "output_guardrails", [])):
                target = getattr(guardrail, "target", None)
                if isinstance(target, TransitionTarget):
                    check_target(target, f"Agent '{agent.name}' guardrail '{getattr(guardrail, 'name', '?')}'", direct_only=True)
        check_target(self.group_after_work, "The pattern's group_after_work", direct_only=False)
        if self.group_after_work.needs_agent_wrapper():
            raise ValueError("The pattern's group_after_work cannot be a nested chat or group chat target.")

    @staticmethod
    def _check_llm_function_names(agent: ConversableAgent) -> None:
        seen: set[str] = set()
        for cond in agent.handoffs.llm_conditions:
            name = cond.llm_function_name or ""
            if handoff_tool_name(name) != name or not name:
                raise ValueError(
                    f"Agent '{agent.name}' OnCondition llm_function_name {name!r} is not a valid tool name: "
                    "use letters, digits, '_' and '-', at most 64 characters."
                )
            if name in seen:
                raise ValueError(f"Agent '{agent.name}' has two OnConditions with the tool name {name!r}.")
            seen.add(name)

    def _wrap_targets(self, agent: ConversableAgent) -> None:
        conditions: list[OnCondition | OnContextCondition] = [
            *agent.handoffs.get_llm_conditions_requiring_wrapping(),
            *agent.handoffs.get_context_conditions_requiring_wrapping(),
        ]
        for index, cond in enumerate(conditions):
            wrapper = cond.target.create_wrapper_agent(parent_agent=agent, index=index)
            self.wrapped_agents.append(wrapper)
            self._unwrap.append((cond, cond.target))  # restored after the run, so the pattern can run again
            cond.target = AgentTarget(wrapper)

    def _uses_group_manager(self) -> bool:
        if isinstance(self.group_after_work, GroupManagerTarget):
            return True
        for agent in self.agents + ([self.user_agent] if self.user_agent is not None else []):
            h = agent.handoffs
            targets = [c.target for c in h.llm_conditions + h.context_conditions + h.after_works]
            if any(isinstance(t, GroupManagerTarget) for t in targets):
                return True
        return False

    def _create_manager(self) -> GroupChatManager:
        args = dict(self.pattern.group_manager_args or {})
        if "groupchat" in args:
            raise ValueError("'groupchat' cannot be given in group_manager_args: the pattern builds the group chat.")
        manager = GroupChatManager(self.groupchat, **args)
        if not manager.llm_config and self._uses_group_manager():
            raise ValueError(
                "A GroupManagerTarget (or AutoPattern) lets the group manager's LLM pick the next speaker, but the "
                "manager has no llm_config: pass group_manager_args={'llm_config': ...} to the pattern."
            )
        return manager

    # ------------------------------------------------------------------ running

    def fail(self, reason: str) -> None:
        """Record the first error of the run and announce the end of the chat with it."""
        if self.error is not None:
            return
        self.error = reason
        # The manager announces the end once, with this reason instead of its generic one.
        self.manager._termination_override = reason

    def prepare_auto_selection(self, prompt: str | None) -> None:
        """Set the selection prompt (None: the group chat's default) for an "auto" selection."""
        self.groupchat.select_speaker_prompt_template = prompt if prompt is not None else self._default_prompt_template

    def last_group_agent(self) -> ConversableAgent:
        """The latest speaker that is a group agent (not the tool executor, not the user)."""
        for message in reversed(self.groupchat.messages):
            name = message.get("name")
            if name in self.group_agent_names:
                agent = self.groupchat.agent_by_name(name)
                if agent is not None:
                    return agent  # type: ignore[return-value]
        return self.initial_agent

    @stock_sync
    def select_next_speaker(self, last_speaker: Agent, groupchat: GroupChat) -> Agent | str | None:
        """The pattern's speaker selection function (see the module docstring for the order)."""
        if self.on_turn is not None:
            self.on_turn(self.state(last_speaker))
        if self._restore_counters is not None:
            for agent in self.groupchat.agents:
                if isinstance(agent, ConversableAgent) and agent.name in self._restore_counters:
                    agent._consecutive_auto_reply_counter[self.manager] = self._restore_counters[agent.name]
            self._restore_counters = None
        if self.error is not None:
            raise GroupChatRunError(self.error)
        try:
            result = self._select(last_speaker, groupchat)
        except GroupChatRunError:
            raise
        except Exception as e:  # noqa: BLE001 - a bad handoff ends the chat with a reason, not a crash
            self.fail(f"Handoff error after '{getattr(last_speaker, 'name', last_speaker)}' spoke: {e}")
            raise GroupChatRunError(self.error or str(e)) from e
        if isinstance(result, str):
            self.selection_filter.mode = result
            if result == "manual":
                self.prepare_auto_selection(None)  # an unanswered manual choice falls through to "auto"
        return result

    def _select(self, last_speaker: Agent, groupchat: GroupChat) -> Agent | str | None:
        if self.use_initial_agent:
            self.use_initial_agent = False
            return self.initial_agent
        messages = groupchat.messages
        last = messages[-1]
        if last.get("tool_calls"):
            return self.executor

        is_user = last_speaker is not None and last_speaker in (self.user_agent, self.temp_user)
        group_agent = self.last_group_agent()

        executor = self.executor
        if executor.has_next_target():
            target = executor.get_next_target()
            executor.clear_next_target()
            if not target.can_resolve_for_speaker_selection():
                raise ValueError(
                    f"the pending target {target!r} cannot be resolved to a speaker; return an AgentTarget, "
                    "AgentNameTarget, StayTarget, TerminateTarget, RevertToUserTarget, AskUserTarget or "
                    "GroupManagerTarget."
                )
            current = last_speaker if (is_user or last_speaker in self.agents or last_speaker in self.wrapped_agents) else group_agent
            return self._resolve(target, current, "pending target")  # type: ignore[arg-type]

        if last.get("role") == "tool":
            return group_agent

        source: ConversableAgent = group_agent
        if is_user:
            if not last_speaker.handoffs.after_works:  # type: ignore[union-attr]
                return group_agent
            source = last_speaker  # type: ignore[assignment]

        for index, after_work in enumerate(source.handoffs.after_works, 1):
            where = f"after-work #{index} of agent '{source.name}'"
            try:
                available = after_work.available.is_available(source, messages) if after_work.available else True
                holds = available and (after_work.condition is None or after_work.condition.evaluate(source.context_variables))
            except Exception as e:  # noqa: BLE001
                raise ValueError(f"{where}: {e}") from e
            if holds:
                self._announce_after_work(source, after_work.target)
                return self._resolve(after_work.target, source, where)
        self._announce_after_work(source, self.group_after_work)
        return self._resolve(self.group_after_work, source, "the group after-work")

    def _resolve(self, target: TransitionTarget, current: ConversableAgent, where: str) -> Agent | str | None:
        try:
            if type(target) in _NAMED_TARGETS:  # what resolve() + get_speaker_selection_result() give
                return agent_in_group(self.groupchat, target.agent_name)  # type: ignore[attr-defined]
            return target.resolve(self.groupchat, current, self.user_agent).get_speaker_selection_result(self.groupchat)
        except Exception as e:  # noqa: BLE001
            raise ValueError(f"{where} ({target.display_name() if _safe_display(target) else type(target).__name__}): {e}") from e

    @staticmethod
    def _announce_after_work(source: ConversableAgent, target: TransitionTarget) -> None:
        from .events.transition_events import AfterWorksTransitionEvent

        IOStream.get_default().send(AfterWorksTransitionEvent._from_fields({"source_agent": source, "transition_target": target}))

    def start(self) -> None:
        self.active = True

    def finish(self) -> None:
        """End of the run: the agents' group behaviours go dormant and their handoff tools are withdrawn."""
        self.active = False
        for agent in self.agents + self.wrapped_agents:
            if getattr(agent, "_group_runtime", None) is self:
                _set_handoff_tools(agent, [])
                agent._group_transit_state = None  # type: ignore[attr-defined]
        for cond, target in self._unwrap:
            cond.target = target
        self._unwrap.clear()

    # ------------------------------------------------------------------ saving and resuming

    def state(self, last_speaker: Agent | None = None) -> GroupChatState:
        """The run's state now (after the latest message), as a JSON-ready `GroupChatState`."""
        from .state import GroupChatState, target_to_dict

        pending = self.executor._group_next_target
        speaker = last_speaker if last_speaker is not None else self.manager.last_speaker
        counters = {
            a.name: a._consecutive_auto_reply_counter.get(self.manager, 0)
            for a in self.groupchat.agents
            if isinstance(a, ConversableAgent)
        }
        return GroupChatState(
            messages=json.loads(json.dumps(self.groupchat.messages, default=str)),
            context_variables=_copy_values(self.context_variables.data),
            current_agent=getattr(speaker, "name", None),
            next_target=target_to_dict(pending) if pending is not None else None,
            use_initial_agent=self.use_initial_agent,
            initiator=self.initiator.name,
            max_rounds=self.max_rounds,
            auto_reply_counts=counters,
        )

    def restore(self, state: GroupChatState) -> None:
        """Load the parts of ``state`` that live outside the transcript (before the run continues)."""
        from .state import target_from_dict

        self.context_variables.data.clear()
        self.context_variables.data.update(state.context_variables)
        self.use_initial_agent = state.use_initial_agent
        if state.next_target is not None:
            self.executor.set_next_target(target_from_dict(state.next_target))
        self._restore_counters = dict(state.auto_reply_counts or {})


def _copy_values(data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot of the context values: later changes to the live ones must not leak into it."""
    try:
        return copy.deepcopy(data)
    except Exception:  # noqa: BLE001 - values that cannot be copied are shared
        return dict(data)


def _safe_display(target: TransitionTarget) -> bool:
    try:
        target.display_name()
        return True
    except Exception:  # noqa: BLE001
        return False


def _handoff_function(condition: OnCondition) -> Callable[[], TransitionTarget]:
    """The executable behind a ``transfer_to_*`` tool: it returns the condition's (current) target."""

    def transfer() -> TransitionTarget:
        return condition.target

    transfer.__name__ = condition.llm_function_name or "transfer"
    transfer._group_handoff = True  # type: ignore[attr-defined]  # touches no context: no snapshot needed
    return transfer


# ---------------------------------------------------------------------- per-agent group behaviours


def _active_runtime(agent: Any, sender: Any = None) -> GroupRuntime | None:
    rt = getattr(agent, "_group_runtime", None)
    if rt is None or not rt.active:
        return None
    if sender is not None and sender is not rt.manager:
        return None  # the agent is talking in some other chat (e.g. a nested one)
    return rt


def _establish(agent: ConversableAgent) -> None:
    """Give ``agent`` its group behaviours (once per agent; they act only during a run)."""
    if getattr(agent, "_group_is_established", False):
        return
    hooks = agent.hook_lists["update_agent_state"]
    hooks[:] = [_guard_state_hook(h) for h in hooks]
    agent.register_hook("update_agent_state", _refresh_handoff_tools)
    agent.register_hook("process_all_messages_before_reply", functools.partial(_hide_transit_messages, agent))
    agent.register_reply([Agent, None], _group_turn_reply, position=0)
    agent._group_is_established = True  # type: ignore[attr-defined]


def _guard_state_hook(hook: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a user state hook (e.g. UpdateSystemMessage) so that, during a run, its error ends the
    chat with a reason naming the agent instead of escaping from the middle of the group chat."""
    if getattr(hook, "_group_guarded", False):
        return hook

    @functools.wraps(hook)
    def guarded(agent: ConversableAgent, messages: list[dict[str, Any]]) -> Any:
        rt = _active_runtime(agent)
        if rt is None:
            return hook(agent, messages)
        if rt.error is not None:
            return None
        try:
            return hook(agent, messages)
        except Exception as e:  # noqa: BLE001
            rt.fail(f"Agent '{agent.name}' could not update its state before replying: {_reason(e)}")
            return None

    guarded._group_guarded = True  # type: ignore[attr-defined]
    return guarded


def _reason(e: BaseException) -> str:
    text = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
    return str(text)


def _refresh_handoff_tools(agent: ConversableAgent, messages: list[dict[str, Any]]) -> None:
    """Offer the LLM exactly the handoff tools whose `available` condition holds, each described by
    its condition's current prompt."""
    rt = _active_runtime(agent)
    if rt is None or rt.error is not None or not agent.handoffs.llm_conditions:
        return
    wanted: list[tuple[str, str]] = []
    for index, cond in enumerate(agent.handoffs.llm_conditions, 1):
        try:
            if cond.available is not None and not cond.available.is_available(agent, messages):
                continue
            wanted.append((cond.llm_function_name or "", cond.condition.get_prompt(agent, messages)))
        except Exception as e:  # noqa: BLE001
            rt.fail(f"Agent '{agent.name}' OnCondition #{index} ({cond.llm_function_name}): {_reason(e)}")
            return
    _set_handoff_tools(agent, wanted)


def _set_handoff_tools(agent: ConversableAgent, wanted: list[tuple[str, str]]) -> None:
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
    agent._group_handoff_tools = wanted  # type: ignore[attr-defined]


def _update_llm_tools(agent: ConversableAgent, tools: list[dict[str, Any]]) -> None:
    """Change the tools offered to the agent's LLM without rebuilding its client.

    `update_tool_signature` rebuilds the OpenAIWrapper, which drops its usage totals and any
    registered custom model client; handoff tools change every few turns, so patch in place.
    """
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


def _hide_transit_messages(agent: ConversableAgent, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop handoff tool calls and their responses from what the LLM sees (copies; history untouched).

    Stored messages are read-only and shared, so each one's filtered form is computed once per run
    and cached by identity: a turn costs a dict lookup per message, not a rebuild of the history.
    """
    rt = _active_runtime(agent)
    if rt is None:
        return messages
    wrapper = agent in rt.wrapped_agents
    if not wrapper and (not rt.exclude_transit_message or not rt.transit_names):
        return messages
    cache = rt.transit_cache_wrapper if wrapper else rt.transit_cache
    # Histories only grow during a run: resume from the prefix filtered at the previous turn.
    state = getattr(agent, "_group_transit_state", None)
    n_done = 0
    out: list[dict[str, Any]] = GrowingHistory()
    changed = False
    if state is not None and state[0] is messages and state[1] <= len(messages) and (state[1] == 0 or messages[state[1] - 1] is state[2]):
        _, n_done, _, out, changed = state
    for message in messages[n_done:] if n_done else messages:
        entry = cache.get(id(message))
        if entry is None or entry[0] is not message:
            entry = (message, _filter_transit(rt, message, wrapper))
            cache[id(message)] = entry
        filtered = entry[1]
        if filtered is not message:
            changed = True
            if filtered is None:
                continue
        out.append(filtered)  # type: ignore[arg-type]
    agent._group_transit_state = (messages, len(messages), messages[-1] if messages else None, out, changed)  # type: ignore[attr-defined]
    # `out` only ever grows while the history does, so the agent may cache its request form.
    return out if changed else messages


def _filter_transit(rt: GroupRuntime, message: dict[str, Any], wrapper: bool) -> dict[str, Any] | None:
    """``message`` without handoff traffic: itself, a trimmed copy, or None (drop it)."""
    names = rt.transit_names
    calls = message.get("tool_calls")
    if calls:
        kept = [c for c in calls if (c.get("function") or {}).get("name") not in names]
        if len(kept) == len(calls):
            return message
        rt.transit_call_ids.update(c.get("id") for c in calls if c not in kept)
        if kept:
            return {**message, "tool_calls": kept}
        if message.get("content") in (None, "", "None"):
            return None
        return {k: v for k, v in message.items() if k != "tool_calls"}
    responses = message.get("tool_responses")
    if responses and rt.transit_call_ids:
        kept_responses = [r for r in responses if r.get("tool_call_id") not in rt.transit_call_ids]
        if len(kept_responses) == len(responses):
            return message
        if not kept_responses:
            return None
        return {
            **message,
            "tool_responses": kept_responses,
            "content": "\n".join(str(r.get("content")) for r in kept_responses),
        }
    if wrapper and isinstance(message.get("content"), str) and message["content"].startswith(_HANDING_OFF):
        return None
    return message


@stock_sync
def _group_turn_reply(
    agent: ConversableAgent,
    messages: list[dict[str, Any]] | None = None,
    sender: Agent | None = None,
    config: Any = None,
) -> tuple[bool, Any]:
    """First reply function of every group agent: a recorded run error ends the chat; otherwise the
    first available OnContextCondition that holds hands off without calling the LLM."""
    rt = _active_runtime(agent, sender)
    if rt is None:
        return False, None
    if rt.error is not None:
        return True, None
    for index, cond in enumerate(agent.handoffs.context_conditions, 1):
        try:
            available = cond.available.is_available(agent, messages or []) if cond.available else True
            holds = available and (cond.condition is None or cond.condition.evaluate(agent.context_variables))
        except Exception as e:  # noqa: BLE001
            rt.fail(f"Agent '{agent.name}' OnContextCondition #{index} {cond.describe()}: {_reason(e)}")
            return True, None
        if holds:
            from .events.transition_events import OnContextConditionTransitionEvent

            rt.executor.set_next_target(cond.target, ("context", agent.name))
            IOStream.get_default().send(
                OnContextConditionTransitionEvent._from_fields({"source_agent": agent, "transition_target": cond.target})
            )
            return True, f"{_HANDING_OFF}{cond.target.display_name()}]"
    return False, None
