"""`Pattern`: who takes part in a group chat and what happens when nobody chose the next speaker."""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..context_variables import ContextVariables
from ..group_utils import (  # the steps of a run, looked up here (users of the original replace them here)
    create_group_manager,  # noqa: F401
    create_group_transition,  # noqa: F401
    link_agents_to_group_manager,  # noqa: F401
    prepare_group_agents,  # noqa: F401
    process_initial_messages,  # noqa: F401
    setup_context_variables,  # noqa: F401
)
from ..targets.transition_target import TerminateTarget, TransitionTarget

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ..group_runtime import GroupRuntime
    from ..state import GroupChatState

__all__ = ["DefaultPattern", "Pattern"]


class Pattern(ABC):
    """Base of all patterns.

    Args:
        initial_agent: the first agent to speak after the opening message.
        agents: the group's agents (the initial agent among them).
        user_agent: an optional human proxy taking part in the chat.
        group_manager_args: keyword arguments for the `GroupChatManager` (``llm_config``, ``name``...).
        context_variables: the shared state (one instance, shared by every agent during the chat).
        group_after_work: where to go when an agent finishes and nothing chose the next speaker
            (default: end the chat).
        exclude_transit_message: hide handoff tool calls and responses from the agents' LLMs.
        summary_method: how the chat result's summary is made (as in ``initiate_chat``).
    """

    def __init__(
        self,
        initial_agent: ConversableAgent,
        agents: list[ConversableAgent],
        user_agent: ConversableAgent | None = None,
        group_manager_args: dict[str, Any] | None = None,
        context_variables: ContextVariables | None = None,
        group_after_work: TransitionTarget | None = None,
        exclude_transit_message: bool = True,
        summary_method: str | Callable[..., Any] | None = "last_msg",
    ) -> None:
        if not isinstance(agents, list):
            raise TypeError(f"agents must be a list of agents, got {type(agents).__name__}.")
        if group_after_work is not None and not isinstance(group_after_work, TransitionTarget):
            raise TypeError(f"group_after_work must be a TransitionTarget, got {type(group_after_work).__name__}.")
        if group_manager_args is not None and "groupchat" in group_manager_args:
            raise ValueError("'groupchat' cannot be given in group_manager_args: the pattern builds the group chat.")
        self.initial_agent = initial_agent
        self.agents = agents
        self.user_agent = user_agent
        self.group_manager_args = dict(group_manager_args or {})
        self.context_variables = context_variables if context_variables is not None else ContextVariables()
        self.group_after_work = group_after_work if group_after_work is not None else TerminateTarget()
        self.exclude_transit_message = exclude_transit_message
        self.summary_method = summary_method

    @abstractmethod
    def prepare_group_chat(
        self,
        max_rounds: int,
        messages: list[dict[str, Any]] | str,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
    ) -> GroupRuntime:
        """Build the run: tool executor, wrapped agents, group chat, manager, transition function.

        Every pattern implements this (usually by calling this base version). The result is a
        `GroupRuntime`, which also unpacks as the original's 13-tuple (agents, wrapped_agents,
        user_agent, context_variables, initial_agent, group_after_work, tool_executor, groupchat,
        manager, processed_messages, last_agent, group_agent_names, temp_user_list).
        """
        from ..group_runtime import GroupRuntime

        return GroupRuntime(self, messages, max_rounds, on_turn=on_turn, steps=sys.modules[__name__])

    @classmethod
    def create_default(
        cls,
        initial_agent: ConversableAgent,
        agents: list[ConversableAgent],
        user_agent: ConversableAgent | None = None,
        group_manager_args: dict[str, Any] | None = None,
        context_variables: ContextVariables | None = None,
        exclude_transit_message: bool = True,
        summary_method: str | Callable[..., Any] | None = "last_msg",
    ) -> DefaultPattern:
        """A `DefaultPattern` (explicit handoffs only; the chat ends when nobody hands off)."""
        return DefaultPattern(
            initial_agent=initial_agent,
            agents=agents,
            user_agent=user_agent,
            group_manager_args=group_manager_args,
            context_variables=context_variables,
            group_after_work=TerminateTarget(),
            exclude_transit_message=exclude_transit_message,
            summary_method=summary_method,
        )


def _super_kwargs(max_rounds: int, messages: Any, on_turn: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"max_rounds": max_rounds, "messages": messages}
    if on_turn is not None:
        kwargs["on_turn"] = on_turn
    return kwargs


def _with_group_after_work(prepared: Any, group_after_work: TransitionTarget) -> Any:
    """``prepared`` (a run, or the original's 13-tuple from a replaced base) with this group after-work."""
    if isinstance(prepared, tuple):
        return (*prepared[:5], group_after_work, *prepared[6:])
    prepared.group_after_work = group_after_work
    return prepared


class DefaultPattern(Pattern):
    """Explicit handoffs only: context conditions, LLM handoffs, tool results and after-works."""

    def prepare_group_chat(
        self,
        max_rounds: int,
        messages: list[dict[str, Any]] | str,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
    ) -> GroupRuntime:
        """The base run, with this pattern's own group after-work."""
        prepared = super().prepare_group_chat(**_super_kwargs(max_rounds, messages, on_turn))
        return _with_group_after_work(prepared, self.group_after_work)
