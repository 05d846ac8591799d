"""Experimental prebuilt agents, each loaded on first use so that optional packages stay optional."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .a2ui import A2UIAgent
    from .deep_research import DeepResearchAgent
    from .discord import DiscordAgent
    from .document_agent import DocAgent, DoclingDocIngestAgent, InMemoryQueryEngine, VectorChromaQueryEngine
    from .reasoning import ReasoningAgent, ThinkNode
    from .slack import SlackAgent
    from .telegram import TelegramAgent
    from .websurfer import WebSurferAgent
    from .wikipedia import WikipediaAgent

_WHERE = {
    "A2UIAgent": "a2ui",
    "ReasoningAgent": "reasoning",
    "ThinkNode": "reasoning",
    "DeepResearchAgent": "deep_research",
    "DiscordAgent": "discord",
    "SlackAgent": "slack",
    "TelegramAgent": "telegram",
    "DocAgent": "document_agent",
    "DoclingDocIngestAgent": "document_agent",
    "InMemoryQueryEngine": "document_agent",
    "VectorChromaQueryEngine": "document_agent",
    "WebSurferAgent": "websurfer",
    "WikipediaAgent": "wikipedia",
}

__all__ = [
    "A2UIAgent",
    "DeepResearchAgent",
    "DiscordAgent",
    "DocAgent",
    "DoclingDocIngestAgent",
    "InMemoryQueryEngine",
    "ReasoningAgent",
    "SlackAgent",
    "TelegramAgent",
    "ThinkNode",
    "VectorChromaQueryEngine",
    "WebSurferAgent",
    "WikipediaAgent",
]


def __getattr__(name: str) -> Any:
    sub = _WHERE.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{sub}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
