"""`instrument_pattern` and `instrument_groupchat`: pattern and classic group chats."""

from __future__ import annotations

from typing import Any

from opentelemetry import trace

from ... import runtime_logging
from ...agentchat.groupchat import GroupChat
from ..consts import SpanType
from ..setup import get_tracer
from ..utils import agent_attributes, is_wrapped, mark_wrapped, to_json, traced_call
from .agent import instrument_agent

__all__ = ["instrument_groupchat", "instrument_pattern"]

# Positions in the 13 values prepare_group_chat returns (a tuple, or this library's GroupRuntime).
_USER_AGENT, _GROUPCHAT, _MANAGER, _LAST_AGENT, _TEMP_USERS = 2, 7, 8, 10, 12


def instrument_pattern(pattern: Any, *, tracer_provider: Any, capture_messages: bool = False) -> Any:
    """Trace every group chat run with ``pattern`` (``initiate_group_chat``, ``run_group_chat`` and
    their async twins); returns the same pattern.

    Each run's agents (the group tool executor and the user agent included), its manager and its
    group chat are instrumented as the run is prepared (`instrument_agent`, `instrument_groupchat`),
    so the chat is one ``conversation`` span with the agents' ``invoke_agent`` spans, their tool
    calls, LLM calls and the speaker selections under it."""
    old = pattern.prepare_group_chat
    if is_wrapped(old):
        return pattern

    def prepare_group_chat_traced(*args: Any, **kwargs: Any) -> Any:
        prepared = old(*args, **kwargs)
        groupchat, manager = prepared[_GROUPCHAT], prepared[_MANAGER]
        members = list(groupchat.agents)
        for agent in members:
            instrument_agent(agent, tracer_provider=tracer_provider, capture_messages=capture_messages)
        extra = [prepared[_USER_AGENT], prepared[_LAST_AGENT], *(prepared[_TEMP_USERS] or [])]
        seen = [*members]
        for agent in extra:
            if agent is not None and all(agent is not m for m in seen):
                seen.append(agent)
                instrument_agent(agent, tracer_provider=tracer_provider, capture_messages=capture_messages)
        instrument_agent(manager, tracer_provider=tracer_provider, capture_messages=capture_messages)
        instrument_groupchat(groupchat, tracer_provider=tracer_provider, capture_messages=capture_messages)
        # A manager may hold its group chat as a reply-function config (a copy in the original).
        for entry in getattr(manager, "_reply_func_list", None) or []:
            config = entry.get("config") if isinstance(entry, dict) else None
            if isinstance(config, GroupChat) and config is not groupchat:
                instrument_groupchat(config, tracer_provider=tracer_provider, capture_messages=capture_messages)
        return prepared

    pattern.prepare_group_chat = mark_wrapped(prepare_group_chat_traced)
    return pattern


def instrument_groupchat(groupchat: Any, *, tracer_provider: Any, capture_messages: bool = False) -> Any:
    """Trace the "auto" speaker selections of ``groupchat``: each is a ``speaker_selection`` span
    (candidates, the agent selected) with the selecting agents' LLM calls under it; returns the
    same group chat. (Instrumenting a `GroupChatManager` with `instrument_agent` does this too.)"""
    tracer = get_tracer(tracer_provider)

    def instrument_pair(pair: Any) -> Any:
        first, second = pair
        instrument_agent(first, tracer_provider=tracer_provider, capture_messages=capture_messages)
        instrument_agent(second, tracer_provider=tracer_provider, capture_messages=capture_messages)
        return first, second

    # ag2's internal pair for a selection run as a two-agent chat (checking agent, selecting agent).
    old_create = getattr(groupchat, "_create_internal_agents", None)
    if old_create is not None and not is_wrapped(old_create):

        def create_internal_agents_traced(
            agents: Any, max_attempts: Any, messages: Any, validate_speaker_name: Any, selector: Any = None
        ) -> Any:
            return instrument_pair(old_create(agents, max_attempts, messages, validate_speaker_name, selector))

        groupchat._create_internal_agents = mark_wrapped(create_internal_agents_traced)

    # This library's selection reuses one (selecting agent, checking agent) pair per LLM config.
    old_new_pair = getattr(type(groupchat), "_new_selection_agents", None) and groupchat._new_selection_agents
    if old_new_pair and not is_wrapped(old_new_pair):

        def new_selection_agents_traced(config: Any) -> Any:
            return instrument_pair(old_new_pair(config))

        groupchat._new_selection_agents = mark_wrapped(new_selection_agents_traced)
        cached = getattr(groupchat, "_selection_agents_cache", None)
        if cached is not None:
            instrument_pair(cached[1:])

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return "speaker_selection"

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        attrs = agent_attributes(SpanType.SPEAKER_SELECTION.value, "speaker_selection", None)
        candidates = args[3] if len(args) > 3 else kwargs.get("agents")
        if candidates is None:
            candidates = groupchat.agents
        attrs["ag2.speaker_selection.candidates"] = to_json([a.name for a in candidates])
        return attrs

    def finish(span: Any, chosen: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        chosen_name = getattr(chosen, "name", None)
        if chosen_name is not None:
            span.set_attribute("ag2.speaker_selection.selected", chosen_name)

    for method, is_async in (("a_auto_select_speaker", True), ("_auto_select_speaker", False)):
        old = getattr(groupchat, method, None)
        if old is not None and not is_wrapped(old):
            wrapper = traced_call(
                tracer, _positional(old), is_async=is_async, name=name, attributes=attributes, finish=finish
            )
            setattr(groupchat, method, wrapper)
    if _record_selection not in runtime_logging.SELECTION_OBSERVERS:
        runtime_logging.SELECTION_OBSERVERS.append(_record_selection)
    return groupchat


#: The span event of a speaker selection that has no span of its own: round robin, random, manual,
#: custom functions, a single candidate, and a pattern's transitions (handoffs, after-work, terminate).
SELECTION_EVENT = "ag2.speaker_selection"


def _record_selection(selection: dict[str, Any]) -> None:
    """A ``runtime_logging.SELECTION_OBSERVERS`` entry: the selection as an event of the current span
    (the manager's reply). Selections the LLM made are left out: their ``speaker_selection`` span
    (with the LLM calls under it) already shows them."""
    if selection.get("attempts"):
        return
    span = trace.get_current_span()
    if not span.is_recording():
        return
    record = dict(selection)
    details = record.get("details")
    if isinstance(details, dict) and "llm" in details:  # the model's words: message content, not recorded
        record["details"] = {k: v for k, v in details.items() if k != "llm"}
    attributes: dict[str, Any] = {"ag2.speaker_selection.record": to_json(record)}
    for key, attribute in (("method", "method"), ("chosen", "selected"), ("reason", "reason"), ("round", "round")):
        value = record.get(key)
        if value is not None:
            attributes[f"ag2.speaker_selection.{attribute}"] = value
    span.add_event(SELECTION_EVENT, attributes)


def _positional(select: Any) -> Any:
    """``select`` called as ``select(last_speaker, selector, messages, agents)``, however it was called."""

    def call(last_speaker: Any, selector: Any, messages: Any = None, agents: Any = None) -> Any:
        return select(last_speaker, selector, messages, agents)

    return call
