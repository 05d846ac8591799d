"""Running pattern group chats: `initiate_group_chat` and its async, background and stepped forms,
plus `resume_group_chat` to continue a chat from a saved `GroupChatState`.

Sync and async entry points drive one flow (see ``autogen/_effects.py``), so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ... import runtime_logging
from ..._effects import Call, Flow, run_async, run_sync
from ..chat import ChatResult
from ..conversable.chats import chat_flow
from ..utils import gather_usage_summary
from .group_runtime import TEMP_USER_NAME, GroupRuntime

if TYPE_CHECKING:
    from ..agent import Agent
    from .context_variables import ContextVariables
    from .patterns.pattern import Pattern
    from .state import GroupChatState

__all__ = [
    "a_initiate_group_chat",
    "a_resume_group_chat",
    "a_run_group_chat",
    "a_run_group_chat_iter",
    "initiate_group_chat",
    "resume_group_chat",
    "run_group_chat",
    "run_group_chat_iter",
]

GroupChatOutcome = tuple[ChatResult, "ContextVariables", "Agent | None"]


def _with_safeguards(rt: GroupRuntime, policy: Any, safeguard_llm_config: Any, mask_llm_config: Any) -> GroupRuntime:
    """Remember the run's safeguard policy (installed when the run starts, removed when it ends).
    As in the original, the LLM configs alone, without a policy, do nothing."""
    if policy:
        rt.safeguard_settings = (policy, safeguard_llm_config, mask_llm_config)
    return rt


def _named_messages(messages: list[dict[str, Any]], default_name: str) -> list[dict[str, Any]]:
    """Copies of ``messages`` for `GroupChatManager.resume`: a message without an author (and not a
    tool call or result) is attributed to the chat's initiator rather than to the manager."""
    out = []
    for message in messages:
        message = dict(message)
        if "name" not in message and not message.get("tool_calls") and message.get("role") not in ("tool", "function"):
            message["name"] = default_name
        out.append(message)
    return out


def _group_chat_flow(rt: GroupRuntime, state: GroupChatState | None) -> Flow[GroupChatOutcome]:
    manager = rt.manager
    if state is not None:
        rt.restore(state)
        messages = state.messages
        rt.groupchat.max_round = max(1, state.max_rounds - (len(messages) - 1))
    else:
        messages = rt.messages
    logged = (
        runtime_logging.begin_chat(
            "pattern",
            rt.initiator,
            manager,
            participants=[*rt.agents, *([rt.user_agent] if rt.user_agent is not None else [])],
            groupchat=rt.groupchat,
            awaiting=manager,
            info={"pattern": type(rt.pattern).__name__, "max_rounds": rt.max_rounds, "resumed": state is not None},
        )
        if runtime_logging.is_logging
        else None
    )
    try:
        rt.install_safeguards()
        rt.start()
        if len(messages) > 1:
            last_agent, last_message = yield Call(
                manager.resume, manager.a_resume, messages=_named_messages(messages, rt.initiator.name), silent=True
            )
            clear_history = False
        else:
            last_agent, last_message, clear_history = rt.initiator, messages[0], True
        result = yield from chat_flow(
            last_agent,
            manager,
            message=last_message,
            clear_history=clear_history,
            summary_method=rt.pattern.summary_method,
        )
        if rt.on_turn is not None:
            rt.on_turn(rt.state())
    except BaseException as e:
        if logged is not None:
            runtime_logging.end_chat(logged, e)
            logged = None
        raise
    finally:
        rt.finish()
    if logged is not None:
        runtime_logging.end_chat(logged)
    history = rt.initiator.chat_messages[manager]
    if rt.temp_user is not None:
        # The temporary "_User" is an implementation detail: its name is not part of the history.
        history = [{k: v for k, v in m.items() if k != "name"} if m.get("name") == TEMP_USER_NAME else m for m in history]
    chat_result = ChatResult(
        chat_id=result.chat_id,
        chat_history=history,
        summary=result.summary,
        cost=gather_usage_summary([*rt.groupchat.agents, manager]),
        human_input=list(result.human_input),
    )
    return chat_result, rt.context_variables, manager.last_speaker


def _runtime(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int,
    on_turn: Callable[[GroupChatState], None] | None,
) -> GroupRuntime:
    return pattern.prepare_group_chat(max_rounds=max_rounds, messages=messages, on_turn=on_turn)


def initiate_group_chat(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int = 20,
    safeguard_policy: Any = None,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
    *,
    on_turn: Callable[[GroupChatState], None] | None = None,
) -> GroupChatOutcome:
    """Run a pattern group chat to its end.

    Args:
        pattern: the agents and their orchestration (e.g. `DefaultPattern`, `AutoPattern`).
        messages: the opening message (str), or a list of messages to continue from.
        max_rounds: most messages in the chat, the opening one included.
        safeguard_policy: a safeguard policy (dict or JSON file path) applied to the group's agents for
            this run (see `autogen.agentchat.group.safeguards`).
        safeguard_llm_config: the LLM answering the policy's ``check_method: "llm"`` rules.
        mask_llm_config: an LLM that masks sensitive content for ``mask`` actions without a regex.
        on_turn: called with a `GroupChatState` after every message (and once at the end), e.g.
            ``GroupChatState.file_saver("chat.json")``; `resume_group_chat` continues from one.

    Returns:
        (chat result, the shared context variables, the agent that spoke last).
    """
    rt = _with_safeguards(
        _runtime(pattern, messages, max_rounds, on_turn), safeguard_policy, safeguard_llm_config, mask_llm_config
    )
    return run_sync(_group_chat_flow(rt, None))


