"""The transition targets: where the conversation goes after a handoff, an after-work or a tool result."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ...._effects import Call, perform

from ..speaker_selection_result import SpeakerSelectionResult
from .transition_utils import AGENT_WRAPPER_PREFIX

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ...groupchat import GroupChat

__all__ = [
    "AgentNameTarget",
    "AgentTarget",
    "AskUserTarget",
    "NestedChatTarget",
    "RandomAgentTarget",
    "RevertToUserTarget",
    "StayTarget",
    "TerminateTarget",
    "TransitionTarget",
]

class TransitionTarget(BaseModel):
    """Base of every target. A target either resolves directly to a speaker-selection result, or
    (nested chats, inner group chats) is run by a hidden wrapper agent that joins the group."""

    def can_resolve_for_speaker_selection(self) -> bool:
        """True when `resolve` can be called (False for targets that need a wrapper agent)."""
        return False

    def resolve(
        self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None
    ) -> SpeakerSelectionResult:
        """The next speaker, a speaker selection method, or the end of the chat."""
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.resolve().")

    def display_name(self) -> str:
        """How the target is shown to people ("[Handing off to <display name>]")."""
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.display_name().")

    def normalized_name(self) -> str:
        """The part of a handoff tool name naming this target."""
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.normalized_name().")

    def needs_agent_wrapper(self) -> bool:
        """True when a hidden agent must run this target inside the group."""
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.needs_agent_wrapper().")

    def create_wrapper_agent(self, parent_agent: ConversableAgent, index: int) -> ConversableAgent:
        """The hidden agent that runs this target (only for targets that need one)."""
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.create_wrapper_agent().")

    def activate_target(self, groupchat: GroupChat) -> None:
        """Make this target the group tool executor's pending next target."""
        for agent in groupchat.agents:
            if getattr(agent, "is_group_tool_executor", False) is True or type(agent).__name__ == "GroupToolExecutor":
                agent.set_next_target(self)  # type: ignore[attr-defined]
                return
        raise ValueError(
            f"Cannot activate {self!r}: the group chat has no group tool executor (it is not a pattern-based chat)."
        )

    def referenced_agent_names(self) -> list[str]:
        """Names of the agents this target points at (checked against the group at construction)."""
        return []

    def __str__(self) -> str:
        return f"Transfer to {self.display_name()}"


class _DirectTarget(TransitionTarget):
    """A target that resolves to a speaker by itself (no wrapper agent)."""

    def can_resolve_for_speaker_selection(self) -> bool:
        return True

    def needs_agent_wrapper(self) -> bool:
        return False

    def create_wrapper_agent(self, parent_agent: ConversableAgent, index: int) -> ConversableAgent:
        raise NotImplementedError(f"{type(self).__name__} does not require wrapping in an agent.")


class _NamedAgentTarget(_DirectTarget):
    """What AgentTarget and AgentNameTarget share: the named agent speaks next."""

    agent_name: str

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        return SpeakerSelectionResult(agent_name=self.agent_name)

    def display_name(self) -> str:
        return self.agent_name

    def normalized_name(self) -> str:
        return self.agent_name

    def referenced_agent_names(self) -> list[str]:
        return [self.agent_name]


_NO_AGENT: Any = object()


class AgentTarget(_NamedAgentTarget):
    """Hand over to a specific agent: ``AgentTarget(agent)``."""

    def __init__(self, agent: Any = _NO_AGENT, **data: Any) -> None:
        if agent is _NO_AGENT:
            if "agent_name" not in data:
                raise TypeError("AgentTarget.__init__() missing 1 required positional argument: 'agent'")
            super().__init__(**data)  # pydantic validation (model_validate) passes the stored field
            return
        name = getattr(agent, "name", None)
        if name is None:
            # the original reads agent.name: the same error type, with a hint
            raise AttributeError(f"AgentTarget takes an agent (with a name); got {type(agent).__name__}. Use AgentNameTarget for a name.")
        super().__init__(agent_name=name, **data)


class AgentNameTarget(_NamedAgentTarget):
    """Hand over to the agent with this name: ``AgentNameTarget("billing")``."""

    def __init__(self, agent_name: str | None = None, **data: Any) -> None:
        if agent_name is not None:
            data["agent_name"] = agent_name
        super().__init__(**data)


class TerminateTarget(_DirectTarget):
    """End the conversation."""

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        return SpeakerSelectionResult(terminate=True)

    def display_name(self) -> str:
        return "Terminate"

    def normalized_name(self) -> str:
        return "terminate"

    def __str__(self) -> str:
        return "Terminate"


