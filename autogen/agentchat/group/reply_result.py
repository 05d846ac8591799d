"""`ReplyResult`: what a group-chat tool returns to say something, hand over, and update the context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from .context_variables import ContextVariables
from .targets.transition_target import TransitionTarget

__all__ = ["ReplyResult"]


class ReplyResult(BaseModel):
    """``ReplyResult(message, target=None, context_variables=None)``.

    In a group chat the tool response reads ``message``; ``context_variables`` (when non-empty) are
    merged into the shared context and ``target`` chooses the next speaker.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    message: str
    target: TransitionTarget | None = None
    context_variables: ContextVariables | None = None

    def __init__(self, message: Any = None, **data: Any) -> None:
        if message is not None:
            data["message"] = message
        super().__init__(**data)

    def __str__(self) -> str:
        return self.message
