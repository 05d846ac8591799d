"""`RandomPattern`: after each agent, a random other agent speaks."""

from __future__ import annotations

from ..targets.transition_target import RandomAgentTarget
from .pattern import Pattern

__all__ = ["RandomPattern"]


class RandomPattern(Pattern):
    """Every agent's after-work (replacing any it had) is a random other agent (the user included)."""

    def configure_agents(self) -> None:
        everyone = [*self.agents, *([self.user_agent] if self.user_agent is not None else [])]
        for agent in everyone:
            others = [a for a in everyone if a is not agent]
            if others:
                agent.handoffs.set_after_work(RandomAgentTarget(others))