class StayTarget(_DirectTarget):
    """The current agent speaks again."""

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        return SpeakerSelectionResult(agent_name=current_agent.name)

    def display_name(self) -> str:
        return "Stay"

    def normalized_name(self) -> str:
        return "stay"

    def __str__(self) -> str:
        return "Stay with agent"


class RevertToUserTarget(_DirectTarget):
    """The pattern's user agent speaks next (the pattern must have one)."""

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        if user_agent is None:
            raise ValueError(
                f"User agent must be provided to the chat for the revert_to_user option (RevertToUserTarget reached "
                f"from agent '{current_agent.name}'): pass user_agent=... to the pattern."
            )
        return SpeakerSelectionResult(agent_name=user_agent.name)

    def display_name(self) -> str:
        return "Revert to User"

    def normalized_name(self) -> str:
        return "revert_to_user"

    def __str__(self) -> str:
        return "Revert to User"


class AskUserTarget(_DirectTarget):
    """A human picks the next speaker from a numbered list ("manual" selection)."""

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        return SpeakerSelectionResult(speaker_selection_method="manual")

    def display_name(self) -> str:
        return "Ask User"

    def normalized_name(self) -> str:
        return "ask_user"

    def __str__(self) -> str:
        return "Ask User"


class RandomAgentTarget(_DirectTarget):
    """A random agent among ``agents``, never the current one."""

    agent_names: list[str]
    nominated_name: str = "<Not Randomly Selected Yet>"

    def __init__(self, agents: list[Any] | None = None, **data: Any) -> None:
        if agents is not None:
            data["agent_names"] = [a if isinstance(a, str) else a.name for a in agents]
        super().__init__(**data)

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        choices = [n for n in self.agent_names if n != current_agent.name]
        if not choices:
            raise ValueError(
                f"RandomAgentTarget has no agent other than '{current_agent.name}' to choose from ({self.agent_names})."
            )
        self.nominated_name = perform(Call.of_kind("select", random.choice, None, choices))  # recorded in a durable chat
        return SpeakerSelectionResult(agent_name=self.nominated_name)

    def display_name(self) -> str:
        return self.nominated_name

    def normalized_name(self) -> str:
        return self.display_name()

    def referenced_agent_names(self) -> list[str]:
        return list(self.agent_names)


class NestedChatTarget(TransitionTarget):
    """Run nested chats (``{"chat_queue": [...], "reply_func_from_nested_chats"?, "config"?, "use_async"?}``)
    in a hidden agent; its reply (the last chat's summary) joins the group chat, then control returns
    to the agent that handed off."""

    nested_chat_config: dict[str, Any]

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        if not isinstance(self.nested_chat_config.get("chat_queue"), list) or not self.nested_chat_config["chat_queue"]:
            raise ValueError("NestedChatTarget needs nested_chat_config={'chat_queue': [<chat dict>, ...]}.")

    def can_resolve_for_speaker_selection(self) -> bool:
        return False

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        raise NotImplementedError(
            "NestedChatTarget does not support the resolve method: it runs in a wrapper agent (see create_wrapper_agent)."
        )

    def needs_agent_wrapper(self) -> bool:
        return True

    def display_name(self) -> str:
        return "a nested chat"

    def normalized_name(self) -> str:
        return "nested_chat"

    def __str__(self) -> str:
        return "Transfer to nested chat"

    def create_wrapper_agent(self, parent_agent: ConversableAgent, index: int) -> ConversableAgent:
        from ...conversable_agent import ConversableAgent

        wrapper = ConversableAgent(
            name=f"{AGENT_WRAPPER_PREFIX}nested_{parent_agent.name}_{index + 1}",
            llm_config=False,
            human_input_mode="NEVER",
            description=f"Runs a nested chat for {parent_agent.name}.",
        )
        answer_with_nested_chats(wrapper, self.nested_chat_config)
        wrapper.handoffs.set_after_work(AgentTarget(parent_agent))
        wrapper._group_is_wrapper = True  # type: ignore[attr-defined]
        return wrapper


def answer_with_nested_chats(agent: Any, config: dict[str, Any]) -> None:
    """Make ``agent`` answer every message by running the nested chats of ``config`` (a nested-chat
    handoff's config: ``chat_queue`` and optionally ``reply_func_from_nested_chats``, ``config``,
    ``use_async``)."""
    agent.register_nested_chats(
        config["chat_queue"],
        reply_func_from_nested_chats=config.get("reply_func_from_nested_chats") or "summary_from_nested_chats",
        config=config.get("config"),
        trigger=lambda sender: True,
        position=0,
        use_async=config.get("use_async", False),
    )
