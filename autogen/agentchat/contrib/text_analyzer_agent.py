"""TextAnalyzerAgent (deprecated in ag2 0.13): analyses a text as instructed, with its LLM.
Teachability and the ImageGeneration capability use it."""

from __future__ import annotations

import warnings
from typing import Any, Literal

from ..agent import Agent
from ..conversable_agent import ConversableAgent

__all__ = ["TextAnalyzerAgent", "system_message"]

system_message = """You are an expert in text analysis.
The user will give you TEXT to analyze.
The user will give you analysis INSTRUCTIONS copied twice, at both the beginning and the end.
You will follow these INSTRUCTIONS in analyzing the TEXT, then give the results of your expert analysis in the format requested."""


class TextAnalyzerAgent(ConversableAgent):
    """(Deprecated) Analyses a TEXT following INSTRUCTIONS; as a reply function it takes the text and
    the instructions as the two messages it received."""

    def __init__(
        self,
        name: str = "analyzer",
        system_message: str | None = system_message,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "NEVER",
        llm_config: Any = None,
        **kwargs: Any,
    ) -> None:
        warnings.warn(
            "TextAnalyzerAgent is deprecated and will be removed in v0.14. "
            "Use ConversableAgent with an appropriate system message instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(
            name=name, system_message=system_message, human_input_mode=human_input_mode, llm_config=llm_config, **kwargs
        )
        self.register_reply(Agent, TextAnalyzerAgent._analyze_in_reply, position=2)

    def _analyze_in_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the analysis of the first received message as the second one instructs."""
        if self.llm_config is False:
            raise ValueError("TextAnalyzerAgent requires self.llm_config to be set in its base class.")
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        assert len(messages) == 2
        return True, self.analyze_text(messages[0]["content"], messages[1]["content"])

    def analyze_text(self, text_to_analyze: str, analysis_instructions: str) -> str | dict[str, Any] | None:
        """The model's analysis of ``text_to_analyze`` (the instructions are given before and after it)."""
        instructions = "# INSTRUCTIONS\n" + analysis_instructions + "\n"
        text = "# TEXT\n" + text_to_analyze + "\n"
        request = f"{instructions}\n{text}\n{instructions}"
        return self.generate_oai_reply([{"role": "user", "content": request}], None, None)[1]
