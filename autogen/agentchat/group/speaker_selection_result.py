"""`SpeakerSelectionResult`: what a resolved transition target tells the group chat to do next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from ..agent import Agent
    from ..groupchat import GroupChat

__all__ = ["SpeakerSelectionResult"]


def agent_in_group(groupchat: GroupChat, name: str) -> Agent:
    """The member called ``name``; a ValueError naming the members when there is none."""
    # Group members have unique names here: the group's name index answers (no scan per turn).
    # A stand-in group chat without the method on its class (a test double) is scanned instead.
    if getattr(type(groupchat), "agent_by_name", None) is not None:
        agent = groupchat.agent_by_name(name)
    else:
        agent = next((a for a in groupchat.agents if a.name == name), None)
    if agent is None:
        raise ValueError(
            f"Agent '{name}' not found in groupchat: the transition names an agent which is not in the group chat (members: "
            f"{[a.name for a in groupchat.agents]})."
        )
    return agent


class SpeakerSelectionResult(BaseModel):
    """One of: end the chat (``terminate``), an agent by name, or a speaker selection method."""

    terminate: bool | None = None
    agent_name: str | None = None
    speaker_selection_method: str | None = None

    def get_speaker_selection_result(self, groupchat: GroupChat) -> Agent | str | None:
        """The agent, the method name ("auto", "manual", ...) or None (end the chat)."""
        if self.agent_name is not None:
            return agent_in_group(groupchat, self.agent_name)
        if self.speaker_selection_method is not None:
            return self.speaker_selection_method
        if self.terminate:
            return None
        raise ValueError(
            "Unable to establish speaker selection result: SpeakerSelectionResult needs terminate, agent_name or "
            "speaker_selection_method."
        )
