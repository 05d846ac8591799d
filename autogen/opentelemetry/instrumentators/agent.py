"""`instrument_agent`: every span one agent can produce."""

from __future__ import annotations

from functools import partial
from typing import Any

from ..setup import get_tracer
from .agent_instrumentators import (
    instrument_code_execution,
    instrument_create_or_get_executor,
    instrument_execute_function,
    instrument_generate_oai_reply,
    instrument_generate_reply,
    instrument_human_input,
    instrument_initiate_chat,
    instrument_initiate_chats,
    instrument_remote_reply,
    instrument_resume,
    instrument_run_chat,
)

__all__ = ["instrument_agent"]


def instrument_agent(agent: Any, *, tracer_provider: Any, capture_messages: bool = False) -> Any:
    """Trace ``agent`` with OpenTelemetry (GenAI semantic conventions); returns the same agent.

    Its chats become ``conversation {agent}`` spans (``initiate_chat``, ``initiate_chats``, a
    manager's ``run_chat`` / ``resume``), each reply an ``invoke_agent {agent}`` span, each
    function or tool call it runs an ``execute_tool {function}`` span, code it runs an
    ``execute_code {agent}`` span and each wait for a human an ``await_human_input {agent}`` span;
    LLM calls (see `instrument_llm_wrapper`) nest under the reply that makes them. A group chat
    manager brings its group chat (speaker selection spans) and the group's agents along.

    Only the instance is changed (its methods are wrapped in place; instrumenting twice does
    nothing more): agents that are not instrumented pay nothing. Message contents (inputs and
    outputs of conversations and replies, a human's answers) are recorded only with
    ``capture_messages=True``; tool arguments and results always are.

    Example::

        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from autogen.opentelemetry import instrument_agent, instrument_llm_wrapper

        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint="http://127.0.0.1:4318/v1/traces")))
        instrument_llm_wrapper(tracer_provider=provider)
        instrument_agent(assistant, tracer_provider=provider)
        instrument_agent(user_proxy, tracer_provider=provider)
    """
    tracer = get_tracer(tracer_provider)
    instrument_initiate_chats(agent, tracer=tracer)
    instrument_generate_reply(agent, tracer=tracer, capture_messages=capture_messages)
    instrument_generate_oai_reply(agent, tracer=tracer)
    instrument_initiate_chat(agent, tracer=tracer, capture_messages=capture_messages)
    instrument_resume(agent, tracer=tracer)
    instrument_run_chat(agent, tracer=tracer, capture_messages=capture_messages)
    instrument_remote_reply(agent, tracer=tracer)
    instrument_execute_function(agent, tracer=tracer)
    instrument_create_or_get_executor(
        agent,
        instrumentator=partial(instrument_agent, tracer_provider=tracer_provider, capture_messages=capture_messages),
    )
    instrument_human_input(agent, tracer=tracer, capture_messages=capture_messages)
    instrument_code_execution(agent, tracer=tracer)
    _instrument_managed_group(agent, tracer_provider, capture_messages)
    return agent


def _instrument_managed_group(agent: Any, tracer_provider: Any, capture_messages: bool) -> None:
    """For a GroupChatManager: its group chat(s) and the group's agents."""
    from ...agentchat.groupchat import GroupChat, GroupChatManager

    if not isinstance(agent, GroupChatManager):
        return
    from .pattern import instrument_groupchat

    groupchats = [agent.groupchat] if isinstance(getattr(agent, "groupchat", None), GroupChat) else []
    for entry in getattr(agent, "_reply_func_list", []):
        config = entry.get("config")
        if isinstance(config, GroupChat) and all(config is not g for g in groupchats):
            groupchats.append(config)
    for groupchat in groupchats:
        instrument_groupchat(groupchat, tracer_provider=tracer_provider, capture_messages=capture_messages)
        for member in groupchat.agents:
            if member is not agent:
                instrument_agent(member, tracer_provider=tracer_provider, capture_messages=capture_messages)
