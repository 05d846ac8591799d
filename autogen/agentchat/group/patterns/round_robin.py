"""`RoundRobinPattern`: agents speak in turn (initial agent, the others in order, the user last)."""

from __future__ import annotations

from ..targets.transition_target import AgentTarget
from .pattern import Pattern

__all__ = ["RoundRobinPattern"]


class RoundRobinPattern(Pattern):
    """Every agent's after-work (replacing any it had) is the next agent in turn: the initial
    agent, the other agents in list order, the user agent last, then around again."""

    def configure_agents(self) -> None:
        order = [self.initial_agent, *[a for a in self.agents if a is not self.initial_agent]]
        if self.user_agent is not None:
            order.append(self.user_agent)
        for i, agent in enumerate(order):
            agent.handoffs.set_after_work(AgentTarget(order[(i + 1) % len(order)]))
