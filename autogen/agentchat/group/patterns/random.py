"""`RandomPattern`: after each agent, a random other agent speaks."""

from __future__ import annotations

from ..targets.transition_target import RandomAgentTarget
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .pattern import Pattern, _super_kwargs

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ..group_runtime import GroupRuntime
    from ..state import GroupChatState

__all__ = ["RandomPattern"]


class RandomPattern(Pattern):
    """Every agent's after-work (replacing any it had) is a random other agent (the user included)."""

    def _generate_handoffs(self, initial_agent: ConversableAgent, agents: list[ConversableAgent], user_agent: ConversableAgent | None) -> None:
        """Each agent's after-work becomes a random other agent (the user included), replacing any
        after-works it had."""
        everyone = [*agents, *([user_agent] if user_agent is not None and user_agent not in agents else [])]
        for agent in everyone:
            others = [a for a in everyone if a is not agent]
            if others:
                agent.handoffs.set_after_work(target=RandomAgentTarget(agents=others))

    def prepare_group_chat(
        self,
        max_rounds: int,
        messages: list[dict[str, Any]] | str,
        *,
        on_turn: Callable[[GroupChatState], None] | None = None,
    ) -> GroupRuntime:
        """The base run; then the agents' after-works are set (they are read at every turn)."""
        prepared = super().prepare_group_chat(**_super_kwargs(max_rounds, messages, on_turn))
        self._generate_handoffs(initial_agent=self.initial_agent, agents=self.agents, user_agent=self.user_agent)
        return prepared
