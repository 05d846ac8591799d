"""Old import path of `ContextVariables` (its home is ``autogen.agentchat.context_variables``)."""

from ..context_variables import ContextVariables

__all__ = ["ContextVariables"]
