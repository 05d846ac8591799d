"""Renaming of operations whose generated names are too long for a tool (over 64 characters), by an LLM.

The model proposes a snake_case name from the operation's summary and arguments; a proposal that
is too long, not snake_case or already taken is answered with the reason, and the model tries again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from .codegen import Operation

__all__ = ["SYSTEM_MESSAGE", "get_new_function_name", "renaming_visitor", "validate_function_name"]

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 64
MAX_ATTEMPTS = 5

SYSTEM_MESSAGE = (
    "You name Python functions. From the summary of an HTTP API operation, its current name and its "
    "arguments, propose one clear, descriptive function name.\n"
    "- Reply with the name only.\n"
    f"- Use snake_case and at most {MAX_NAME_LENGTH - 1} characters.\n"
    "- Do not reuse any of the names you are told are taken.\n"
)


def validate_function_name(name: str, taken_names: list[str]) -> str:
    """``"exit"`` when ``name`` is acceptable, else what is wrong with it (told to the model)."""
    if len(name) > MAX_NAME_LENGTH:
        return "Function name is too long. Please provide a shorter name."
    if not name.islower() or " " in name or not name.isidentifier():
        return "Function name must be in snake_case."
    if name in taken_names:
        return f"Function name is already taken. Please provide a different name. Taken names: {', '.join(taken_names)}"
    return "exit"


def get_new_function_name(operation: Operation, taken_names: list[str], llm_config: Any = None) -> str:
    """Ask the LLM of ``llm_config`` (default: the current `LLMConfig`) for a new name of ``operation``."""
    from ...agentchat.conversable_agent import ConversableAgent

    agent = ConversableAgent(
        name="helpful_agent", system_message=SYSTEM_MESSAGE, llm_config=llm_config, human_input_mode="NEVER"
    )
    messages: list[dict[str, Any]] = [
        {
            "role": "user",
            "content": (
                "How would you name this function?\n"
                f"Info:\n- old function name: {operation.function_name}\n"
                f"- function summary: {operation.summary or operation.description or ''}\n"
                f"- function arguments: {operation.arguments}\n"
            ),
        }
    ]
    for _ in range(MAX_ATTEMPTS):
        reply = agent.generate_reply(messages=messages)
        text = reply.get("content") if isinstance(reply, dict) else reply
        proposed = re.sub(r"^[`'\"\s]+|[`'\"\s.]+$", "", str(text or ""))
        verdict = validate_function_name(proposed, taken_names) if proposed else "Please provide a function name."
        if verdict == "exit":
            logger.warning("Renamed operation '%s' to '%s'.", operation.function_name, proposed)
            return proposed
        messages += [{"role": "assistant", "content": str(text)}, {"role": "user", "content": verdict}]
    raise ValueError(f"The LLM proposed no valid name for operation '{operation.function_name}'.")


def renaming_visitor(llm_config: Any = None) -> Callable[[list[Operation]], None]:
    """A code-generation visitor renaming the operations whose names are longer than 64 characters."""

    def visit(operations: list[Operation]) -> None:
        taken = [op.function_name for op in operations if len(op.function_name) <= MAX_NAME_LENGTH]
        for op in sorted(operations, key=lambda op: op.path):
            if len(op.function_name) > MAX_NAME_LENGTH:
                op.function_name = get_new_function_name(op, taken, llm_config)
                taken.append(op.function_name)

    return visit
