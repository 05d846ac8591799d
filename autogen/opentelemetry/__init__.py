"""OpenTelemetry tracing of agents, chats and LLM calls, after the GenAI semantic conventions
(https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-agent-spans/).

Needs the ``tracing`` extra (``pip install "ag2[tracing]"``): the OpenTelemetry SDK and OTLP
exporters. Nothing here is imported by ``import autogen``, and agents that are not instrumented
pay nothing::

    from autogen.opentelemetry import instrument_agent, instrument_llm_wrapper

    instrument_llm_wrapper(tracer_provider=provider)  # chat {model} spans for every LLM call
    instrument_agent(assistant, tracer_provider=provider)  # conversation / invoke_agent / execute_tool
"""

from ..import_utils import optional_import

optional_import("opentelemetry.sdk.trace", "tracing", feature="autogen.opentelemetry")

from .instrumentators import (
    instrument_a2a_server,
    instrument_agent,
    instrument_groupchat,
    instrument_llm_wrapper,
    instrument_pattern,
    uninstrument_llm_wrapper,
)

__all__ = [
    "instrument_a2a_server",
    "instrument_agent",
    "instrument_groupchat",
    "instrument_llm_wrapper",
    "instrument_pattern",
    "uninstrument_llm_wrapper",
]
