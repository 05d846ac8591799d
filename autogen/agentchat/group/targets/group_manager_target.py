"""`GroupManagerTarget`: let the group manager's LLM pick the next speaker ("auto" selection)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..context_str import ContextStr, format_template
from ..speaker_selection_result import SpeakerSelectionResult
from .transition_target import TransitionTarget, _DirectTarget

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ...groupchat import GroupChat

__all__ = [
    "GroupManagerSelectionMessage",
    "GroupManagerSelectionMessageContextStr",
    "GroupManagerSelectionMessageString",
    "GroupManagerTarget",
]

_AGENTLIST = "{agentlist}"
_AGENTLIST_SENTINEL = "\x00agentlist\x00"


class GroupManagerSelectionMessage(BaseModel):
    """Base class: the prompt the manager's LLM gets when picking the next speaker."""

    def get_message(self, agent: ConversableAgent) -> str:
        raise NotImplementedError(f"{type(self).__name__} must implement get_message().")


class GroupManagerSelectionMessageString(GroupManagerSelectionMessage):
    """A fixed selection prompt; ``{agentlist}`` becomes the candidate names."""

    message: str

    def __init__(self, message: str | None = None, **data: Any) -> None:
        if message is not None:
            data["message"] = message
        super().__init__(**data)

    def get_message(self, agent: ConversableAgent) -> str:
        return self.message


class GroupManagerSelectionMessageContextStr(GroupManagerSelectionMessage):
    """A selection prompt filled from context variables; ``{agentlist}`` is kept for the group chat."""

    context_str_template: str

    def __init__(self, context_str_template: str | None = None, **data: Any) -> None:
        if context_str_template is not None:
            data["context_str_template"] = context_str_template
        super().__init__(**data)

    def get_message(self, agent: ConversableAgent) -> str:
        template = self.context_str_template.replace(_AGENTLIST, _AGENTLIST_SENTINEL)
        text = format_template(template, agent.context_variables, "GroupManagerSelectionMessageContextStr")
        return text.replace(_AGENTLIST_SENTINEL, _AGENTLIST)

    @property
    def context_str(self) -> ContextStr:
        return ContextStr(self.context_str_template)


class GroupManagerTarget(_DirectTarget):
    """The group manager's LLM chooses who speaks next (needs ``group_manager_args={"llm_config": ...}``)."""

    selection_message: GroupManagerSelectionMessage | None = None

    def __init__(self, selection_message: GroupManagerSelectionMessage | str | None = None, **data: Any) -> None:
        if isinstance(selection_message, str):
            selection_message = GroupManagerSelectionMessageString(selection_message)
        if selection_message is not None:
            data["selection_message"] = selection_message
        super().__init__(**data)

    def can_resolve_for_speaker_selection(self) -> bool:
        return True

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        prompt = self.selection_message.get_message(current_agent) if self.selection_message is not None else None
        runtime = getattr(groupchat, "_group_runtime", None)
        if runtime is not None:
            runtime.prepare_auto_selection(prompt)
        elif prompt is not None:
            groupchat.select_speaker_prompt_template = prompt
        return SpeakerSelectionResult(speaker_selection_method="auto")

    def display_name(self) -> str:
        return "the group manager"

    def normalized_name(self) -> str:
        # "the group manager" has spaces: OpenAI rejects tool names with them (ag2 0.13.4 fails here).
        return "group_manager"

    def __str__(self) -> str:
        return "Transfer to the group manager"
