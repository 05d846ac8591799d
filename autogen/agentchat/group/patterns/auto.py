"""`AutoPattern`: after each agent, the group manager's LLM picks who speaks next."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..context_variables import ContextVariables
from ..targets.group_manager_target import GroupManagerSelectionMessage, GroupManagerTarget
from .pattern import Pattern, _super_kwargs, _with_group_after_work

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ..group_runtime import GroupRuntime
    from ..state import GroupChatState

__all__ = ["AutoPattern"]


class AutoPattern(Pattern):
    """Group after-work = `GroupManagerTarget`: needs ``group_manager_args={"llm_config": ...}``."""

    def __init__(
        self,
        initial_agent: ConversableAgent,
        agents: list[ConversableAgent],
        user_agent: ConversableAgent | None = None,
        group_manager_args: dict[str, Any] | None = None,
        context_variables: ContextVariables | None = None,
        selection_message: GroupManagerSelectionMessage | None = None,
        exclude_transit_message: bool = True,
        summary_method: str | Callable[..., Any] | None = "last_msg",
    ) -> None:
        super().__init__(
            initial_agent=initial_agent,
            agents=agents,
            user_agent=user_agent,
            group_manager_args=group_manager_args,
            context_variables=context_variables,
            group_after_work=GroupManagerTarget(selection_message=selection_message),
            exclude_transit_message=exclude_transit_message,
            summary_method=summary_method,
        )
        self.selection_message = selection_message

    def prepare_group_chat(
        self,
        max_rounds: int,
        messages: list[dict[str, Any]] | str,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
    ) -> GroupRuntime:
        """The base run, after checking that an LLM can choose and that every agent has a description
        for it to choose by (``"Agent <name>"`` is given to those without one)."""
        if not self.group_manager_args.get("llm_config") and not any(
            getattr(agent, "llm_config", False) for agent in self.agents
        ):
            raise ValueError(
                "AutoPattern requires the group_manager_args to include an llm_config, "
                "or at least one agent to have an llm_config"
            )
        for agent in self.agents:
            if not (getattr(agent, "description", None) or "").strip():
                agent.description = f"Agent {agent.name}"
        prepared = super().prepare_group_chat(**_super_kwargs(max_rounds, messages, on_turn))
        return _with_group_after_work(prepared, self.group_after_work)  # type: ignore[no-any-return]
