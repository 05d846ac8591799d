"""The viewer's local web server: the page and a small JSON API over a loaded log.

API (all GET, JSON):
    /api/log                                  the log's kind, source and run summaries
    /api/runs/<n>                             run n's summary (totals, agents, termination, counts)
    /api/runs/<n>/items?offset=&limit=&kinds=&q=   one page of run n's timeline (kinds: comma list)
    /api/runs/<n>/calls/<m>                   LLM call m of run n: the exact request, reply, usage
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .model import filter_items, page, run_summary
from .page import page_html

__all__ = ["ViewerServer"]

_MAX_CACHED_FILTERS = 32


class ViewerServer:
    """Serves ``log`` on ``host:port`` (port 0: a free one) from a background thread or the caller's."""

    def __init__(self, log: dict[str, Any], host: str = "127.0.0.1", port: int = 0) -> None:
        self.log = log
        self._summaries = [run_summary(r) for r in log["runs"]]
        self._filtered: OrderedDict[tuple[int, tuple[str, ...], str], list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self._page = page_html(f"AG2 run viewer - {log.get('source', '')}").encode("utf-8")
        viewer = self

        class Handler(_Handler):
            server_state = viewer

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The page's address."""
        host, port = self.httpd.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"

    def start(self) -> ViewerServer:
        """Serve from a daemon thread (returns at once; a server already started is left as it is)."""
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="ag2-viewer", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self.httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> ViewerServer:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def items(self, run: int, kinds: tuple[str, ...], query: str) -> list[dict[str, Any]]:
        """Run ``run``'s items filtered by kinds and text (recent filters are cached for paging)."""
        if not kinds and not query:
            return self.log["runs"][run]["items"]
        key = (run, kinds, query)
        with self._lock:
            if key in self._filtered:
                self._filtered.move_to_end(key)
                return self._filtered[key]
        found = filter_items(self.log["runs"][run]["items"], kinds, query)
        with self._lock:
            self._filtered[key] = found
            while len(self._filtered) > _MAX_CACHED_FILTERS:
                self._filtered.popitem(last=False)
        return found


class _Handler(BaseHTTPRequestHandler):
    server_state: ViewerServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are not printed."""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value: Any, status: int = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(value, default=str).encode("utf-8"), "application/json; charset=utf-8")

    def _not_found(self, what: str) -> None:
        self._json({"error": f"not found: {what}"}, HTTPStatus.NOT_FOUND)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        viewer = self.server_state
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if not parts or parts == ["index.html"]:
            self._send(HTTPStatus.OK, viewer._page, "text/html; charset=utf-8")
            return
        if parts[0] != "api":
            self._not_found(url.path)
            return
        if parts[1:] == ["log"]:
            log = viewer.log
            self._json({"kind": log.get("kind"), "source": log.get("source"), "runs": viewer._summaries})
            return
        if len(parts) < 3 or parts[1] != "runs" or not parts[2].isdigit() or int(parts[2]) >= len(viewer._summaries):
            self._not_found(url.path)
            return
        run = int(parts[2])
        rest = parts[3:]
        try:
            if not rest:
                self._json(viewer._summaries[run])
            elif rest == ["items"]:
                kinds = tuple(k for k in query.get("kinds", "").split(",") if k)
                found = viewer.items(run, kinds, query.get("q", ""))
                self._json(page(found, int(query.get("offset", 0) or 0), int(query.get("limit", 200) or 200)))
            elif len(rest) == 2 and rest[0] == "calls" and rest[1].isdigit():
                calls = viewer.log["runs"][run]["calls"]
                n = int(rest[1])
                if n >= len(calls):
                    self._not_found(url.path)
                else:
                    self._json(calls[n])
            else:
                self._not_found(url.path)
        except ValueError as e:
            self._json({"error": f"bad request: {e}"}, HTTPStatus.BAD_REQUEST)
