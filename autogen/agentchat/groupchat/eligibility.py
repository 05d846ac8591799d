"""Eligibility policies: runtime filters that remove agents from a group chat's speaker candidates.

A `GroupChat` asks every policy in ``eligibility_policies`` about every candidate before the
selection method (auto, manual, random, round robin) runs; an agent stays a candidate only when all
policies agree (AND). `AgentDescriptionGuard` is the soft counterpart: it marks an agent's
description so that LLM-based selection tends to avoid it, without removing it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..agent import Agent

__all__ = ["AgentDescriptionGuard", "AgentEligibilityPolicy", "SelectionContext"]


@dataclass(frozen=True)
class SelectionContext:
    """What a policy may know about the selection round (deliberately not the GroupChat itself)."""

    round: int
    """How many messages the group transcript holds; 1 at the first selection of a managed chat."""
    last_speaker: str | None
    """Name of the agent that spoke last, or None before anyone spoke."""
    participants: tuple[str, ...]
    """Names of every agent of the group (the whole roster, not the filtered candidates)."""

    def __post_init__(self) -> None:
        if isinstance(self.participants, str):
            raise TypeError(
                f"SelectionContext.participants must be a sequence of str, not a str (got {self.participants!r}); "
                f"wrap it in a tuple: ({self.participants!r},)"
            )
        # Frozen: normalise lists and generators to a tuple through object.__setattr__.
        object.__setattr__(self, "participants", tuple(self.participants))


@runtime_checkable
class AgentEligibilityPolicy(Protocol):
    """Decides whether an agent may be chosen as the next speaker.

    Rules for implementers: be fast and side-effect free (called for every candidate every round);
    return a bool. ``isinstance(obj, AgentEligibilityPolicy)`` only checks that ``is_eligible`` exists.
    """

    def is_eligible(self, agent: Agent, ctx: SelectionContext) -> bool:
        """True to keep ``agent`` among the candidates of this round."""
        ...


_UNAVAILABLE_PREFIX = "[UNAVAILABLE] "
_NOT_SET = object()


class AgentDescriptionGuard:
    """Toggles an ``[UNAVAILABLE] `` prefix on an agent's description (thread-safe, idempotent).

    Use it when an agent is temporarily unusable (a tripped circuit breaker, a rate limit): the LLM
    that picks speakers reads the descriptions and will tend to skip it. Text appended to the
    description while it is marked is kept when the mark is removed.
    """

    def __init__(self, agent: Agent) -> None:
        self._agent = agent
        self._lock = threading.Lock()
        self._original: object = _NOT_SET

    @property
    def agent(self) -> Agent:
        """The guarded agent."""
        return self._agent

    @property
    def is_unavailable(self) -> bool:
        """Whether the description currently carries the prefix."""
        return (self._agent.description or "").startswith(_UNAVAILABLE_PREFIX)

    def mark_unavailable(self) -> None:
        """Prefix the description with ``[UNAVAILABLE] `` unless it already has it."""
        with self._lock:
            current = self._agent.description or ""
            if current.startswith(_UNAVAILABLE_PREFIX):
                return
            self._original = self._agent.description
            self._agent.description = _UNAVAILABLE_PREFIX + current  # type: ignore[misc]

    def mark_available(self) -> None:
        """Remove the prefix; a description that was None before marking becomes None again."""
        with self._lock:
            current = self._agent.description or ""
            original = self._original
            self._original = _NOT_SET
            if not current.startswith(_UNAVAILABLE_PREFIX):
                return
            rest = current[len(_UNAVAILABLE_PREFIX) :]
            if original is None and rest == "":
                self._agent.description = None  # type: ignore[misc]
            else:
                self._agent.description = rest  # type: ignore[misc]
