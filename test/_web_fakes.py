"""Local stand-ins for the web services of the search tools, served over real HTTP(S) on 127.0.0.1.

- `FakeMediaWiki`: the MediaWiki API (``action=query`` with ``list=search``, ``prop=info``,
  ``prop=extracts``) over a few pages, as Wikipedia answers it.
- `FakeSearchProxy`: an HTTPS proxy (``CONNECT``) that answers for the search engine itself with a
  certificate of a local test CA; ``duckduckgo_search`` reaches it through ``DDGS_PROXY`` and trusts
  the CA through ``PRIMP_CA_BUNDLE``. It answers ``GET https://www.bing.com/search`` in Bing's result
  page format, which is where duckduckgo_search 8.1 sends text searches (its DuckDuckGo html/lite
  backends are switched off in that release).
- `FakeJsonApi`: a JSON web API whose routes a test defines (Tavily, SearxNG, TinyFish, Firecrawl, the Google
  APIs), recording every call.
"""

from __future__ import annotations

import atexit
import functools
import html
import json
import shutil
import socketserver
import ssl
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ["ApiCall", "FakeJsonApi", "FakeMediaWiki", "FakeSearchProxy", "SearchHit"]

TIMESTAMP = "2024-05-01T12:00:00Z"


def _words(text: str) -> set[str]:
    return {w.strip(".,:;!?()").lower() for w in text.split()}


class FakeMediaWiki:
    """A MediaWiki ``api.php`` over ``pages`` (title -> wiki-format extract: summary, then ``== Section ==``
    blocks). Search ranks the pages by the query words in their title (counted twice) and text; no match, no hit.
    ``fail_with`` makes every request answer that HTTP status. ``requests`` holds each request's query."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = dict(pages)
        self.ids = {title: 100 + i for i, title in enumerate(self.pages)}
        self.requests: list[dict[str, str]] = []
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = {k: v[-1] for k, v in parse_qs(urlparse(self.path).query).items()}
                fake.requests.append({**query, "_user_agent": self.headers.get("User-Agent", "")})
                status, body = (fake.fail_with, {"error": "down"}) if fake.fail_with else (200, fake.answer(query))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/w/api.php"

    def answer(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("list") == "search":
            wanted = _words(query.get("srsearch", ""))
            scored = [
                (2 * len(wanted & _words(title)) + len(wanted & _words(text)), title)
                for title, text in self.pages.items()
            ]
            scored = sorted((s for s in scored if s[0]), key=lambda s: -s[0])
            hits = [
                {
                    "ns": 0,
                    "title": title,
                    "pageid": self.ids[title],
                    "size": len(self.pages[title]),
                    "wordcount": len(self.pages[title].split()),
                    "timestamp": TIMESTAMP,
                }
                for _, title in scored[: int(query.get("srlimit", "10"))]
            ]
            return {"batchcomplete": "", "query": {"searchinfo": {"totalhits": len(hits)}, "search": hits}}
        title = query.get("titles", "")
        if title not in self.pages:
            return {"batchcomplete": "", "query": {"pages": {"-1": {"ns": 0, "title": title, "missing": ""}}}}
        page: dict[str, Any] = {"pageid": self.ids[title], "ns": 0, "title": title}
        if query.get("prop") == "extracts":
            page["extract"] = self.pages[title]
        elif query.get("prop") == "info":
            page.update(contentmodel="wikitext", pagelanguage="en", length=len(self.pages[title]), touched=TIMESTAMP)
            page["fullurl"] = f"https://en.wikipedia.org/wiki/{title.replace(' ', '_')}"
        return {"batchcomplete": "", "query": {"pages": {str(self.ids[title]): page}}}

    def __enter__(self) -> FakeMediaWiki:  # noqa: PYI034 - typing.Self needs Python 3.11
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class SearchHit:
    """One result of the fake search engine."""

    title: str
    url: str
    snippet: str


@functools.lru_cache(maxsize=1)
def _certificates() -> tuple[Path, Path, Path]:
    """A test CA (ca.pem) and a server certificate for the search hosts signed by it (openssl CLI), made
    once per test process."""
    directory = Path(tempfile.mkdtemp(prefix="ag2-test-ca-"))
    atexit.register(shutil.rmtree, directory, True)
    hosts = FakeSearchProxy.HOSTS
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)

    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=ag2 test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")  # fmt: skip
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={hosts[0]}")
    (directory / "server.ext").write_text(
        f"subjectAltName={','.join('DNS:' + h for h in hosts)}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext")  # fmt: skip
    return directory / "ca.pem", directory / "server.pem", directory / "server.key"


def _bing_page(hits: list[SearchHit], query: str) -> str:
    if not hits:
        return f"<html><body><div>There are no results for <strong>{html.escape(query)}</strong></div></body></html>"
    items = "".join(
        f'<li class="b_algo"><h2><a href="{html.escape(h.url)}">{html.escape(h.title)}</a></h2>'
        f'<div class="b_caption"><p>{html.escape(h.snippet)}</p></div></li>'
        for h in hits
    )
    return f'<html><body><ol id="b_results">{items}</ol></body></html>'


@dataclass
class SeenRequest:
    """What the fake search engine received."""

    host: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str] = field(repr=False)
    """Lower-case names."""


class FakeSearchProxy:
    """The search engine behind an HTTPS proxy: set ``DDGS_PROXY=proxy_url`` and ``PRIMP_CA_BUNDLE=ca_file``.

    ``results`` are returned for every query (first page; later pages have none); ``fail_with`` makes the
    engine answer that HTTP status. ``seen`` records every request that reached the engine."""

    HOSTS = ("www.bing.com", "duckduckgo.com", "html.duckduckgo.com", "lite.duckduckgo.com")

    def __init__(self, results: list[SearchHit]) -> None:
        self.results = results
        self.fail_with: int | None = None
        self.seen: list[SeenRequest] = []
        self.ca_file, cert, key = _certificates()
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        tls.set_alpn_protocols(["http/1.1"])
        fake = self

        class Engine(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                host = self.headers.get("Host", "").split(":")[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake.seen.append(SeenRequest(host, self.command, url.path, query, headers))
                status = fake.fail_with or (200 if (host, url.path) == ("www.bing.com", "/search") else 404)
                page = query.get("first") in (None, "1")
                body = _bing_page(fake.results if page else [], query.get("q", "")).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        class Tunnel(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request_line = self.rfile.readline().decode("latin-1")
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                if not request_line.startswith("CONNECT "):
                    self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                    return
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                with tls.wrap_socket(self.connection, server_side=True) as conn:
                    Engine(conn, self.client_address, self.server)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Tunnel)

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeSearchProxy:  # noqa: PYI034 - typing.Self needs Python 3.11
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class ApiCall:
    """One request to a `FakeJsonApi`: method, path, query (last value of each name), headers, JSON body."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any = None


