"""The instrumentation entry points of `autogen.opentelemetry`."""

from .a2a import instrument_a2a_server
from .agent import instrument_agent
from .llm_wrapper import instrument_llm_wrapper, uninstrument_llm_wrapper
from .pattern import instrument_groupchat, instrument_pattern

__all__ = [
    "instrument_a2a_server",
    "instrument_agent",
    "instrument_groupchat",
    "instrument_llm_wrapper",
    "instrument_pattern",
    "uninstrument_llm_wrapper",
]
