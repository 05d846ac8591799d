"""Speaker selection of a `GroupChat` (part of `GroupChat`): the candidates of a round (function-call
filter, repeat rule, transition graph, eligibility policies) and the manual, random, round robin and
custom methods. The "auto" method, an LLM exchange, is in ``auto_selection``.

Selection is one flow (see ``autogen/_effects.py``): a custom selection function and the human's
manual choice are effects, so `select_speaker` and `a_select_speaker` share it.
"""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING, Any

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

__all__ = ["METHODS", "SpeakerSelection"]

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
        """The agents that may speak next (steps 2-6 of the selection): never empty."""
        n = len(self.agents)
        if n < 2:
            raise ValueError(
                f"GroupChat has {n} agent; speaker selection needs at least two. "
                "Add agents, or let the two agents talk directly with initiate_chat."
            )
        repeat = self._repeat_allowed(last_speaker)
        if n == 2 and method != "round_robin" and repeat and not self._warned_two_agents:
            self._warned_two_agents = True
            logger.warning(
                "GroupChat has only two agents and the same speaker may be chosen twice in a row; consider "
                "speaker_selection_method='round_robin' or allow_repeat_speaker=False."
            )
        candidates = self.agents
        last = self.messages[-1] if self.messages else None
        if self.func_call_filter and last is not None and (last.get("function_call") or last.get("tool_calls")):
            funcs = called_functions(last)
            able = [a for a in self.agents if can_execute(a, funcs)]
            if not able:
                able = [a for a in self.agents if getattr(a, "function_map", None)]
            if not able:
                raise ValueError(
                    f"No agent of the group can execute {', '.join(funcs)}: register the function for execution "
                    "on a member (register_for_execution or register_function(..., executor=...))."
                )
            if len(able) == 1:
                # The only executor speaks, whatever the repeat and transition rules say.
                return self._apply_policies(able, last_speaker)
            candidates = able
        if not repeat:
            candidates = [a for a in candidates if a is not last_speaker]
        if not self._default_graph and is_in(self.agents, last_speaker):
            allowed = self._allowed_after(last_speaker)
            if allowed is None:
                raise NoEligibleSpeakerError(
                    f"Agent '{last_speaker.name}' has no outgoing speaker transition, so nobody can speak after it."
                )
            candidates = [a for a in candidates if is_in(allowed, a)]
        if not candidates:
            if self.eligibility_policies:
                raise NoEligibleSpeakerError(f"No agent may speak after '{getattr(last_speaker, 'name', None)}'.")
            candidates = self.agents  # legacy: an empty filter result means everyone
        return self._apply_policies(candidates, last_speaker)

    def _apply_policies(self, candidates: list[Agent], last_speaker: Agent | None) -> list[Agent]:
        if not self.eligibility_policies:
            return candidates
        ctx = SelectionContext(
            round=len(self.messages),
            last_speaker=getattr(last_speaker, "name", None),
            participants=tuple(self.agent_names),
        )
        kept = [a for a in candidates if all(p.is_eligible(a, ctx) for p in self.eligibility_policies)]
        if not kept:
            raise NoEligibleSpeakerError(
                f"The eligibility policies excluded every candidate ({[a.name for a in candidates]})."
            )
        return kept

    def _select_speaker_flow(self, last_speaker: Agent, selector: ConversableAgent | None) -> Flow[Agent]:
        method: Any = self.speaker_selection_method
        from_callable = False
        if callable(method):
            # user code is an effect; the library's own selection (a pattern's) is called in place
            chosen = method(last_speaker, self) if is_inline(method) else (yield Call(method, None, last_speaker, self))
            if chosen is None:
                raise NoEligibleSpeakerError("The custom speaker selection function returned None, so the chat ends.")
            if isinstance(chosen, str):
                self._validate_method(chosen, "custom speaker selection function result")
                method, from_callable = chosen, True
            elif is_in(self.agents, chosen):
                return chosen
            elif hasattr(chosen, "name"):
                raise ValueError(
                    f"The custom speaker selection function returned agent '{chosen.name}', which is not in the group chat."
                )
            else:
                raise ValueError(
                    "The custom speaker selection function must return an agent of the group, a method name or None; "
                    f"it returned a {type(chosen).__name__}."
                )
        else:
            self._validate_method(method, "speaker_selection_method")  # it may have been changed since
        method = method.lower()
        candidates = self._candidates(last_speaker, method)
        if len(candidates) == 1:
            return candidates[0]
        if method == "manual":
            chosen = yield Call(self.manual_select_speaker, None, candidates)
            if chosen is not None:
                return chosen
            if not from_callable:
                return self.next_agent(last_speaker, candidates)
            method = "auto"  # a callable asked for a human who did not answer: let the LLM choose
        if method == "round_robin":
            return self.next_agent(last_speaker, candidates)
        if method == "random":
            return self.random_select_speaker(candidates)  # type: ignore[return-value]
        return (yield from self._auto_select_flow(last_speaker, selector, candidates))

    def select_speaker(self, last_speaker: Agent, selector: ConversableAgent) -> Agent:
        """Choose who speaks after ``last_speaker``; ``selector`` (the manager) lends its LLM config."""
        return run_sync(self._select_speaker_flow(last_speaker, selector))

    async def a_select_speaker(self, last_speaker: Agent, selector: ConversableAgent) -> Agent:
        """Async twin of `select_speaker`."""
        return await run_async(self._select_speaker_flow(last_speaker, selector))
