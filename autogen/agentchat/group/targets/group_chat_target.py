"""`GroupChatTarget`: run a whole pattern group chat as one step of another group chat."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from .transition_target import AGENT_WRAPPER_PREFIX, AgentTarget, TransitionTarget

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent

__all__ = ["GroupChatConfig", "GroupChatTarget"]


class GroupChatConfig(BaseModel):
    """The inner chat: its pattern, its opening messages (empty: the outer chat's latest message) and
    its round limit."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    pattern: Any
    messages: list[dict[str, Any]] | str = ""
    max_rounds: int = 20


def _latest_text(messages: list[dict[str, Any]] | None) -> str:
    """The latest outer message with real text (handoff notes and tool-call stubs skipped)."""
    for message in reversed(messages or []):
        content = message.get("content")
        if message.get("tool_calls") or message.get("tool_responses") or message.get("role") == "tool":
            continue
        if isinstance(content, str) and content and content != "None" and not content.startswith("[Handing off to "):
            return content
    return ""


class GroupChatTarget(TransitionTarget):
    """Hand over to an inner group chat; its summary is the hidden wrapper agent's reply, after which
    control returns to the agent that handed off."""

    group_chat_config: GroupChatConfig

    def __init__(self, group_chat_config: GroupChatConfig | None = None, **data: Any) -> None:
        if group_chat_config is not None:
            data["group_chat_config"] = group_chat_config
        super().__init__(**data)

    def needs_agent_wrapper(self) -> bool:
        return True

    def display_name(self) -> str:
        return "a group chat"

    def normalized_name(self) -> str:
        return "group_chat"

    def __str__(self) -> str:
        return "Transfer to group chat"

    def create_wrapper_agent(self, parent_agent: ConversableAgent, index: int) -> ConversableAgent:
        from ...agent import Agent
        from ...conversable_agent import ConversableAgent

        chat_config = self.group_chat_config
        wrapper = ConversableAgent(
            name=f"{AGENT_WRAPPER_PREFIX}group_{parent_agent.name}_{index + 1}",
            llm_config=False,
            human_input_mode="NEVER",
            description=f"Runs an inner group chat for {parent_agent.name}.",
        )

        def inner_messages(messages: list[dict[str, Any]] | None) -> list[dict[str, Any]] | str:
            if chat_config.messages:
                return chat_config.messages
            text = _latest_text(messages)
            if not text:
                raise ValueError(
                    f"GroupChatTarget of agent '{parent_agent.name}' has no messages configured and the outer chat "
                    "has no text message to start the inner chat with: set GroupChatConfig(messages=...)."
                )
            return text

        def run_inner_group_chat(
            recipient: ConversableAgent, messages: list[dict[str, Any]] | None = None, sender: Any = None, config: Any = None
        ) -> tuple[bool, str]:
            from ..multi_agent_chat import initiate_group_chat

            result, _, _ = initiate_group_chat(
                pattern=chat_config.pattern, messages=inner_messages(messages), max_rounds=chat_config.max_rounds
            )
            return True, result.summary

        async def a_run_inner_group_chat(
            recipient: ConversableAgent, messages: list[dict[str, Any]] | None = None, sender: Any = None, config: Any = None
        ) -> tuple[bool, str]:
            from ..multi_agent_chat import a_initiate_group_chat

            result, _, _ = await a_initiate_group_chat(
                pattern=chat_config.pattern, messages=inner_messages(messages), max_rounds=chat_config.max_rounds
            )
            return True, result.summary

        wrapper.register_reply([Agent, None], run_inner_group_chat, position=0)
        wrapper.register_reply([Agent, None], a_run_inner_group_chat, position=0, ignore_async_in_sync_chat=True)
        wrapper.handoffs.set_after_work(AgentTarget(parent_agent))
        wrapper._group_is_wrapper = True  # type: ignore[attr-defined]
        return wrapper
