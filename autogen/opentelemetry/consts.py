"""Names shared by the tracing instrumentation: span types and the instrumentation scope."""

from __future__ import annotations

from enum import Enum

from ..version import __version__

__all__ = ["INSTRUMENTING_LIBRARY_VERSION", "INSTRUMENTING_MODULE_NAME", "OTEL_SCHEMA", "SpanType"]


class SpanType(str, Enum):
    """The kind of AG2 step a span stands for (attribute ``ag2.span.type``)."""

    CONVERSATION = "conversation"  # initiate_chat / a_initiate_chat / run_chat / resume
    MULTI_CONVERSATION = "multi_conversation"  # initiate_chats (sequential or with prerequisites)
    AGENT = "agent"  # generate_reply: invoke_agent
    LLM = "llm"  # one OpenAIWrapper.create call: chat
    TOOL = "tool"  # execute_function: execute_tool
    HANDOFF = "handoff"  # reserved
    SPEAKER_SELECTION = "speaker_selection"  # group chat "auto" speaker selection
    HUMAN_INPUT = "human_input"  # get_human_input: await_human_input
    CODE_EXECUTION = "code_execution"  # the code executor's reply: execute_code


#: Schema URL of the tracer's instrumentation scope.
OTEL_SCHEMA = "https://opentelemetry.io/schemas/1.11.0"
#: Name of the instrumentation scope every AG2 span carries.
INSTRUMENTING_MODULE_NAME = "opentelemetry.instrumentation.ag2"
#: Version of the instrumentation scope (the installed AG2 version).
INSTRUMENTING_LIBRARY_VERSION = __version__
