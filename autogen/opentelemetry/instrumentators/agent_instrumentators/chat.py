"""Conversation spans: ``initiate_chat`` / ``a_initiate_chat``, a group chat manager's ``run_chat``
and ``resume``, and ``initiate_chats`` (several chats in one span)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Tracer

from .... import runtime_logging
from ...consts import SpanType
from ...utils import (
    agent_attributes,
    aggregate_usage,
    get_model_name,
    get_provider_name,
    is_wrapped,
    messages_to_otel,
    to_json,
    traced_call,
)

__all__ = ["instrument_initiate_chat", "instrument_initiate_chats", "instrument_resume", "instrument_run_chat"]

_CONVERSATION = SpanType.CONVERSATION.value

# Why the innermost traced chat of this context ended: [(code, reason)] once noted (first one wins).
_ENDING: contextvars.ContextVar[list[tuple[str, str | None]] | None] = contextvars.ContextVar(
    "ag2_otel_chat_ending", default=None
)


def _note_ending(code: str, reason: str | None) -> None:
    """A ``runtime_logging.TERMINATION_OBSERVERS`` entry: keep the first reason of the current chat."""
    slot = _ENDING.get()
    if slot is not None and not slot:
        slot.append((code, reason))


def _record_ending(slot: list[tuple[str, str | None]]) -> None:
    """Put the chat's end on its conversation span (the current span inside `traced_call`)."""
    if slot:
        code, reason = slot[0]
        span = trace.get_current_span()
        span.set_attribute("ag2.termination.code", code)
        if reason:
            span.set_attribute("ag2.termination.reason", reason)


def _noting_ending(old: Callable[..., Any], is_async: bool) -> Callable[..., Any]:
    """``old`` (a chat) run with its own termination slot; the reason lands on the current span."""
    if _note_ending not in runtime_logging.TERMINATION_OBSERVERS:
        runtime_logging.TERMINATION_OBSERVERS.append(_note_ending)
    if is_async:

        async def chat_async(*args: Any, **kwargs: Any) -> Any:
            slot: list[tuple[str, str | None]] = []
            token = _ENDING.set(slot)
            try:
                return await old(*args, **kwargs)
            finally:
                _ENDING.reset(token)
                _record_ending(slot)

        return chat_async

    def chat(*args: Any, **kwargs: Any) -> Any:
        slot: list[tuple[str, str | None]] = []
        token = _ENDING.set(slot)
        try:
            return old(*args, **kwargs)
        finally:
            _ENDING.reset(token)
            _record_ending(slot)

    return chat


def _first_message(message: Any) -> dict[str, Any] | None:
    if isinstance(message, str):
        return {"role": "user", "content": message}
    if isinstance(message, dict):
        return {"role": "user", **message}
    return None  # a callable or None (asks the human): not known yet


def _record_chat_result(span: Any, result: Any, capture_messages: bool) -> None:
    """The attributes a finished two-agent chat (a ChatResult) gives its conversation span."""
    chat_id = getattr(result, "chat_id", None)
    if chat_id is not None:
        span.set_attribute("gen_ai.conversation.id", str(chat_id))
    history = getattr(result, "chat_history", None) or []
    span.set_attribute("gen_ai.conversation.turns", len(history))
    if capture_messages and history:
        span.set_attribute("gen_ai.output.messages", to_json(messages_to_otel(history)))
    cost = getattr(result, "cost", None)
    usage = cost.get("usage_including_cached_inference") if isinstance(cost, dict) else None
    if not isinstance(usage, dict):
        return
    by_model = {k: v for k, v in usage.items() if k != "total_cost" and isinstance(v, dict)}
    span.set_attribute("gen_ai.usage.cost", float(usage.get("total_cost", 0) or 0))
    totals = aggregate_usage(by_model)
    if totals is not None:
        models, input_tokens, output_tokens = totals
        span.set_attribute("gen_ai.response.model", models)
        span.set_attribute("gen_ai.usage.input_tokens", input_tokens)
        span.set_attribute("gen_ai.usage.output_tokens", output_tokens)


