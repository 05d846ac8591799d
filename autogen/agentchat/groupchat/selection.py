"""Speaker selection of a `GroupChat` (part of `GroupChat`): the candidates of a round (function-call
filter, repeat rule, transition graph, eligibility policies) and the manual, random, round robin and
custom methods. The "auto" method, an LLM exchange, is in ``auto_selection``.

Selection is one flow (see ``autogen/_effects.py``): a custom selection function and the human's
manual choice are effects, so `select_speaker` and `a_select_speaker` share it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ... import runtime_logging
from ..._effects import Call, Flow, run_async, run_sync
from ...exception_utils import NoEligibleSpeakerError
from ...io.base import IOStream
from ..agent import Agent
from ..conversable.events import emit
from ..conversable.stock import is_inline
from .eligibility import AgentEligibilityPolicy, SelectionContext
from .members import called_functions, can_execute, is_in

if TYPE_CHECKING:
    from ..conversable_agent import ConversableAgent

__all__ = ["METHODS", "SpeakerSelection", "note_selection"]

logger = logging.getLogger(__package__)  # the group chat's one logger, "autogen.agentchat.groupchat"

METHODS = ("auto", "manual", "random", "round_robin")
"""The speaker selection methods a GroupChat accepts by name (case-insensitive)."""

MANUAL_PROMPT = "Enter the number of the next speaker (press enter or type 'q' to let the chat choose): "
MANUAL_TRIES = 3


class SpeakerSelection:
    """select_speaker and the non-LLM selection methods (part of `GroupChat`)."""

    agents: list[Agent]
    messages: list[dict[str, Any]]
    speaker_selection_method: Any
    func_call_filter: bool
    eligibility_policies: list[AgentEligibilityPolicy]
    _default_graph: bool
    _warned_two_agents: bool
    # from the auto selection part (auto_selection.AutoSelection)
    _selection_messages: Callable[[], list[dict[str, Any]]]
    _auto_step: Callable[..., Flow[Agent]]

    @staticmethod
    def _validate_method(method: Any, what: str) -> None:
        if callable(method):
            return
        if not isinstance(method, str) or method.lower() not in METHODS:
            raise ValueError(
                f"GroupChat {what} is {method!r}; it must be one of {list(METHODS)} (case-insensitive) or a callable."
            )

    def manual_select_speaker(self, agents: list[Agent] | None = None) -> Agent | None:
        """Ask the human (through the IO stream) to pick the next speaker by number.

        Empty input or "q" returns None (the caller then falls back); invalid input is asked again,
        at most three times in all.
        """
        agents = self.agents if agents is None else agents
        stream = IOStream.get_default()
        emit("SelectSpeakerEvent", agents=agents)
        for try_count in range(1, MANUAL_TRIES + 1):
            answer = stream.input(MANUAL_PROMPT)
            answer = answer.strip() if isinstance(answer, str) else ""
            if answer in ("", "q"):
                return None
            if answer.isdigit() and 1 <= int(answer) <= len(agents):
                return agents[int(answer) - 1]
            emit("SelectSpeakerInvalidInputEvent", agents=agents)
            if try_count == MANUAL_TRIES:
                emit("SelectSpeakerTryCountExceededEvent", try_count=try_count, agents=agents)
        return None

    def random_select_speaker(self, agents: list[Agent] | None = None) -> Agent | None:
        """A random agent of ``agents`` (default: all)."""
        return random.choice(self.agents if agents is None else agents)

    def _candidates(self, last_speaker: Agent, method: str) -> list[Agent]:
        """The agents that may speak next: the function-call filter, the repeat rule, the transition
        graph, then the eligibility policies. Never empty: raises instead."""
        n = len(self.agents)
        if n < 2:
            raise ValueError(
                f"GroupChat is underpopulated with {n} agents: speaker selection needs at least two. "
                "Add agents, or let two agents talk directly with initiate_chat."
            )
        repeat = self._repeat_allowed(last_speaker)
        if n == 2 and method != "round_robin" and repeat and not self._warned_two_agents:
            self._warned_two_agents = True
            logger.warning(
                "GroupChat has only two agents and the same speaker may be chosen twice in a row; consider "
                "speaker_selection_method='round_robin' or allow_repeat_speaker=False."
            )
        round_index = len(self.messages)
        candidates = self.agents
        filtered = False  # the function-call filter ran, and with it the eligibility policies
        last = self.messages[-1] if self.messages else None
        if self.func_call_filter and last is not None and (last.get("function_call") or last.get("tool_calls")):
            funcs = called_functions(last)
            able = [a for a in self.agents if can_execute(a, funcs)]
            if not able:
                able = [a for a in self.agents if getattr(a, "function_map", None)]
            if not able:
                raise ValueError(
                    f"No agent can execute the function {', '.join(funcs)}. Please check the function_map of the "
                    "agents: register the function for execution on a member (register_for_execution or "
                    "register_function(..., executor=...))."
                )
            if len(able) == 1 and not self.eligibility_policies:
                # pyautogen 0.2: the only agent able to run the call speaks, whatever the repeat and
                # transition rules say (ag2 0.13 would end the chat with the call unanswered).
                return able
            candidates = self._apply_eligibility_policies(able, last_speaker, round_index)
            filtered = True
        if not repeat:
            candidates = [a for a in candidates if a is not last_speaker]
        in_group = is_in(self.agents, last_speaker)
        by_graph: list[Agent] | None
        if self._default_graph:
            by_graph = candidates if in_group else None  # the default graph is the repeat rule, applied above
        else:
            allowed = self._allowed_after(last_speaker)
            if allowed is None and in_group:
                raise NoEligibleSpeakerError(
                    f"Agent '{last_speaker.name}' has no outgoing speaker transition, so nobody can speak after it."
                )
            # a speaker from outside the group is bound by no transition
            by_graph = None if allowed is None else [a for a in candidates if is_in(allowed, a)]
        if by_graph:
            candidates = by_graph
        elif by_graph is not None and filtered:
            raise NoEligibleSpeakerError(
                "All candidates were eliminated after eligibility policies and speaker filters (allow_repeat_speaker "
                f"or transition rules): nobody who can run {', '.join(called_functions(last or {}))} "
                f"may speak after '{last_speaker.name}'."
            )
        # else (ag2's legacy rule): when the graph leaves nobody, the candidates before it stay
        if not filtered:
            candidates = self._apply_eligibility_policies(candidates, last_speaker, round_index)
        return candidates

    def _apply_eligibility_policies(
        self, agents: list[Agent], last_speaker: Agent | None, round_index: int
    ) -> list[Agent]:
        """The agents of ``agents`` every eligibility policy accepts (AND); ``agents`` itself when
        there are no policies. Raises `NoEligibleSpeakerError` when the policies leave nobody."""
        policies = tuple(self.eligibility_policies)  # the list may change while the policies run
        if not policies:
            return agents
        ctx = SelectionContext(
            round=round_index,
            last_speaker=None if last_speaker is None else last_speaker.name,
            participants=tuple(a.name for a in self.agents),
        )
        kept = [a for a in agents if all(p.is_eligible(a, ctx) for p in policies)]
        if not kept:
            raise NoEligibleSpeakerError(
                f"No eligible agents after applying eligibility policies: {len(policies)} policy/policies "
                f"excluded every one of the {len(agents)} candidates {[a.name for a in agents]}."
            )
        return kept

    def _prepare_flow(self, last_speaker: Agent) -> Flow[tuple[Agent | None, list[Agent], list[dict[str, Any]] | None]]:
        """Steps before the LLM: ``(chosen agent or None, candidates, messages for the LLM or None)``.

        A custom selection function, the candidates' filters and the manual, random and round robin
        methods run here; "auto" returns no agent but the transcript the selecting LLM reads.
        """
        method: Any = self.speaker_selection_method
        logging_on = runtime_logging.noting_selections()
        if callable(method):
            if logging_on:
                note_selection(self, method="custom", reason="custom")
            # user code is an effect; the library's own selection (a pattern's) is called in place
            chosen = method(last_speaker, self) if is_inline(method) else (yield Call.of_kind("select", method, None, last_speaker, self))
            if chosen is None:
                raise NoEligibleSpeakerError("Custom speaker selection function returned None. Terminating conversation.")
            if isinstance(chosen, str):
                # a method name: the usual selection runs, eligibility policies included
                self._validate_method(chosen, "custom speaker selection function result")
                method = chosen
                if logging_on:
                    note = self.__dict__.get("_selection_log")
                    if note is not None:
                        note["method"] = f"{note.get('method') or 'custom'}:{chosen.lower()}"
                        if note.get("reason") == "custom":
                            note["reason"] = None
            elif is_in(self.agents, chosen):
                return chosen, self.agents, None  # an explicit choice bypasses the policies (as in ag2)
            elif hasattr(chosen, "name"):
                raise ValueError(
                    f"Custom speaker selection function returned an agent {chosen.name} not in the group chat."
                )
            else:
                raise ValueError(
                    f"Custom speaker selection function returned an object of type {type(chosen)} instead of Agent "
                    "or str: return an agent of the group, a method name or None."
                )
        else:
            self._validate_method(method, "speaker_selection_method")  # it may have been changed since
        method = method.lower()
        candidates = self._candidates(last_speaker, method)
        if logging_on:
            note = self.__dict__.get("_selection_log")
            if note is not None:
                note.setdefault("method", method)
                note["method"] = note["method"] or method
                note["candidates"] = [a.name for a in candidates]
                if not note.get("reason"):
                    note["reason"] = "single_candidate" if len(candidates) == 1 else method
        if len(candidates) == 1:
            return candidates[0], candidates, None
        if method == "manual":
            return (yield Call.of_kind("input", self.manual_select_speaker, None, candidates)), candidates, None
        if method == "round_robin":
            return self.next_agent(last_speaker, candidates), candidates, None
        if method == "random":
            return (yield Call.of_kind("select", self.random_select_speaker, None, candidates)), candidates, None
        return None, candidates, self._selection_messages()

    def _prepare_and_select_agents(
        self, last_speaker: Agent
    ) -> tuple[Agent | None, list[Agent], list[dict[str, Any]] | None]:
        """The speaker selection up to the LLM: ``(selected agent, candidates, messages)``.

        For "auto" the agent is None and ``messages`` is the transcript for the selecting LLM (a
        trailing function or tool call blanked); manual selection without an answer gives
        ``(None, candidates, None)``. Raises `NoEligibleSpeakerError` when nobody may speak.
        """
        return run_sync(self._prepare_flow(last_speaker))

    def _select_speaker_flow(self, last_speaker: Agent, selector: ConversableAgent | None) -> Flow[Agent]:
        if runtime_logging.noting_selections():
            self._selection_log = {}  # type: ignore[attr-defined]  # filled by the steps, logged by the manager
        if _replaced(self, "_prepare_and_select_agents"):
            chosen, agents, messages = yield Call(self._prepare_and_select_agents, None, last_speaker)
        else:
            chosen, agents, messages = yield from self._prepare_flow(last_speaker)
        if chosen is not None:
            return chosen
        if messages is None:  # the human did not choose
            method = self.speaker_selection_method
            if isinstance(method, str) and method.lower() == "manual":
                if runtime_logging.noting_selections():
                    note_selection(self, reason="manual_no_answer")
                return self.next_agent(last_speaker, agents)
            # a custom function asked for a human who did not answer: the LLM chooses
            messages = self._selection_messages()
        return (yield from self._auto_step(last_speaker, selector, messages, agents))

    def select_speaker(self, last_speaker: Agent, selector: ConversableAgent) -> Agent:
        """Choose who speaks after ``last_speaker``; ``selector`` (the manager) lends its LLM config."""
        return run_sync(self._select_speaker_flow(last_speaker, selector))

    async def a_select_speaker(self, last_speaker: Agent, selector: ConversableAgent) -> Agent:
        """Async twin of `select_speaker`."""
        return await run_async(self._select_speaker_flow(last_speaker, selector))


def note_selection(group: Any, **fields: Any) -> None:
    """Add ``fields`` to the note of the speaker selection in progress (logged by the manager);
    ``details`` are merged. Only called while runtime logging is on."""
    note = group.__dict__.get("_selection_log")
    if note is None:
        return
    details = fields.pop("details", None)
    note.update(fields)
    if details:
        note.setdefault("details", {}).update(details)


_STOCK = {"_prepare_and_select_agents": SpeakerSelection._prepare_and_select_agents}


def _replaced(group: Any, name: str) -> bool:
    """Whether ``group``'s method ``name`` is not the library's own (overridden, patched on the
    class, or set on the instance): it then runs as user code, an effect."""
    return getattr(type(group), name) is not _STOCK[name] or name in group.__dict__
