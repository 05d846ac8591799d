"""`ReplyResult`: what a group-chat tool returns to say something, hand over, and update the context."""

from __future__ import annotations


from pydantic import BaseModel, ConfigDict

from .context_variables import ContextVariables
from .targets.transition_target import TransitionTarget

__all__ = ["ReplyResult"]


class ReplyResult(BaseModel):
    """``ReplyResult(message=..., target=None, context_variables=None)`` (keyword arguments only).

    In a group chat the tool response reads ``message``; ``context_variables`` (when non-empty) are
    merged into the shared context and ``target`` chooses the next speaker.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    message: str
    target: TransitionTarget | None = None
    context_variables: ContextVariables | None = None

    def __str__(self) -> str:
        return self.message
