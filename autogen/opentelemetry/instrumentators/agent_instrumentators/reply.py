"""``invoke_agent`` spans: one per reply an agent generates (``generate_reply`` / ``a_generate_reply``)."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import Tracer

from ....agentchat.conversable.messaging import Messaging
from ....agentchat.conversable.stock import is_stock
from ...consts import SpanType
from ...utils import (
    agent_attributes,
    forwarder,
    is_wrapped,
    llm_attributes,
    mark_wrapped,
    messages_to_otel,
    reply_to_otel_message,
    to_json,
    traced_call,
    traced_flow,
)

__all__ = ["instrument_generate_oai_reply", "instrument_generate_reply"]

_REPLY_METHODS = ("generate_reply", "a_generate_reply")


def instrument_generate_reply(agent: Any, *, tracer: Tracer, capture_messages: bool = False) -> Any:
    """Make each reply of ``agent`` an ``invoke_agent {agent}`` span (provider and model of its LLM
    config; the messages replied to and the reply when ``capture_messages``).

    A reply step set on the instance is run by the chat loops as the agent's own code, so every
    reply in two-agent, nested, group and pattern chats goes through it."""

    def start(messages: Any) -> dict[str, Any]:
        attrs = llm_attributes(agent_attributes(SpanType.AGENT.value, "invoke_agent", agent.name), agent)
        if capture_messages and messages:
            attrs["gen_ai.input.messages"] = to_json(messages_to_otel(list(messages)))
        return attrs

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        return start(args[0] if args else kwargs.get("messages"))

    def record_reply(span: Any, reply: Any) -> None:
        if capture_messages and reply is not None:
            span.set_attribute("gen_ai.output.messages", to_json(reply_to_otel_message(reply)))

    def finish(span: Any, reply: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        record_reply(span, reply)

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return f"invoke_agent {agent.name}"

    if is_stock(agent, Messaging, _REPLY_METHODS) and "_generate_reply_flow" not in agent.__dict__:
        # The library's own reply pipeline: trace its flow on the instance, which the chat loops
        # enter directly, and put forwarders on the two methods (kept on that fast path, see
        # FLOW_PASSTHROUGH); direct calls of generate_reply reach the traced flow through them.
        stock_flow = agent._generate_reply_flow

        def traced_reply_flow(messages: Any, sender: Any, exclude: Any, **options: Any) -> Any:
            flow = stock_flow(messages, sender, exclude, **options)
            return traced_flow(tracer, f"invoke_agent {agent.name}", start(messages), flow, record_reply)

        agent._generate_reply_flow = mark_wrapped(traced_reply_flow)
        for method in _REPLY_METHODS:
            setattr(agent, method, forwarder(getattr(agent, method), is_async=method.startswith("a_")))
        return agent

    for method, is_async in (("a_generate_reply", True), ("generate_reply", False)):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            wrapper = traced_call(tracer, old, is_async=is_async, name=name, attributes=attributes, finish=finish)
            setattr(agent, method, wrapper)
    return agent


def instrument_generate_oai_reply(agent: Any, *, tracer: Tracer) -> Any:
    """Nothing to do here (kept for the original's API): the original moved async LLM replies to a
    worker thread and had to carry the trace context there; this library's async LLM reply runs on
    the event loop, and model clients it runs in a thread get the caller's context copied."""
    return agent
