"""Tracing of an A2A server: requests carrying a W3C ``traceparent`` continue the caller's trace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opentelemetry.trace import SpanKind

from ..setup import get_tracer
from ..utils import TRACE_PROPAGATOR
from .agent import instrument_agent

if TYPE_CHECKING:
    from ...a2a import A2aAgentServer

__all__ = ["instrument_a2a_server"]


def instrument_a2a_server(
    server: A2aAgentServer, *, tracer_provider: Any, capture_messages: bool = False
) -> A2aAgentServer:
    """Trace ``server``: its agent is instrumented (`instrument_agent`), and each HTTP request that
    carries trace context (an instrumented `A2aRemoteAgent` sends it) runs in an ``a2a-execution``
    server span joined to the caller's trace, so the remote agent's spans appear under the
    caller's ``invoke_agent`` span. Call it before ``build()``; calling it twice does nothing more.
    """
    if getattr(server, "__otel_instrumented__", False):
        return server
    tracer = get_tracer(tracer_provider)

    class TraceContextMiddleware:
        """Pure ASGI middleware (the span covers the whole streamed response)."""

        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope.get("type") != "http":
                await self.app(scope, receive, send)
                return
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or ()}
            if "traceparent" not in headers:
                await self.app(scope, receive, send)
                return
            parent = TRACE_PROPAGATOR.extract(headers)
            attributes = {"http.request.method": scope.get("method", ""), "url.path": scope.get("path", "")}
            with tracer.start_as_current_span(
                "a2a-execution", context=parent, kind=SpanKind.SERVER, attributes=attributes
            ):
                await self.app(scope, receive, send)

    server.add_middleware(TraceContextMiddleware)
    server.agent = instrument_agent(server.agent, tracer_provider=tracer_provider, capture_messages=capture_messages)
    server.__otel_instrumented__ = True  # type: ignore[attr-defined]
    return server
