"""`AssistantAgent`: an LLM-backed agent that solves tasks and writes code for others to run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from .conversable_agent import ConversableAgent

__all__ = ["AssistantAgent"]


class AssistantAgent(ConversableAgent):
    """A `ConversableAgent` with an LLM, no human input and no code execution by default."""

    DEFAULT_SYSTEM_MESSAGE = """You are a helpful AI assistant who solves tasks with language and coding skills.
When a task needs information gathered or work done by running code, write a complete script for the user to run: Python in a ```python block, or shell commands in a ```sh block. The user runs exactly what you write, so never ask them to change the code or to copy results back by hand, and put just one code block in each reply. If the code should be saved to a file before it runs, make its first line `# filename: <name>`. Use print() to show results.
Think through a plan first and say which steps use code and which use reasoning. Read the execution results you get back; if there is an error, send the full corrected code, and if it still fails, rethink your approach or gather more facts. Check your answer and show the evidence for it where you can.
When everything is done, reply with "TERMINATE" at the end."""

    DEFAULT_DESCRIPTION = (
        "A helpful and general-purpose AI assistant with strong language skills, Python skills and Linux "
        "command line skills."
    )

    def __init__(
        self,
        name: str,
        system_message: str | None = DEFAULT_SYSTEM_MESSAGE,
        llm_config: Any = None,
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "NEVER",
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            name,
            system_message,
            is_termination_msg,
            max_consecutive_auto_reply,
            human_input_mode,
            llm_config=llm_config,
            description=description,
            **kwargs,
        )
        if description is None and system_message == self.DEFAULT_SYSTEM_MESSAGE:
            self.description = self.DEFAULT_DESCRIPTION
