"""The instrumentation entry points of `autogen.opentelemetry`."""

from .agent import instrument_agent
from .llm_wrapper import instrument_llm_wrapper, uninstrument_llm_wrapper
from .pattern import instrument_groupchat, instrument_pattern

__all__ = [
    "instrument_agent",
    "instrument_groupchat",
    "instrument_llm_wrapper",
    "instrument_pattern",
    "uninstrument_llm_wrapper",
]
