"""One run of a pattern group chat: `GroupRuntime`.

The run is built from the steps in `group_utils` (prepare the agents and the tool executor, find
who opened the chat, the transition function, the manager, shared context variables). On top of
what those steps give every group agent, the run

- makes the agents' group behaviours act only while it is on and only in its own chat (an agent
  may take part in other chats between and during runs);
- hides handoff tool traffic from the agents' LLMs (``exclude_transit_message``), caching each
  stored message's filtered form so a turn does not rebuild the history;
- turns errors found during the run (an expression reading a missing variable, a tool returning a
  target that names no agent, a failing state hook...) into a termination that names the culprit;
- reports its state after every turn to an optional callback, so a chat can be resumed elsewhere.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ... import runtime_logging
from ...exception_utils import NoEligibleSpeakerError
from .._messages import GrowingHistory
from ..agent import Agent
from ..conversable.stock import stock_sync
from ..conversable_agent import ConversableAgent
from ..groupchat import GroupChat
from . import group_utils
from .context_variables import ContextVariables
from .group_tool_executor import GroupToolExecutor
from .group_utils import TEMP_USER_NAME
from .handoffs import Handoffs
from .targets.transition_target import TransitionTarget

if TYPE_CHECKING:
    from .patterns.pattern import Pattern
    from .state import GroupChatState

__all__ = ["TEMP_USER_NAME", "GroupRuntime"]



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
    """One run of a pattern: its agents, tool executor, manager and transition function.

    Built from the steps in `group_utils`, looked up in ``steps`` (the module calling, so that the
    names can be replaced where the original's users replace them: ``patterns.pattern``).
    """

    def __init__(
        self,
        pattern: Pattern,
        messages: list[dict[str, Any]] | str,
        max_rounds: int,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
        steps: Any = None,
    ) -> None:
        from .. import groupchat as groupchat_module

        if steps is None:
            steps = group_utils
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            raise ValueError("initiate_group_chat needs messages: a str, or a non-empty list of message dicts.")
        if not isinstance(max_rounds, int) or isinstance(max_rounds, bool) or max_rounds < 1:
            raise ValueError(f"max_rounds must be an int >= 1, got {max_rounds!r}.")
        self.pattern = pattern
        self.max_rounds = max_rounds
        self.on_turn = on_turn
        self.agents: list[ConversableAgent] = list(pattern.agents)
        self.user_agent: ConversableAgent | None = pattern.user_agent
        self.initial_agent: ConversableAgent = pattern.initial_agent
        self.context_variables: ContextVariables = pattern.context_variables
        self.error: str | None = None
        self.active = False
        #: (policy, safeguard_llm_config, mask_llm_config) given to the run, installed when it starts
        self.safeguard_settings: tuple[Any, Any, Any] | None = None
        self.safeguard_enforcer: Any = None
        self._restore_counters: dict[str, int] | None = None

        pattern.configure_agents()
        # Targets replaced by wrapper agents are put back after the run, so the pattern can run again.
        self._unwrap: list[tuple[Any, TransitionTarget]] = []
        for agent in self.agents:
            handoffs = getattr(agent, "handoffs", None)
            if isinstance(handoffs, Handoffs):
                self._unwrap += [
                    (c, c.target)
                    for c in [*handoffs.get_llm_conditions_requiring_wrapping(), *handoffs.get_context_conditions_requiring_wrapping()]
                ]
        try:
            self.executor, self.wrapped_agents = steps.prepare_group_agents(
                self.agents, self.context_variables, pattern.exclude_transit_message
            )
            executor_name = getattr(pattern, "tool_executor_name", None)
            if executor_name and isinstance(self.executor, GroupToolExecutor):
                self.executor._name = executor_name
            self.messages, self.initiator, self.group_agent_names, temp_users = steps.process_initial_messages(
                messages, self.user_agent, self.agents, self.wrapped_agents
            )
            self.temp_user: ConversableAgent | None = temp_users[0] if temp_users else None
            self.transition = steps.create_group_transition(
                initial_agent=self.initial_agent,
                tool_execution=self.executor,
                group_agent_names=self.group_agent_names,
                user_agent=self.user_agent,
                group_after_work=pattern.group_after_work,
            )
            self._group_after_work = pattern.group_after_work
            self.selection_filter = _SelectionFilter(self)
            users = [self.user_agent] if self.user_agent is not None else list(temp_users)
            self.groupchat = groupchat_module.GroupChat(
                agents=[self.executor, *self.agents, *self.wrapped_agents, *users],
                messages=[],
                max_round=max_rounds,
                speaker_selection_method=self.select_next_speaker,
                eligibility_policies=[self.selection_filter],
            )
            self.groupchat._group_runtime = self  # type: ignore[attr-defined]
            self._default_prompt_template = self.groupchat.select_speaker_prompt_template
            self.manager = steps.create_group_manager(
                self.groupchat, pattern.group_manager_args, self.agents, pattern.group_after_work
            )
            steps.setup_context_variables(
                tool_execution=self.executor,
                agents=[*self.agents, *self.wrapped_agents, *temp_users],
                manager=self.manager,
                user_agent=self.user_agent,
                context_variables=self.context_variables,
            )
            steps.link_agents_to_group_manager([*self.groupchat.agents, self.manager], self.manager)
        except BaseException:
            self._restore_targets()
            raise
        self.exclude_transit_message = pattern.exclude_transit_message
        self.transit_names: set[str] = set()
        self.transit_call_ids: set[Any] = set()
        self.transit_cache: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}
        self.transit_cache_wrapper: dict[int, tuple[dict[str, Any], dict[str, Any] | None]] = {}

    @property
    def use_initial_agent(self) -> bool:
        """True until the transition has chosen the initial agent (a resumed run may set it)."""
        return bool(getattr(self.transition, "use_initial_agent", False))

    @use_initial_agent.setter
    def use_initial_agent(self, value: bool) -> None:
        self.transition.use_initial_agent = value

    @property
    def group_after_work(self) -> TransitionTarget:
        """Where the chat goes when nobody chose the next speaker."""
        return self._group_after_work

    @group_after_work.setter
    def group_after_work(self, value: TransitionTarget) -> None:
        self._group_after_work = value
        self.transition.group_after_work = value

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
            self.group_agent_names,
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

    # ------------------------------------------------------------------ running

    def fail(self, reason: str) -> None:
        """Record the first error of the run and announce the end of the chat with it."""
        if self.error is not None:
            return
        self.error = reason
        # The manager announces the end once, with this reason instead of its generic one.
        self.manager._termination_override = reason
        if runtime_logging.noting_terminations():
            runtime_logging.note_termination("run_error", reason)

    def prepare_auto_selection(self, prompt: str | None) -> None:
        """Set the selection prompt (None: the group chat's default) for an "auto" selection."""
        self.groupchat.select_speaker_prompt_template = prompt if prompt is not None else self._default_prompt_template

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
        why = self._transition_reason(last_speaker, groupchat) if runtime_logging.noting_selections() else None
        try:
            result = self.transition(last_speaker, groupchat)
        except GroupChatRunError:
            raise
        except Exception as e:
            self.fail(f"Handoff error after '{getattr(last_speaker, 'name', last_speaker)}' spoke: {e}")
            raise GroupChatRunError(self.error or str(e)) from e
        if why is not None:
            self._log_transition(why, groupchat, result)
        if isinstance(result, str):
            self.selection_filter.mode = result
            if result == "manual":
                self.prepare_auto_selection(None)  # an unanswered manual choice falls through to "auto"
        return result

    def _transition_reason(self, last_speaker: Agent, groupchat: GroupChat) -> dict[str, Any]:
        """Why the transition is about to choose what it chooses (read before it runs, for the logs;
        mirrors the order of ``group_utils.determine_next_agent``)."""
        groupchat.__dict__.pop("_after_work_note", None)
        guardrail = groupchat.__dict__.pop("_guardrail_note", None)
        why: dict[str, Any] = {"source_agent": getattr(last_speaker, "name", None)}
        if self.use_initial_agent:
            return {**why, "reason": "initial_agent"}
        forced = getattr(getattr(last_speaker, "_group_manager", None), "_next_target_force", None)
        last = groupchat.messages[-1] if groupchat.messages else {}
        if isinstance(forced, TransitionTarget):
            why.update(reason="forced", target=_shown(forced), target_type=type(forced).__name__)
        if last.get("tool_calls") is not None:
            return {**why, "reason": "tool_call"}
        executor = self.executor
        if executor.has_next_target():
            pending = executor._group_next_target
            kind, agent = executor._group_next_target_source or (None, None)
            reason = {"context": "context_condition", "llm_handoff": "llm_handoff", "reply_result": "tool_reply_result"}.get(
                kind or "", "guardrail" if guardrail is not None else "pending_target"
            )
            why.update(reason=reason, target=_shown(pending), target_type=type(pending).__name__)
            if agent:
                why["source_agent"] = agent
            if guardrail is not None and reason == "guardrail":
                why["guardrail"] = guardrail
            return why
        if "reason" in why:
            return why
        if last.get("role") == "tool":
            return {**why, "reason": "return_to_caller"}
        return {**why, "reason": "after_work"}

    def _log_transition(self, why: dict[str, Any], groupchat: GroupChat, result: Any) -> None:
        """Note the pattern's choice on the selection being logged; a choice to end notes the chat's end."""
        from ..groupchat.selection import note_selection

        after_work = groupchat.__dict__.pop("_after_work_note", None)
        if after_work is not None and why.get("reason") == "after_work":
            which, source, target = after_work
            why.update(reason=which if which == "group_after_work" else "after_work", target=_shown(target), target_type=type(target).__name__)
            if source:
                why["source_agent"] = source
            if which != "group_after_work":
                why["after_work"] = which
        if result is None:
            why["chosen"] = None
        elif isinstance(result, str):
            why["chosen_method"] = result
        else:
            why["chosen"] = getattr(result, "name", None)
        note_selection(groupchat, method="pattern", reason=why["reason"], details={"transition": why})
        if result is None:
            code = "guardrail" if why["reason"] == "guardrail" else "terminate_target"
            text = f"{why.get('target') or 'TerminateTarget'} chosen by {why['reason']}"
            if why.get("source_agent"):
                text += f" after '{why['source_agent']}'"
            runtime_logging.note_termination(code, text)

    def start(self) -> None:
        """The run begins: the agents' group behaviours act for this run (and only in its chat)."""
        members = self.agents + self.wrapped_agents
        for agent in members:
            _establish_for_runs(agent)
            agent._group_runtime = self  # type: ignore[attr-defined]
            agent._group_handoff_tools = None  # type: ignore[attr-defined]
            agent._group_transit_state = None  # type: ignore[attr-defined]
        self.transit_names = set(group_utils.transit_function_names(members))
        self.active = True

    def install_safeguards(self) -> None:
        """Apply the run's safeguard policy to the group (its events go to the run's stream)."""
        if self.safeguard_settings is None or self.safeguard_enforcer is not None:
            return
        from .safeguards.api import apply_safeguard_policy

        policy, llm_config, mask_config = self.safeguard_settings
        self.safeguard_enforcer = apply_safeguard_policy(
            groupchat_manager=self.manager, policy=policy, safeguard_llm_config=llm_config, mask_llm_config=mask_config
        )

    def _remove_safeguards(self) -> None:
        """A policy given to a run guards that run only: its hooks come off the agents at the end."""
        enforcer, self.safeguard_enforcer = self.safeguard_enforcer, None
        if enforcer is None:
            return
        from .safeguards.api import remove_enforcer_hooks

        remove_enforcer_hooks(self.groupchat.agents, enforcer)
        guardrails = self.groupchat._inter_agent_guardrails
        if enforcer in guardrails:
            guardrails.remove(enforcer)

    def finish(self) -> None:
        """End of the run: the agents' group behaviours go dormant and their handoff tools are withdrawn."""
        self.active = False
        self._remove_safeguards()
        for agent in self.agents + self.wrapped_agents:
            if getattr(agent, "_group_runtime", None) is self:
                group_utils.set_handoff_tools(agent, [])
                agent._group_transit_state = None  # type: ignore[attr-defined]
        self._restore_targets()

    def _restore_targets(self) -> None:
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


def _shown(target: Any) -> str:
    try:
        return str(target.display_name())
    except Exception:  # noqa: BLE001 - a user target may fail in any way
        return type(target).__name__


def _copy_values(data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot of the context values: later changes to the live ones must not leak into it."""
    try:
        return copy.deepcopy(data)
    except Exception:  # noqa: BLE001 - values that cannot be copied are shared
        return dict(data)


# ---------------------------------------------------------------------- per-agent group behaviours
# (the ones every group agent has are in `group_utils`; these two are what a run adds)


def _establish_for_runs(agent: ConversableAgent) -> None:
    """Once per agent: its state hooks end a run with a reason instead of raising from its middle,
    and a hook hides handoff traffic from its LLM during a run (``exclude_transit_message``)."""
    if getattr(agent, "_group_run_ready", False):
        return
    hooks = agent.hook_lists["update_agent_state"]
    hooks[:] = [h if h is group_utils.update_conditional_functions else _guard_state_hook(h) for h in hooks]
    agent.register_hook("process_all_messages_before_reply", functools.partial(_hide_transit_messages, agent))
    agent._group_run_ready = True  # type: ignore[attr-defined]


def _active_runtime(agent: Any) -> GroupRuntime | None:
    rt = getattr(agent, "_group_runtime", None)
    return rt if rt is not None and rt.active else None


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
    """``message`` without handoff traffic: itself, a trimmed copy, or None (drop it). A wrapper
    agent (running a nested chat) also does not see the "[Handing off to ...]" notes."""
    if wrapper and isinstance(message.get("content"), str) and message["content"].startswith(group_utils.HANDING_OFF):
        return None
    return group_utils.filter_transit_message(message, rt.transit_names, rt.transit_call_ids)
