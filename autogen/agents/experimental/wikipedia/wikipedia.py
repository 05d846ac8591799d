"""`WikipediaAgent`: a ConversableAgent whose model can search Wikipedia and read its pages."""

from __future__ import annotations

from typing import Any

from ....agentchat.conversable_agent import ConversableAgent
from ....tools.experimental.wikipedia import WikipediaPageLoadTool, WikipediaQueryRunTool

__all__ = ["WikipediaAgent"]


class WikipediaAgent(ConversableAgent):
    """An assistant offered two tools: `WikipediaQueryRunTool` (page summaries) and `WikipediaPageLoadTool`
    (page text with metadata). Like the original, it only offers them to its model: register them for
    execution on the agent that runs tools (or use ``run``, which does).

    Args:
        system_message: the system message (str or list of str); defaults to ``DEFAULT_SYSTEM_MESSAGE``.
        format_instructions: appended as ``"\\n\\nFollow this format:\\n\\n<instructions>"``.
        language: the Wikipedia edition the tools search.
        top_k: how many pages each search returns.
        **kwargs: passed to `ConversableAgent` (name, llm_config, ...).
    """

    DEFAULT_SYSTEM_MESSAGE = (
        "You are a knowledgeable AI assistant with access to Wikipedia.\n"
        "Use your tools when necessary. Respond to user queries by providing accurate and concise information.\n"
        "If a question requires external data, utilize the appropriate tool to retrieve it."
    )

    def __init__(
        self,
        system_message: str | list[str] | None = None,
        format_instructions: str | None = None,
        language: str = "en",
        top_k: int = 2,
        **kwargs: Any,
    ) -> None:
        system_message = system_message or self.DEFAULT_SYSTEM_MESSAGE
        if format_instructions is not None:
            instructions = f"\n\nFollow this format:\n\n{format_instructions}"
            if isinstance(system_message, list):
                system_message.append(instructions)
            elif isinstance(system_message, str):
                system_message = system_message + instructions
            else:
                raise ValueError(f"system_message must be str or list[str], got {type(system_message).__name__}")
        self._query_run_tool = WikipediaQueryRunTool(language=language, top_k=top_k)
        self._page_load_tool = WikipediaPageLoadTool(language=language, top_k=top_k)
        super().__init__(system_message=system_message, **kwargs)
        self.register_for_llm()(self._query_run_tool)
        self.register_for_llm()(self._page_load_tool)
