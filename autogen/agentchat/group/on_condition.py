"""`OnCondition`: a handoff the LLM decides, offered to it as a zero-argument tool."""

from __future__ import annotations


from pydantic import BaseModel

from .available_condition import AvailableCondition
from .llm_condition import LLMCondition
from .targets.transition_target import TransitionTarget

__all__ = ["OnCondition"]


class OnCondition(BaseModel):
    """``OnCondition(target=..., condition=StringLLMCondition("..."), available=None, llm_function_name=None)``.

    The LLM sees a tool named ``llm_function_name`` (default ``transfer_to_<target>_<n>``) described by
    the condition's prompt; calling it hands the conversation to ``target``.
    """

    target: TransitionTarget
    condition: LLMCondition
    available: AvailableCondition | None = None
    llm_function_name: str | None = None

    def has_target_type(self, target_type: type) -> bool:
        return isinstance(self.target, target_type)

    def target_requires_wrapping(self) -> bool:
        return self.target.needs_agent_wrapper()
