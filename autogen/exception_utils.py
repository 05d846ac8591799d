"""Exceptions raised by agents and group chats (names as in ag2 0.13; 0.2 names kept as aliases)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AgentNameConflictError",
    "InvalidCarryOverTypeError",
    "ModelToolNotSupportedError",
    "NoEligibleSpeakerError",
    "SenderRequiredError",
    "UndefinedNextAgentError",
]


class AgentNameConflictError(Exception):
    """Several agents in one group share a name."""

    def __init__(self, msg: str = "Found multiple agents with the same name.", *args: Any, **kwargs: Any):
        super().__init__(msg, *args, **kwargs)


class NoEligibleSpeakerError(Exception):
    """No agent is eligible to speak next; a group chat ends gracefully on it."""

    def __init__(self, message: str = "No eligible speakers."):
        self.message = message
        super().__init__(self.message)


class SenderRequiredError(Exception):
    """A string reply trigger was matched while no sender was given."""

    def __init__(self, message: str = "Sender is required but not provided."):
        self.message = message
        super().__init__(self.message)


class InvalidCarryOverTypeError(Exception):
    """A carryover is not a str or list, or the message it is added to is not a str or dict."""

    def __init__(self, message: str = "Carryover should be a string or a list of strings."):
        self.message = message
        super().__init__(self.message)


class UndefinedNextAgentError(Exception):
    """``GroupChat.next_agent`` was given agents outside the group, or found no next agent."""

    def __init__(self, message: str = "The provided agents list does not overlap with agents in the group."):
        self.message = message
        super().__init__(self.message)


class ModelToolNotSupportedError(Exception):
    """Tools were given to a model that does not support them."""

    def __init__(self, model: str):
        self.message = f"Tools are not supported with {model} models. Refer to the documentation."
        super().__init__(self.message)


# pyautogen 0.2 names, kept so old scripts that catch them still work.
AgentNameConflict = AgentNameConflictError
NoEligibleSpeaker = NoEligibleSpeakerError
SenderRequired = SenderRequiredError
InvalidCarryOverType = InvalidCarryOverTypeError
UndefinedNextAgent = UndefinedNextAgentError
