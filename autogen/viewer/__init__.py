"""See what a run did: a local web page over a runtime log, an OTLP trace file or a ChatResult.

From a shell::

    python -m autogen.viewer logs.db            # serve the page on 127.0.0.1 (a free port, printed)
    python -m autogen.viewer logs.db --export run.html   # one self-contained HTML file to share

In a notebook::

    from autogen.viewer import show
    show("logs.db")          # or show(chat_result)

The page lists the runs of the log (one per chat of a runtime log); for a run it shows how it
ended and the conversation's timeline (messages, tool calls and their outcome, code executions,
speaker selections, handoffs, guardrails, failed LLM attempts with their retry or fallback,
nested chats, termination) and, for every LLM call, the exact request (messages, tools,
parameters), the reply, tokens, cost and latency, with totals per agent and per model. Everything is served from this machine: the page
loads nothing from the network. Only the standard library is imported.
"""

from __future__ import annotations

from typing import Any

from .load import detect_kind, load
from .page import export_html, notebook_html
from .server import ViewerServer

__all__ = ["ViewerServer", "detect_kind", "export", "load", "serve", "show"]


def serve(source: Any, host: str = "127.0.0.1", port: int = 0) -> ViewerServer:
    """Start serving ``source`` (a log path, ChatResult or messages) from a background thread.

    Stop it with ``.stop()`` (or use it as a context manager); ``.url`` is the page's address.
    """
    return ViewerServer(load(source), host=host, port=port).start()


def export(source: Any, path: str) -> str:
    """Write ``source``'s page, data embedded, to ``path`` (one file that opens anywhere); returns ``path``."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(export_html(load(source)))
    return path


def show(source: Any, height: int = 640) -> Any:
    """The viewer inline in a notebook: an ``IPython.display.HTML`` with the data embedded.

    ``source`` is a log path (runtime-log SQLite or JSON lines, OTLP/JSON traces), a ChatResult
    (its chat_history and cost; it holds no LLM requests) or a list of messages. Make it the last
    expression of a cell, or pass it to ``display()``.
    """
    markup = notebook_html(load(source), height=height)
    try:
        from IPython.display import HTML
    except ImportError:
        return _Html(markup)
    return HTML(markup)


class _Html:
    """Rich-display markup for front ends other than IPython (anything that calls ``_repr_html_``)."""

    def __init__(self, data: str) -> None:
        self.data = data

    def _repr_html_(self) -> str:
        return self.data
