"""``await_human_input`` spans: the time an agent waits for a human's answer."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import Tracer

from ...consts import SpanType
from ...utils import agent_attributes, is_wrapped, traced_call

__all__ = ["instrument_human_input"]


def instrument_human_input(agent: Any, *, tracer: Tracer, capture_messages: bool = False) -> Any:
    """Make ``get_human_input`` / ``a_get_human_input`` of ``agent`` ``await_human_input {agent}``
    spans with the prompt; the human's answer is recorded only when ``capture_messages``."""

    def attributes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        attrs = agent_attributes(SpanType.HUMAN_INPUT.value, "await_human_input", agent.name)
        prompt = args[0] if args else kwargs.get("prompt")
        if prompt is not None:
            attrs["ag2.human_input.prompt"] = str(prompt)
        return attrs

    def finish(span: Any, answer: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if capture_messages and answer is not None:
            span.set_attribute("ag2.human_input.response", str(answer))

    def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        return f"await_human_input {agent.name}"

    for method, is_async in (("a_get_human_input", True), ("get_human_input", False)):
        old = getattr(agent, method, None)
        if old is not None and not is_wrapped(old):
            wrapper = traced_call(tracer, old, is_async=is_async, name=name, attributes=attributes, finish=finish)
            setattr(agent, method, wrapper)
    return agent
