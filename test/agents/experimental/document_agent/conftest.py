"""Fixtures for the document agent tests: a real HTTP server on 127.0.0.1, document builders, and a scripted
LLM that answers each inner agent of DocAgent by its system message."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

_RETRIEVE_CONFTEST = Path(__file__).resolve().parents[3] / "retrieve" / "conftest.py"


def _retrieve_helpers() -> Any:
    # The PDF/DOCX writers live with the retrieval tests; load them from there rather than copy them.
    spec = importlib.util.spec_from_file_location("_retrieve_test_helpers", _RETRIEVE_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def doc_builders() -> dict[str, Callable[..., Path]]:
    """Functions that write real PDF and DOCX files: ``make(path, content)``."""
    helpers = _retrieve_helpers()
    return {"pdf": helpers.make_pdf, "docx": helpers.make_docx}


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder; ``/redirect/<path>`` answers 302 to ``/<path>``; ``/nohead/...`` refuses HEAD."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".md": "text/markdown",
    }

    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        if self.path.startswith("/nohead/"):
            self.send_error(405)
            return
        if self._redirected():
            return
        super().do_HEAD()

    def do_GET(self) -> None:
        if self.path.startswith("/nohead/"):
            self.path = self.path[len("/nohead") :]
        if self._redirected():
            return
        super().do_GET()

    def _redirected(self) -> bool:
        if not self.path.startswith("/redirect/"):
            return False
        self.send_response(302)
        self.send_header("Location", self.path[len("/redirect") :])
        self.send_header("Content-Length", "0")
        self.end_headers()
        return True


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a temp folder, with private hosts allowed: (base_url, folder)."""
    monkeypatch.setenv("AG2_ALLOW_PRIVATE_URLS", "1")
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------------------- a scripted DocAgent team

ROLES = {
    "document triage agent": "triage",
    "You are a task manager agent": "manager",
    "expert in parsing and understanding text": "ingest",
    "You are a query agent. You answer": "query",
    "You are a summary agent": "summary",
    "errors that occurred": "error",
    "query agent tasked with answering questions based on ingested documents": "inmemory",
}


def role_of(request: Any) -> str:
    """Which inner agent (or query engine) sent ``request``."""
    first = request.messages[0] if request.messages else {}
    system = first.get("content") or "" if first.get("role") == "system" else ""
    for marker, role in ROLES.items():
        if marker in system:
            return role
    last = request.messages[-1].get("content") or ""
    if "numbered sources below" in last:
        return "cite"
    if "passages from the ingested documents" in last:
        return "answer"
    return "unknown"


def tool_names(request: Any) -> list[str]:
    return [t["function"]["name"] for t in request.body.get("tools") or []]


class DocTeamScript:
    """Answers DocAgent's inner agents: the triage task is given; the rest follows the protocol.

    ``answer`` is what the query engine's LLM says; ``summary(request)`` writes the summary agent's reply.
    Every request is logged as (role, request).
    """

    def __init__(
        self,
        ingestions: list[str],
        queries: list[str],
        answer: str = "The answer.",
        summary: Callable[[Any], str] | None = None,
    ) -> None:
        self.ingestions = ingestions
        self.queries = queries
        self.answer = answer
        self.summary = summary or (lambda request: "Ingestions:\n1. done\n\nQueries:\nNo queries")
        self.log: list[tuple[str, Any]] = []

    def task(self) -> dict[str, Any]:
        return {
            "ingestions": [{"path_or_url": p} for p in self.ingestions],
            "queries": [{"query_type": "RAG_QUERY", "query": q} for q in self.queries],
        }

    def roles(self) -> list[str]:
        return [role for role, _ in self.log]

    def requests(self, role: str) -> list[Any]:
        return [request for r, request in self.log if r == role]

    def __call__(self, request: Any) -> Any:
        from autogen.testing import tool_call

        role = role_of(request)
        self.log.append((role, request))
        since_user = request.messages[[m["role"] for m in request.messages].index("user") :]
        called = any(m["role"] == "tool" for m in since_user)
        if role == "triage":
            return json.dumps(self.task())
        if role == "manager":
            if not called:
                return {"tool_calls": [tool_call("initiate_tasks", {"task_init_info": self.task()})]}
            transfer = [n for n in tool_names(request) if n.startswith("transfer_to_")]
            return {"tool_calls": [tool_call(transfer[0])]} if transfer else "Nothing left to do."
        if role == "ingest":
            return {"tool_calls": [tool_call("data_ingest_task")]}
        if role == "query":
            return {"tool_calls": [tool_call("execute_rag_query")]}
        if role in ("answer", "cite"):
            return self.answer
        if role == "summary":
            return self.summary(request)
        if role == "error":
            return "The following error(s) have occurred:\n- " + (request.messages[-1].get("content") or "")
        raise AssertionError(f"unexpected request from {role}: {request.messages}")


@pytest.fixture
def doc_team() -> type[DocTeamScript]:
    return DocTeamScript
