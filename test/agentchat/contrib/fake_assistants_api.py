"""A small fake of the OpenAI Assistants API (v2) on 127.0.0.1 for GPTAssistantAgent tests.

It keeps assistants, threads, messages and runs in memory and answers the routes the openai SDK's
``client.beta`` uses. Each run takes the next scripted outcome: a string (the assistant's text answer) or
``{"tool_calls": [(name, arguments_dict), ...]}`` (the run stops in ``requires_action``; the tool outputs
submitted are recorded and the run then takes the next outcome). Requests the real API refuses (a thread
message with a role other than user/assistant, empty content, outputs for unknown tool calls) get its 400.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):06d}"


class FakeAssistantsAPI:
    """Serve the Assistants API from a script of run outcomes; ``base_url`` points the SDK here."""

    def __init__(self, outcomes: list[Any] | None = None, model: str = "gpt-4o") -> None:
        self.outcomes = list(outcomes or [])
        self.model = model
        self.assistants: dict[str, dict[str, Any]] = {}
        self.threads: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.runs: dict[str, dict[str, Any]] = {}
        self.submitted: list[list[dict[str, Any]]] = []
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.deleted_threads: list[str] = []
        self._clock = itertools.count(1_700_000_000)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- lifecycle ----
    def __enter__(self) -> FakeAssistantsAPI:  # noqa: PYI034 - typing.Self needs Python 3.11
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                url = urlparse(self.path)
                with api._lock:
                    api.requests.append((method, url.path, body))
                    status, payload = api.handle(method, url.path, body, parse_qs(url.query))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def config_list(self) -> list[dict[str, Any]]:
        return [{"model": self.model, "api_key": "sk-fake", "base_url": self.base_url}]

    # ---- routing ----
    @staticmethod
    def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
        return status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}

    def handle(self, method: str, path: str, body: dict[str, Any], query: dict[str, list[str]]) -> tuple[int, Any]:
        parts = [p for p in path.split("/") if p][1:]  # drop "v1"
        if parts[:1] == ["assistants"]:
            return self._assistants(method, parts[1:], body)
        if parts[:1] == ["threads"]:
            return self._threads(method, parts[1:], body, query)
        if parts[:1] == ["files"] and len(parts) == 2:
            return 200, {
                "id": parts[1],
                "object": "file",
                "filename": f"{parts[1]}.txt",
                "bytes": 1,
                "created_at": 0,
                "purpose": "assistants",
                "status": "processed",
            }
        return self._error(404, f"Unknown route {method} {path}")

    def _assistants(self, method: str, rest: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        if not rest:
            if method == "GET":
                data = sorted(self.assistants.values(), key=lambda a: -a["created_at"])
                return 200, {"object": "list", "data": data, "first_id": None, "last_id": None, "has_more": False}
            if "model" not in body:
                return self._error(400, "Missing required parameter: 'model'.")
            assistant = {
                "id": _id("asst"),
                "object": "assistant",
                "created_at": next(self._clock),
                "name": body.get("name"),
                "description": body.get("description"),
                "model": body["model"],
                "instructions": body.get("instructions"),
                "tools": body.get("tools", []),
                "tool_resources": body.get("tool_resources"),
                "metadata": {},
            }
            self.assistants[assistant["id"]] = assistant
            return 200, assistant
        assistant = self.assistants.get(rest[0])
        if assistant is None:
            return self._error(404, f"No assistant found with id '{rest[0]}'.")
        if method == "GET":
            return 200, assistant
        if method == "DELETE":
            del self.assistants[rest[0]]
            return 200, {"id": rest[0], "object": "assistant.deleted", "deleted": True}
        assistant.update({k: v for k, v in body.items() if k in ("instructions", "tools", "tool_resources", "name")})
        return 200, assistant

    def _threads(
        self, method: str, rest: list[str], body: dict[str, Any], query: dict[str, list[str]]
    ) -> tuple[int, Any]:
        if not rest:
            thread = {
                "id": _id("thread"),
                "object": "thread",
                "created_at": next(self._clock),
                "metadata": {},
                "tool_resources": None,
            }
            self.threads[thread["id"]] = thread
            self.messages[thread["id"]] = []
            for message in body.get("messages", []):
                self._add_message(thread["id"], message)
            return 200, thread
        thread_id = rest[0]
        if thread_id not in self.threads:
            return self._error(404, f"No thread found with id '{thread_id}'.")
        if len(rest) == 1:
            if method == "DELETE":
                del self.threads[thread_id]
                self.deleted_threads.append(thread_id)
                return 200, {"id": thread_id, "object": "thread.deleted", "deleted": True}
            return 200, self.threads[thread_id]
        if rest[1] == "messages":
            if method == "POST":
                return self._add_message(thread_id, body)
            data = list(self.messages[thread_id])
            if query.get("order", ["desc"])[0] == "desc":
                data.reverse()
            return 200, {"object": "list", "data": data, "first_id": None, "last_id": None, "has_more": False}
        if rest[1] == "runs":
            return self._runs(method, thread_id, rest[2:], body)
        return self._error(404, "Unknown thread route")

    def _add_message(self, thread_id: str, body: dict[str, Any], run_id: str | None = None) -> tuple[int, Any]:
        role = body.get("role")
        if role not in ("user", "assistant"):
            return self._error(400, f"Invalid value: '{role}'. Supported values are: 'user' and 'assistant'.")
        content = body.get("content")
        if not content:
            return self._error(400, "Message content must be non-empty.")
        message = {
            "id": _id("msg"),
            "object": "thread.message",
            "created_at": next(self._clock),
            "thread_id": thread_id,
            "role": role,
            "run_id": run_id,
            "assistant_id": None,
            "attachments": [],
            "metadata": {},
            "status": "completed",
            "content": [{"type": "text", "text": {"value": content, "annotations": body.get("annotations", [])}}],
        }
        self.messages[thread_id].append(message)
        return 200, message

    def _advance(self, run: dict[str, Any]) -> None:
        """Give the run its next scripted outcome."""
        outcome = self.outcomes.pop(0) if self.outcomes else "(no scripted outcome left)"
        if isinstance(outcome, dict) and "tool_calls" in outcome:
            calls = [
                {"id": _id("call"), "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
                for name, args in outcome["tool_calls"]
            ]
            run["status"] = "requires_action"
            run["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
            return
        if isinstance(outcome, dict) and "status" in outcome:
            run.update(outcome)
            return
        text, annotations = (outcome, []) if isinstance(outcome, str) else (outcome["text"], outcome["annotations"])
        self._add_message(
            run["thread_id"], {"role": "assistant", "content": text, "annotations": annotations}, run["id"]
        )
        run["status"] = "completed"
        run["required_action"] = None

    def _runs(self, method: str, thread_id: str, rest: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        if not rest:
            if body.get("assistant_id") not in self.assistants:
                return self._error(404, f"No assistant found with id '{body.get('assistant_id')}'.")
            run = {
                "id": _id("run"),
                "object": "thread.run",
                "created_at": next(self._clock),
                "thread_id": thread_id,
                "assistant_id": body["assistant_id"],
                "status": "queued",
                "instructions": body.get("instructions"),
                "model": self.model,
                "tools": [],
                "required_action": None,
                "metadata": {},
                "parallel_tool_calls": True,
            }
            self.runs[run["id"]] = run
            return 200, dict(run)
        run = self.runs.get(rest[0])
        if run is None or run["thread_id"] != thread_id:
            return self._error(404, f"No run found with id '{rest[0]}'.")
        if len(rest) == 1:
            if run["status"] == "queued":
                self._advance(run)
            return 200, dict(run)
        if rest[1] == "submit_tool_outputs":
            if run["status"] != "requires_action":
                return self._error(400, f'Runs in status "{run["status"]}" do not accept tool outputs.')
            wanted = {c["id"] for c in run["required_action"]["submit_tool_outputs"]["tool_calls"]}
            got = {o.get("tool_call_id") for o in body.get("tool_outputs", [])}
            if wanted != got:
                return self._error(400, f"Expected tool outputs for call_ids {sorted(wanted)}, got {sorted(got)}")
            self.submitted.append(body["tool_outputs"])
            run["status"] = "queued"
            run["required_action"] = None
            return 200, dict(run)
        return self._error(404, "Unknown run route")
