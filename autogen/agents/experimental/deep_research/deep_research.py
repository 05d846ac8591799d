"""DeepResearchAgent: an agent whose LLM can delegate research tasks to a `DeepResearchTool`."""

from __future__ import annotations

from typing import Any

from ....agentchat.conversable_agent import ConversableAgent
from ....llm_config import LLMConfig
from ....tools.experimental.deep_research import DeepResearchTool

__all__ = ["DeepResearchAgent"]


class DeepResearchAgent(ConversableAgent):
    """An agent that performs deep research tasks (its tool is ``self.tool``, registered for its LLM)."""

    DEFAULT_PROMPT = (
        "You are a deep research agent. You have the ability to get information from the web and perform "
        "research tasks."
    )

    def __init__(
        self,
        name: str,
        llm_config: LLMConfig | dict[str, Any] | None = None,
        system_message: str | list[str] | None = DEFAULT_PROMPT,
        max_web_steps: int = 30,
        **kwargs: Any,
    ) -> None:
        """Create the agent.

        Args:
            name: the agent's name.
            llm_config: the LLM of the agent and of its research teams.
            system_message: the system message (default DEFAULT_PROMPT).
            max_web_steps: the most browser steps per subquestion.
            **kwargs: passed to ConversableAgent.
        """
        super().__init__(name=name, system_message=system_message, llm_config=llm_config, **kwargs)
        self.tool = DeepResearchTool(llm_config=llm_config, max_web_steps=max_web_steps)
        self.register_for_llm()(self.tool)
