"""Chat results and sequential chats (`initiate_chats`, `a_initiate_chats`)."""

from __future__ import annotations

import asyncio
import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any, TypedDict

from ..io.base import IOStream
from .utils import consolidate_chat_info

__all__ = ["ChatResult", "CostDict", "initiate_chats", "a_initiate_chats"]


class CostDict(TypedDict):
    """`ChatResult.cost`: usage per model (and ``total_cost``), with and without cache hits."""

    usage_including_cached_inference: dict[str, Any]
    usage_excluding_cached_inference: dict[str, Any]


@dataclass
class ChatResult:
    """What a chat produced."""

    chat_id: int = field(default_factory=lambda: uuid.uuid4().int)
    """Identifier of the chat (the given chat_id for async sequential chats)."""
    chat_history: list[dict[str, Any]] = field(default_factory=list)
    """The messages of the chat (the initiator's live history list)."""
    summary: str = ""
    """The chat summary (see summary_method)."""
    cost: CostDict = field(
        default_factory=lambda: {"usage_including_cached_inference": {}, "usage_excluding_cached_inference": {}}
    )
    """Usage and cost, including and excluding cache hits."""
    human_input: list[str] = field(default_factory=list)
    """Everything the human typed during the chat."""


def _post_process_carryover_item(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and "content" in item:
        return str(item["content"])
    return str(item)


def _validate_recipients(chat_queue: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    for chat in chat_queue:
        if "recipient" not in chat or "sender" not in chat:
            raise AssertionError("Each chat in the queue needs a 'sender' and a 'recipient'.")
        rid = id(chat["recipient"])
        if rid in seen:
            warnings.warn(
                "Repetitive recipients detected: the chat history will be cleared by default. "
                "Set clear_history=False in the chat's settings to keep it.",
                UserWarning,
                stacklevel=3,
            )
        seen.add(rid)


def _add_carryover(chat_info: dict[str, Any], summaries: list[str]) -> None:
    """Append earlier chats' summaries to the chat's own carryover (str or list), in place."""
    carryover = chat_info.get("carryover", [])
    carryover = [carryover] if isinstance(carryover, str) else list(carryover)
    carryover.extend(summaries)
    chat_info["carryover"] = carryover


def _emit_carryover(chat_info: dict[str, Any]) -> None:
    if chat_info.get("silent"):
        return
    from ..events.agent_events import PostCarryoverProcessingEvent

    IOStream.get_default().send(PostCarryoverProcessingEvent(chat_info=chat_info))


def _chat_kwargs(chat_info: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(chat_info)
    kwargs.pop("sender", None)
    kwargs.pop("finished_chat_indexes_to_exclude_from_carryover", None)
    kwargs.pop("chat_id", None)
    kwargs.pop("prerequisites", None)
    return kwargs


def initiate_chats(chat_queue: list[dict[str, Any]]) -> list[ChatResult]:
    """Run chats one after another; each gets the summaries of all earlier ones as carryover."""
    consolidate_chat_info(chat_queue)
    _validate_recipients(chat_queue)
    finished: list[ChatResult] = []
    for chat_info in chat_queue:
        excluded = set(chat_info.get("finished_chat_indexes_to_exclude_from_carryover", []))
        _add_carryover(chat_info, [r.summary for i, r in enumerate(finished) if i not in excluded])
        if "message" not in chat_info:
            warnings.warn("A chat in the queue has no 'message'; the human will be asked for one.", UserWarning, stacklevel=2)
        _emit_carryover(chat_info)
        sender = chat_info["sender"]
        finished.append(sender.initiate_chat(**_chat_kwargs(chat_info)))
    return finished


async def a_initiate_chats(chat_queue: list[dict[str, Any]]) -> dict[int, ChatResult]:
    """Run chats as tasks in dependency order (``prerequisites`` lists chat_ids that must finish first);
    each gets the summaries of its prerequisites as carryover."""
    consolidate_chat_info(chat_queue)
    _validate_recipients(chat_queue)
    by_id: dict[Any, dict[str, Any]] = {}
    for chat in chat_queue:
        chat_id = chat.get("chat_id")
        if chat_id is None or chat_id in by_id:
            raise ValueError("Every chat in an async queue needs a unique 'chat_id'.")
        by_id[chat_id] = chat
    for chat in chat_queue:
        for pre in chat.get("prerequisites", []):
            if pre not in by_id:
                raise ValueError(f"Chat {chat['chat_id']!r} lists unknown prerequisite {pre!r}.")
    _check_no_cycle(by_id)
    tasks: dict[Any, asyncio.Task[ChatResult]] = {}

    async def run(chat_id: Any) -> ChatResult:
        chat = by_id[chat_id]
        prereq_results = [await tasks[p] for p in chat.get("prerequisites", [])]
        _add_carryover(chat, [r.summary for r in prereq_results])
        _emit_carryover(chat)
        result = await chat["sender"].a_initiate_chat(**_chat_kwargs(chat))
        result.chat_id = chat_id
        return result

    for chat_id in by_id:
        tasks[chat_id] = asyncio.ensure_future(run(chat_id))
    await asyncio.gather(*tasks.values())
    return {cid: t.result() for cid, t in tasks.items()}


def _check_no_cycle(by_id: dict[Any, dict[str, Any]]) -> None:
    state: dict[Any, int] = {}

    def visit(node: Any) -> None:
        if state.get(node) == 1:
            raise ValueError(f"The chat prerequisites form a cycle through chat {node!r}.")
        if state.get(node) == 2:
            return
        state[node] = 1
        for pre in by_id[node].get("prerequisites", []):
            visit(pre)
        state[node] = 2

    for node in by_id:
        visit(node)
