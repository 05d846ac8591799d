"""``invoke_agent`` spans for remote agents (an agent whose reply comes from another process), with
the trace context sent along in the request headers."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind, Tracer

from ...consts import SpanType
from ...utils import TRACE_PROPAGATOR, agent_attributes, is_wrapped, mark_wrapped

__all__ = ["instrument_remote_reply"]


def instrument_remote_reply(agent: Any, *, tracer: Tracer) -> Any:
    """Give the ``a_generate_remote_reply`` reply step of ``agent`` an ``invoke_agent {agent}`` span
    (``gen_ai.agent.remote``, ``server.address``) and make the HTTP clients it builds carry a
    ``traceparent`` header, so the remote side continues the trace."""
    if not hasattr(agent, "a_generate_remote_reply"):
        return agent
    entries = getattr(agent, "_reply_func_list", None) or []
    entry = next(
        (e for e in entries if getattr(e.get("reply_func"), "__name__", None) == "a_generate_remote_reply"), None
    )
    if entry is None or is_wrapped(entry["reply_func"]):
        return agent
    original = entry["reply_func"]
    make_client = getattr(agent, "_httpx_client_factory", None)
    if make_client is not None:

        def httpx_client_factory_traced() -> Any:
            client = make_client()
            TRACE_PROPAGATOR.inject(client.headers)
            return client

        agent._httpx_client_factory = httpx_client_factory_traced

    async def a_generate_remote_reply_traced(self_agent: Any, *args: Any, **kwargs: Any) -> Any:
        attributes = agent_attributes(SpanType.AGENT.value, "invoke_agent", self_agent.name)
        attributes["gen_ai.agent.remote"] = True
        url = getattr(self_agent, "url", None)
        if url:
            attributes["server.address"] = url
        with tracer.start_as_current_span(
            f"invoke_agent {self_agent.name}", kind=SpanKind.CLIENT, attributes=attributes
        ):
            return await original(self_agent, *args, **kwargs)

    entry["reply_func"] = mark_wrapped(a_generate_remote_reply_traced)
    return agent
