"""`ManualPattern`: after each agent, a human picks who speaks next."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..context_variables import ContextVariables
from ..targets.transition_target import AskUserTarget
from .pattern import Pattern, _super_kwargs

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ..group_runtime import GroupRuntime
    from ..state import GroupChatState

__all__ = ["ManualPattern"]


class ManualPattern(Pattern):
    """Group after-work = `AskUserTarget`: a numbered list of the agents (not the user agent or the
    tool executor) is shown and the human types a number; no answer lets the manager's LLM choose."""

    def __init__(
        self,
        initial_agent: ConversableAgent,
        agents: list[ConversableAgent],
        user_agent: ConversableAgent | None = None,
        group_manager_args: dict[str, Any] | None = None,
        context_variables: ContextVariables | None = None,
        exclude_transit_message: bool = True,
        summary_method: str | Callable[..., Any] | None = "last_msg",
    ) -> None:
        super().__init__(
            initial_agent=initial_agent,
            agents=agents,
            user_agent=user_agent,
            group_manager_args=group_manager_args,
            context_variables=context_variables,
            group_after_work=AskUserTarget(),
            exclude_transit_message=exclude_transit_message,
            summary_method=summary_method,
        )

    def prepare_group_chat(
        self,
        max_rounds: int,
        messages: list[dict[str, Any]] | str,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
    ) -> GroupRuntime:
        """The base run (see `Pattern.prepare_group_chat`)."""
        return super().prepare_group_chat(**_super_kwargs(max_rounds, messages, on_turn))
