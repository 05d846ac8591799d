"""`OnCondition`: a handoff the LLM decides, offered to it as a zero-argument tool."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .available_condition import AvailableCondition, StringAvailableCondition
from .llm_condition import LLMCondition, StringLLMCondition
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

    def __init__(self, target: Any = None, condition: Any = None, available: Any = None, **data: Any) -> None:
        if target is not None:
            data["target"] = target
        if condition is not None:
            data["condition"] = StringLLMCondition(condition) if isinstance(condition, str) else condition
        if available is not None:
            data["available"] = StringAvailableCondition(available) if isinstance(available, str) else available
        super().__init__(**data)

    def has_target_type(self, target_type: type) -> bool:
        return isinstance(self.target, target_type)

    def target_requires_wrapping(self) -> bool:
        return self.target.needs_agent_wrapper()