# A route's answer: (status, JSON-able body), or (status, bytes, content type) for other content.
Answer = tuple[int, Any] | tuple[int, bytes, str]


class FakeJsonApi:
    """An HTTP API on 127.0.0.1 answering ``routes``: ``{"POST /v1/scrape": handler, ...}``, each handler taking
    the `ApiCall` and giving an `Answer`; a route ending in ``/*`` matches any path under it. Unknown routes
    answer 404. ``calls`` records every request."""

    def __init__(self, routes: dict[str, Any]) -> None:
        self.routes = dict(routes)
        self.calls: list[ApiCall] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                call = ApiCall(self.command, url.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
                fake.calls.append(call)
                handler = fake.route(self.command, url.path)
                answer = handler(call) if handler else (404, {"error": f"no route {self.command} {url.path}"})
                if len(answer) == 3:
                    status, data, content_type = answer
                else:
                    status, data, content_type = answer[0], json.dumps(answer[1]).encode(), "application/json"
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    def route(self, method: str, path: str) -> Any:
        """The handler for ``method path``: the exact route, else the longest ``/*`` prefix route."""
        exact = self.routes.get(f"{method} {path}")
        if exact is not None:
            return exact
        prefixes = [r for r in self.routes if r.endswith("/*") and f"{method} {path}".startswith(r[:-1])]
        return self.routes[max(prefixes, key=len)] if prefixes else None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeJsonApi:  # noqa: PYI034 - typing.Self needs Python 3.11
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
