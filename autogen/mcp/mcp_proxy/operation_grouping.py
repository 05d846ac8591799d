"""Grouping of operations by an LLM: it proposes groups for batches of operations, merges them into
one list, then assigns each operation to one or more groups (they become its tags, so each group
gets its own ``mcp_config_<group>.json``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .codegen import Operation

__all__ = [
    "Group",
    "GroupNames",
    "GroupSuggestions",
    "assign_operation_to_group",
    "discover_groups",
    "grouping_visitor",
    "set_llm_config",
]

logger = logging.getLogger(__name__)

_module_llm_config: Any = None


def set_llm_config(config: Any) -> None:
    """The LLM configuration grouping uses when none is passed (as in ag2)."""
    global _module_llm_config
    _module_llm_config = config


class Group(BaseModel):
    """A group of operations: a snake_case name and what it holds."""

    name: str
    description: str


class GroupSuggestions(BaseModel):
    """The groups the model proposes for a batch of operations."""

    groups: list[Group]


class GroupNames(BaseModel):
    """The groups the model puts one operation in."""

    groups: list[str]


GROUP_DISCOVERY_MESSAGE = (
    "You organise the functions of an HTTP API client into groups. Look at each function of the batch "
    "you are shown and propose meaningful groups within it, named after what the functions act on "
    "(for example 'board_operations' or 'user_management'); the batch need not form a single group, "
    "and generic groups such as 'misc' or 'utils' are not wanted. Group names are short snake_case; "
    'each has a one or two sentence description. Reply with JSON: {"groups": [{"name": ..., "description": ...}]}.'
)

GROUP_REFINING_MESSAGE = (
    "You are given groups of API functions, possibly overlapping. Merge duplicates so that each group is "
    'distinct, and reply with one JSON object mapping each group name to its description: {"name": "description"}.'
)

GROUP_ASSIGNMENT_MESSAGE = (
    "You put an API function into groups. From its summary and arguments choose the most suitable of the "
    "available groups (one or more; never none). "
    'Reply with JSON: {"groups": ["group_name", ...]}.'
)


def chunk_list(items: list[Any], size: int) -> list[list[Any]]:
    """``items`` in consecutive batches of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _config(llm_config: Any, response_format: type[BaseModel] | None) -> Any:
    from ...llm_config import LLMConfig

    config = llm_config if llm_config is not None else _module_llm_config
    config = LLMConfig.get_current_llm_config(config)
    if config is None:
        raise ValueError("No LLM configuration for operation grouping: pass llm_config or use an LLMConfig context.")
    if isinstance(config, dict) and "config_list" in config:
        rest = {k: v for k, v in config.items() if k != "config_list"}
        config = LLMConfig(*config["config_list"], **rest)
    elif not isinstance(config, LLMConfig):
        config = LLMConfig(config)
    config = config.copy()
    if response_format is not None:
        for entry in config.config_list:
            entry.response_format = response_format
    return config


def _ask(system_message: str, message: str, llm_config: Any, response_format: type[BaseModel] | None) -> str:
    from ...agentchat.conversable_agent import ConversableAgent

    agent = ConversableAgent(
        "group_agent",
        system_message=system_message,
        llm_config=_config(llm_config, response_format),
        human_input_mode="NEVER",
    )
    reply = agent.generate_reply(messages=[{"role": "user", "content": message}])
    text = reply.get("content") if isinstance(reply, dict) else reply
    return str(text or "").strip().removeprefix("```json").removeprefix("```").removesuffix("```").strip()


def _describe(op: Operation) -> str:
    return f"- {op.function_name}: {op.summary or op.description or ''} (args: {op.arguments})"


def discover_groups(operations: list[Operation], chunk_size: int = 30, llm_config: Any = None) -> dict[str, str]:
    """Group names with their descriptions, proposed batch by batch, then merged."""
    groups: dict[str, str] = {}
    for chunk in chunk_list(operations, chunk_size):
        message = "Here are some functions:\n" + "\n".join(_describe(op) for op in chunk)
        answer = GroupSuggestions.model_validate_json(
            _ask(GROUP_DISCOVERY_MESSAGE, message, llm_config, GroupSuggestions)
        )
        groups.update({g.name: g.description for g in answer.groups})
    logger.info("Discovered groups: %s", groups)
    message = "Here are the groups:\n" + "\n".join(f"- {name}: {desc}" for name, desc in groups.items())
    refined = json.loads(_ask(GROUP_REFINING_MESSAGE, message, llm_config, None))
    return {str(k): str(v) for k, v in refined.items()}


def assign_operation_to_group(operation: Operation, groups: dict[str, str], llm_config: Any = None) -> list[str]:
    """The groups ``operation`` belongs to (only names among ``groups`` are kept)."""
    message = (
        f"Function summary:\n{operation.summary or operation.description or operation.function_name}\n\n"
        f"Arguments: {operation.arguments}\n\nAvailable groups: {json.dumps(groups)}\n\n"
        "What group should this function go in?"
    )
    answer = GroupNames.model_validate_json(_ask(GROUP_ASSIGNMENT_MESSAGE, message, llm_config, GroupNames))
    return [g for g in answer.groups if g in groups]


def grouping_visitor(llm_config: Any = None) -> Callable[[list[Operation]], None]:
    """A code-generation visitor that replaces the operations' tags with LLM-chosen groups."""

    def visit(operations: list[Operation]) -> None:
        ordered = sorted(operations, key=lambda op: op.path)
        groups = discover_groups(ordered, llm_config=llm_config)
        for op in ordered:
            op.tags = assign_operation_to_group(op, groups, llm_config)

    return visit
