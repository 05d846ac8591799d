"""Speaker transitions of a `GroupChat`: who may speak after whom (part of `GroupChat`).

The graph is built once at construction from ``allowed_or_disallowed_speaker_transitions`` (or, when
none is given, from ``allow_repeat_speaker``) and checked with ``autogen.graph_utils``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...graph_utils import check_graph_validity, invert_disallowed_to_allowed
from ..agent import Agent
from .members import is_in

__all__ = ["Transitions"]


class Transitions:
    """allow_repeat_speaker and the speaker-transition graph (part of `GroupChat`)."""

    _VALID_SPEAKER_TRANSITIONS_TYPE: ClassVar[list[str | None]] = ["allowed", "disallowed", None]

    agents: list[Agent]
    allow_repeat_speaker: bool | list[Agent] | None
    allowed_or_disallowed_speaker_transitions: dict[Any, list[Agent]] | None
    speaker_transitions_type: str | None
    allowed_speaker_transitions_dict: dict[Any, list[Agent]]
    _default_graph: bool

    def _build_transitions(self) -> None:
        repeat = self.allow_repeat_speaker
        if repeat is not None and not isinstance(repeat, (bool, list)):
            raise ValueError("GroupChat allow_repeat_speaker should be a bool or a list of Agents.")
        if isinstance(self.speaker_transitions_type, str):
            self.speaker_transitions_type = self.speaker_transitions_type.lower()
        if self.speaker_transitions_type not in self._VALID_SPEAKER_TRANSITIONS_TYPE:
            raise ValueError(
                f"GroupChat speaker_transitions_type is {self.speaker_transitions_type!r}; "
                "it must be 'allowed', 'disallowed' (case-insensitive) or None."
            )
        graph = self.allowed_or_disallowed_speaker_transitions
        if graph is None and repeat is None:
            self.allow_repeat_speaker = repeat = True
        if graph is not None and repeat is not None:
            raise ValueError(
                "Give GroupChat either allowed_or_disallowed_speaker_transitions or allow_repeat_speaker, not both; "
                "set one of them to None."
            )
        if graph is not None and self.speaker_transitions_type is None:
            raise ValueError(
                "GroupChat allowed_or_disallowed_speaker_transitions needs speaker_transitions_type "
                "set to 'allowed' or 'disallowed'."
            )
        self._default_graph = graph is None
        if graph is None:
            transitions: dict[Any, list[Agent]] = {}
            for agent in self.agents:
                may_repeat = repeat is True or (isinstance(repeat, list) and is_in(repeat, agent))
                transitions[agent] = [a for a in self.agents if a is not agent or may_repeat]
        elif self.speaker_transitions_type == "allowed":
            transitions = graph
        else:
            if not isinstance(graph, dict):
                raise ValueError(
                    "GroupChat allowed_or_disallowed_speaker_transitions must be a dict {agent: [agents]}, "
                    f"got {type(graph).__name__}."
                )
            transitions = invert_disallowed_to_allowed(graph, self.agents)
        check_graph_validity(allowed_speaker_transitions_dict=transitions, agents=self.agents)
        self.allowed_speaker_transitions_dict = transitions

    def _repeat_allowed(self, last_speaker: Agent) -> bool:
        repeat = self.allow_repeat_speaker
        if isinstance(repeat, list):
            return is_in(repeat, last_speaker)
        return repeat is not False

    def _allowed_after(self, agent: Agent) -> list[Agent] | None:
        """The agents that may speak after ``agent`` by the graph; None when it has no entry."""
        for source, targets in self.allowed_speaker_transitions_dict.items():
            if source is agent:
                return targets
        return None