def instrument_initiate_chat(agent: Any, *, tracer: Tracer, capture_messages: bool = False) -> Any:
    """Make ``agent``'s chats (``initiate_chat`` / ``a_initiate_chat``) ``conversation {agent}`` spans."""

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        attrs = agent_attributes(_CONVERSATION, "conversation", agent.name)
        recipient = args[0] if args else kwargs.get("recipient")
        if recipient is not None:
            provider = get_provider_name(recipient)
            if provider:
                attrs["gen_ai.provider.name"] = provider
            model = get_model_name(recipient)
            if model:
                attrs["gen_ai.request.model"] = model
        max_turns = kwargs.get("max_turns")
        if max_turns:
            attrs["gen_ai.conversation.max_turns"] = max_turns
        if capture_messages:
            first = _first_message(kwargs.get("message"))
            if first is not None:
                attrs["gen_ai.input.messages"] = to_json(messages_to_otel([first]))
        return attrs

    def finish(span: Any, result: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        _record_chat_result(span, result, capture_messages)

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return f"conversation {agent.name}"

    for method, is_async in (("a_initiate_chat", True), ("initiate_chat", False)):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            chat = _noting_ending(old, is_async)
            wrapper = traced_call(tracer, chat, is_async=is_async, name=name, attributes=attributes, finish=finish)
            setattr(agent, method, wrapper)
    return agent


def instrument_resume(agent: Any, *, tracer: Tracer) -> Any:
    """Make a group chat manager's ``resume`` / ``a_resume`` conversation spans marked as resumed."""

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        attrs = agent_attributes(_CONVERSATION, "conversation", agent.name)
        attrs["gen_ai.conversation.resumed"] = True
        return attrs

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return f"conversation {agent.name}"

    for method, is_async in (("a_resume", True), ("resume", False)):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            setattr(agent, method, traced_call(tracer, old, is_async=is_async, name=name, attributes=attributes))
    return agent


def instrument_run_chat(agent: Any, *, tracer: Tracer, capture_messages: bool = False) -> Any:
    """Make direct calls of a group chat manager's ``run_chat`` / ``a_run_chat`` conversation spans.

    (A chat with the manager runs its group chat as a reply step; that shows as the manager's
    ``invoke_agent`` span.)"""

    def split(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
        messages = args[0] if args else kwargs.get("messages")
        config = args[2] if len(args) > 2 else kwargs.get("config")
        return messages, config

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        attrs = agent_attributes(_CONVERSATION, "conversation", agent.name)
        messages, _ = split(args, kwargs)
        if capture_messages and messages:
            attrs["gen_ai.input.messages"] = to_json(messages_to_otel(messages))
        return attrs

    def finish(span: Any, result: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        _, config = split(args, kwargs)
        transcript = getattr(config, "messages", None) if config is not None else None
        if capture_messages and transcript:
            span.set_attribute("gen_ai.output.messages", to_json(messages_to_otel(list(transcript))))

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return f"conversation {agent.name}"

    for method, is_async in (("a_run_chat", True), ("run_chat", False)):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            chat = _noting_ending(old, is_async)
            wrapper = traced_call(tracer, chat, is_async=is_async, name=name, attributes=attributes, finish=finish)
            setattr(agent, method, wrapper)
    return agent


def _recipient_names(chat_queue: list[dict[str, Any]]) -> str:
    names = []
    for chat in chat_queue:
        recipient = chat.get("recipient")
        names.append(recipient.name if hasattr(recipient, "name") else str(recipient))
    return to_json(names)


def instrument_initiate_chats(agent: Any, *, tracer: Tracer) -> Any:
    """Make ``initiate_chats`` (sequential) and ``a_initiate_chats`` (with prerequisites) one span
    around their chats, with the recipients, chat ids and summaries."""

    def attributes_for(mode: str) -> Any:
        def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
            queue = list(args[0] if args else kwargs.get("chat_queue", []))
            attrs = agent_attributes(SpanType.MULTI_CONVERSATION.value, "initiate_chats", agent.name)
            attrs["ag2.chats.count"] = len(queue)
            attrs["ag2.chats.mode"] = mode
            attrs["ag2.chats.recipients"] = _recipient_names(queue)
            if any("prerequisites" in chat for chat in queue):
                prerequisites = {
                    str(chat.get("chat_id", i)): chat.get("prerequisites", []) for i, chat in enumerate(queue)
                }
                attrs["ag2.chats.prerequisites"] = to_json(prerequisites)
            return attrs

        return attributes

    def finish(span: Any, results: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        values = list(results.values()) if isinstance(results, dict) else list(results or [])
        span.set_attribute("ag2.chats.ids", to_json([str(r.chat_id) for r in values if hasattr(r, "chat_id")]))
        span.set_attribute("ag2.chats.summaries", to_json([r.summary for r in values if hasattr(r, "summary")]))

    for method, is_async, span_name, mode in (
        ("initiate_chats", False, "agent.initiate_chats", "sequential"),
        ("a_initiate_chats", True, "initiate_chats", "parallel"),
    ):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            wrapper = traced_call(
                tracer,
                old,
                is_async=is_async,
                name=lambda args, kwargs, span_name=span_name: span_name,
                attributes=attributes_for(mode),
                finish=finish,
            )
            setattr(agent, method, wrapper)
    return agent
