"""`RoundRobinPattern`: agents speak in turn (initial agent, the others in order, the user last)."""

from __future__ import annotations

from ..targets.transition_target import AgentTarget
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .pattern import Pattern, _super_kwargs

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ..group_runtime import GroupRuntime
    from ..state import GroupChatState

__all__ = ["RoundRobinPattern"]


class RoundRobinPattern(Pattern):
    """Every agent's after-work (replacing any it had) is the next agent in turn: the initial
    agent, the other agents in list order, the user agent last, then around again."""

    def _generate_handoffs(self, initial_agent: ConversableAgent, agents: list[ConversableAgent], user_agent: ConversableAgent | None) -> None:
        """Each agent's after-work becomes the next in turn: the initial agent, the others in list
        order, the user agent last, then around again (replacing any after-works they had)."""
        order = [initial_agent, *[a for a in agents if a is not initial_agent and a is not user_agent]]
        if user_agent is not None:
            order.append(user_agent)
        for i, agent in enumerate(order):
            agent.handoffs.set_after_work(target=AgentTarget(agent=order[(i + 1) % len(order)]))

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
