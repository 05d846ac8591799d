"""Conditions the LLM decides: their prompt becomes the description of a handoff tool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .context_str import ContextStr

if TYPE_CHECKING:
    from ..conversable_agent import ConversableAgent

__all__ = ["ContextStrLLMCondition", "LLMCondition", "StringLLMCondition"]


class LLMCondition(BaseModel):
    """Base class: ``get_prompt(agent, messages)`` is what the LLM is told the handoff is for."""

    def get_prompt(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> str:
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.get_prompt().")


class StringLLMCondition(LLMCondition):
    """A fixed prompt, e.g. ``StringLLMCondition("the customer asks about billing")``."""

    prompt: str

    def __init__(self, prompt: str | None = None, **data: Any) -> None:
        if prompt is not None:
            data["prompt"] = prompt
        super().__init__(**data)

    def get_prompt(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> str:
        return self.prompt


class ContextStrLLMCondition(LLMCondition):
    """A prompt filled from the agent's context variables each turn: ``ContextStrLLMCondition(ContextStr(template="..."))``.

    A plain string is refused (a ValidationError), as in the original: its ``{...}`` placeholders
    are only filled when it is wrapped in a `ContextStr`, which says so.
    """

    context_str: ContextStr

    def __init__(self, context_str: ContextStr | None = None, **data: Any) -> None:
        if context_str is not None:
            data["context_str"] = context_str
        super().__init__(**data)

    def get_prompt(self, agent: ConversableAgent, messages: list[dict[str, Any]]) -> str:
        return self.context_str.format(agent.context_variables)