async def a_initiate_group_chat(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int = 20,
    safeguard_policy: Any = None,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
    *,
    on_turn: Callable[[GroupChatState], None] | None = None,
) -> GroupChatOutcome:
    """Async twin of `initiate_group_chat`."""
    rt = _with_safeguards(
        _runtime(pattern, messages, max_rounds, on_turn), safeguard_policy, safeguard_llm_config, mask_llm_config
    )
    return await run_async(_group_chat_flow(rt, None))


def _resume_runtime(
    pattern: Pattern, state: GroupChatState | str | dict[str, Any], max_rounds: int | None, on_turn: Any
) -> tuple[GroupRuntime, GroupChatState]:
    from .state import GroupChatState

    if isinstance(state, str):
        state = GroupChatState.from_json(state)
    elif isinstance(state, dict):
        state = GroupChatState.from_dict(state)
    if not isinstance(state, GroupChatState) or not state.messages:
        raise ValueError("resume_group_chat needs a GroupChatState (or its JSON) with at least one message.")
    if max_rounds is not None:
        state.max_rounds = max_rounds
    rt = _runtime(pattern, state.messages, state.max_rounds, on_turn)
    if state.initiator and rt.initiator.name != state.initiator:
        found = next((a for a in rt.groupchat.agents if a.name == state.initiator), None)
        if found is not None:
            rt.initiator = found  # type: ignore[assignment]
    return rt, state


def resume_group_chat(
    pattern: Pattern,
    state: GroupChatState | str | dict[str, Any],
    max_rounds: int | None = None,
    *,
    on_turn: Callable[[GroupChatState], None] | None = None,
) -> GroupChatOutcome:
    """Continue a pattern chat from a state saved by an ``on_turn`` callback (possibly in another
    process). Build ``pattern`` as the original run did (same agents, tools and handoffs); the chat
    goes on as if it had never stopped. ``max_rounds`` overrides the saved total budget."""
    rt, loaded = _resume_runtime(pattern, state, max_rounds, on_turn)
    return run_sync(_group_chat_flow(rt, loaded))


async def a_resume_group_chat(
    pattern: Pattern,
    state: GroupChatState | str | dict[str, Any],
    max_rounds: int | None = None,
    *,
    on_turn: Callable[[GroupChatState], None] | None = None,
) -> GroupChatOutcome:
    """Async twin of `resume_group_chat`."""
    rt, loaded = _resume_runtime(pattern, state, max_rounds, on_turn)
    return await run_async(_group_chat_flow(rt, loaded))


def _completion(rt: GroupRuntime, outcome: GroupChatOutcome) -> dict[str, Any]:
    result, context_variables, last_speaker = outcome
    return {
        "summary": result.summary,
        "history": result.chat_history,
        "cost": result.cost,
        "last_speaker": last_speaker,
        "context_variables": context_variables,
    }


def _all_agents(rt: GroupRuntime) -> list[Any]:
    return [*rt.groupchat.agents, rt.manager]


def run_group_chat(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int = 20,
    safeguard_policy: Any = None,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
    *,
    on_turn: Callable[[GroupChatState], None] | None = None,
) -> Any:
    """Run the chat in a background thread; returns a `RunResponse` (iterate ``events`` or call
    ``process()``; results, including ``context_variables``, are set when the run completes)."""
    from ...io.run_response import RunResponse

    rt = _with_safeguards(
        _runtime(pattern, messages, max_rounds, on_turn), safeguard_policy, safeguard_llm_config, mask_llm_config
    )
    return RunResponse.start(lambda: _completion(rt, run_sync(_group_chat_flow(rt, None))), agents=_all_agents(rt))


async def a_run_group_chat(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int = 20,
    safeguard_policy: Any = None,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
    *,
    on_turn: Callable[[GroupChatState], None] | None = None,
) -> Any:
    """Async twin of `run_group_chat`: the chat runs as an asyncio task; returns an `AsyncRunResponse`."""
    from ...io.run_response import AsyncRunResponse

    rt = _with_safeguards(
        _runtime(pattern, messages, max_rounds, on_turn), safeguard_policy, safeguard_llm_config, mask_llm_config
    )

    async def work() -> dict[str, Any]:
        return _completion(rt, await run_async(_group_chat_flow(rt, None)))

    return AsyncRunResponse.start(work, agents=_all_agents(rt))


def run_group_chat_iter(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int = 20,
    safeguard_policy: Any = None,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
    yield_on: Sequence[type] | None = None,
) -> Any:
    """Stepped `run_group_chat`: the chat advances only as you iterate (optionally only pausing on
    the event types in ``yield_on``)."""
    from ...io.run_response import RunIterResponse

    rt = _with_safeguards(
        _runtime(pattern, messages, max_rounds, None), safeguard_policy, safeguard_llm_config, mask_llm_config
    )
    return RunIterResponse(
        lambda: _completion(rt, run_sync(_group_chat_flow(rt, None))), agents=_all_agents(rt), yield_on=yield_on
    )


def a_run_group_chat_iter(
    pattern: Pattern,
    messages: list[dict[str, Any]] | str,
    max_rounds: int = 20,
    safeguard_policy: Any = None,
    safeguard_llm_config: Any = None,
    mask_llm_config: Any = None,
    yield_on: Sequence[type] | None = None,
) -> Any:
    """`run_group_chat_iter` consumed with ``async for``."""
    from ...io.run_response import AsyncRunIterResponse

    rt = _with_safeguards(
        _runtime(pattern, messages, max_rounds, None), safeguard_policy, safeguard_llm_config, mask_llm_config
    )
    return AsyncRunIterResponse(
        lambda: _completion(rt, run_sync(_group_chat_flow(rt, None))), agents=_all_agents(rt), yield_on=yield_on
    )
