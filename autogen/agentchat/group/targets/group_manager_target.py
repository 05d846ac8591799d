"""`GroupManagerTarget`: let the group manager's LLM pick the next speaker ("auto" selection)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, field_validator

from ..context_str import ContextStr, format_template
from ..speaker_selection_result import SpeakerSelectionResult
from .transition_target import _DirectTarget
from .transition_utils import AGENT_WRAPPER_PREFIX

if TYPE_CHECKING:
    from ...agent import Agent
    from ...conversable_agent import ConversableAgent
    from ...groupchat import GroupChat

__all__ = [
    "GroupManagerSelectionMessage",
    "GroupManagerSelectionMessageContextStr",
    "GroupManagerSelectionMessageString",
    "GroupManagerTarget",
    "prepare_groupchat_auto_speaker",
]

_AGENTLIST = "{agentlist}"
_AGENTLIST_PLACEHOLDER = "<<agent_list>>"


def _is_group_candidate(agent: Agent) -> bool:
    """Whether an LLM selection may offer ``agent``: not the tool executor, a wrapper agent or the temporary user."""
    from ..group_tool_executor import GroupToolExecutor
    from ..group_utils import TEMP_USER_NAME

    name = agent.name
    return (
        not isinstance(agent, GroupToolExecutor)
        and not name.startswith(AGENT_WRAPPER_PREFIX)
        and name != TEMP_USER_NAME
    )


def prepare_groupchat_auto_speaker(
    groupchat: GroupChat,
    last_group_agent: ConversableAgent,
    group_chat_manager_selection_msg: Any | None,
    *,
    is_candidate: Callable[[Agent], bool] = _is_group_candidate,
) -> None:
    """Set ``groupchat``'s selection prompt for the manager's LLM: the selection message's text for
    ``last_group_agent`` (None: the default prompt), with ``{agentlist}`` filled in with the members
    ``is_candidate`` keeps (by default not the tool executor, wrapper agents or the temporary user)."""
    from ...groupchat import SELECT_SPEAKER_PROMPT_TEMPLATE

    msg = group_chat_manager_selection_msg
    template = SELECT_SPEAKER_PROMPT_TEMPLATE if msg is None else msg.get_message(last_group_agent)
    groupchat.select_speaker_prompt_template = template
    groupchat.select_speaker_prompt_template = groupchat.select_speaker_prompt(
        [agent for agent in groupchat.agents if is_candidate(agent)]
    )


class GroupManagerSelectionMessage(BaseModel):
    """Base class: the prompt the manager's LLM gets when picking the next speaker."""

    def get_message(self, agent: ConversableAgent) -> str:
        raise NotImplementedError(f"Requires subclasses to implement ({type(self).__name__}.get_message).")


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

    @field_validator("context_str_template", mode="before")
    @classmethod
    def _hide_agentlist(cls, value: Any) -> Any:
        # stored with ``{agentlist}`` as ``<<agent_list>>`` (as the original stores it), so that
        # formatting the context variables leaves it alone; get_message puts it back
        return value.replace(_AGENTLIST, _AGENTLIST_PLACEHOLDER) if isinstance(value, str) else value

    def get_message(self, agent: ConversableAgent) -> str:
        text = format_template(
            self.context_str_template, agent.context_variables, "GroupManagerSelectionMessageContextStr"
        )
        return text.replace(_AGENTLIST_PLACEHOLDER, _AGENTLIST)

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

    def resolve(
        self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None
    ) -> SpeakerSelectionResult:
        runtime = getattr(groupchat, "_group_runtime", None)
        if runtime is not None:
            # a pattern's run: its selection filter leaves out the hidden members when {agentlist} is filled
            selection = self.selection_message
            runtime.prepare_auto_selection(selection.get_message(current_agent) if selection is not None else None)
        elif self.selection_message is not None:
            prepare_groupchat_auto_speaker(groupchat, current_agent, self.selection_message)
        return SpeakerSelectionResult(speaker_selection_method="auto")

    def display_name(self) -> str:
        return "the group manager"

    def normalized_name(self) -> str:
        # "the group manager" has spaces: OpenAI rejects tool names with them (ag2 0.13.4 fails here).
        return "group_manager"

    def __str__(self) -> str:
        return "Transfer to the group manager"
