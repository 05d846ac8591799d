"""`UserProxyAgent`: stands in for the human; asks them for input and runs the code it receives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from .conversable_agent import ConversableAgent

__all__ = ["UserProxyAgent"]


class UserProxyAgent(ConversableAgent):
    """A `ConversableAgent` that asks the human every turn and executes code blocks by default."""

    DEFAULT_USER_PROXY_AGENT_DESCRIPTIONS = {
        "ALWAYS": "An attentive human user who can answer questions about the task, and run Python and "
        "Linux shell code and report back the results.",
        "TERMINATE": "A user who can run Python code or Linux shell commands and report back the results.",
        "NEVER": "A computer terminal that runs only Python scripts (given in ```python blocks) or shell "
        "scripts (given in ```sh blocks) and reports what they print.",
    }

    def __init__(
        self,
        name: str,
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: Literal["ALWAYS", "TERMINATE", "NEVER"] = "ALWAYS",
        function_map: dict[str, Callable[..., Any]] | None = None,
        code_execution_config: dict[str, Any] | Literal[False] = {},
        default_auto_reply: str | dict[str, Any] = "",
        llm_config: Any = False,
        system_message: str | list | None = "",
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            name=name,
            system_message=system_message,
            is_termination_msg=is_termination_msg,
            max_consecutive_auto_reply=max_consecutive_auto_reply,
            human_input_mode=human_input_mode,
            function_map=function_map,
            code_execution_config=code_execution_config,
            llm_config=llm_config,
            default_auto_reply=default_auto_reply,
            description=(
                description if description is not None else self.DEFAULT_USER_PROXY_AGENT_DESCRIPTIONS[human_input_mode]
            ),
            **kwargs,
        )
