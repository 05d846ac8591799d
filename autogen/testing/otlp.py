"""`OTLPReceiver`: a small OpenTelemetry collector on 127.0.0.1 that keeps the spans it is sent.

It serves the OTLP trace export the way a real collector does, so tests (and users checking their
tracing setup) can point the SDK's own exporters at it and look at what arrived:

- OTLP/HTTP at ``http_endpoint`` (``http://127.0.0.1:<port>/v1/traces``), protobuf or JSON bodies,
  gzip or not;
- OTLP/gRPC ``TraceService/Export`` at ``grpc_endpoint`` (``127.0.0.1:<port>``, plaintext).

::

    from autogen.testing.otlp import OTLPReceiver
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    with OTLPReceiver() as receiver:
        provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=receiver.http_endpoint)))
        ...  # run the traced code
        spans = receiver.wait_for_spans(3)
        assert spans[0].attributes["gen_ai.operation.name"] == "chat"

Needs ``opentelemetry-proto`` (and ``grpcio`` for gRPC): the ``tracing`` extra. They are imported
when a receiver starts, not with this module.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["OTLPReceiver", "ReceivedSpan"]

_KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
_STATUS = {0: "UNSET", 1: "OK", 2: "ERROR"}


@dataclass
class ReceivedSpan:
    """One span as the receiver got it (ids as lowercase hex, as in W3C trace context)."""

    name: str
    trace_id: str
    span_id: str
    parent_span_id: str | None
    kind: str
    attributes: dict[str, Any]
    status: str
    status_message: str
    start_time_unix_nano: int
    end_time_unix_nano: int
    scope: str
    resource: dict[str, Any] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    transport: str = ""  # "http/protobuf", "http/json" or "grpc"


def _value(any_value: Any) -> Any:
    """An OTLP AnyValue as a Python value."""
    which = any_value.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    if which == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in any_value.kvlist_value.values}
    return getattr(any_value, which)


def _attributes(pairs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in pairs}


def _spans_of(request: Any, transport: str) -> list[ReceivedSpan]:
    spans = []
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for s in scope_spans.spans:
                spans.append(
                    ReceivedSpan(
                        name=s.name,
                        trace_id=s.trace_id.hex(),
                        span_id=s.span_id.hex(),
                        parent_span_id=s.parent_span_id.hex() or None,
                        kind=_KINDS.get(s.kind, str(s.kind)),
                        attributes=_attributes(s.attributes),
                        status=_STATUS.get(s.status.code, str(s.status.code)),
                        status_message=s.status.message,
                        start_time_unix_nano=s.start_time_unix_nano,
                        end_time_unix_nano=s.end_time_unix_nano,
                        scope=scope_spans.scope.name,
                        resource=resource,
                        events=[e.name for e in s.events],
                        transport=transport,
                    )
                )
    return spans


def _hex_ids_to_base64(node: Any) -> Any:
    """OTLP/JSON writes trace and span ids as hex; protobuf's JSON mapping reads bytes as base64."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id") and isinstance(
                value, str
            ):
                value = base64.b64encode(bytes.fromhex(value)).decode() if value else ""
            out[key] = _hex_ids_to_base64(value)
        return out
    if isinstance(node, list):
        return [_hex_ids_to_base64(v) for v in node]
    return node


class OTLPReceiver:
    """An OTLP trace receiver on 127.0.0.1 (HTTP and/or gRPC, ports chosen by the OS).

    Use it as a context manager (or `start` / `stop`). `spans` holds what arrived, in arrival
    order; `wait_for_spans` waits for exporters that send from a background thread."""

    def __init__(self, *, http: bool = True, grpc: bool = True, host: str = "127.0.0.1") -> None:
        self.host = host
        self._want_http = http
        self._want_grpc = grpc
        self._spans: list[ReceivedSpan] = []
        self._requests: list[str] = []
        self._lock = threading.Condition()
        self._http_server: ThreadingHTTPServer | None = None
        self._http_thread: threading.Thread | None = None
        self._grpc_server: Any = None
        self.http_port: int | None = None
        self.grpc_port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        """Start serving (idempotent)."""
        from ..import_utils import optional_import

        optional_import("opentelemetry.proto", "tracing", feature="OTLPReceiver")
        if self._want_http and self._http_server is None:
            self._start_http()
        if self._want_grpc and self._grpc_server is None:
            optional_import("grpc", "tracing", feature="OTLPReceiver (gRPC)")
            self._start_grpc()
        return self

    def stop(self) -> None:
        """Stop serving; the spans received stay available."""
        if self._http_server is not None:
            self._http_server.shutdown()
            self._http_server.server_close()
            self._http_server = None
        if self._grpc_server is not None:
            self._grpc_server.stop(grace=None)
            self._grpc_server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def http_endpoint(self) -> str:
        """The OTLP/HTTP traces URL (for ``OTLPSpanExporter(endpoint=...)`` of the http exporter)."""
        if self.http_port is None:
            raise RuntimeError("The receiver serves no HTTP (start it, with http=True).")
        return f"http://{self.host}:{self.http_port}/v1/traces"

    @property
    def grpc_endpoint(self) -> str:
        """The OTLP/gRPC address (for the grpc exporter: ``OTLPSpanExporter(endpoint=..., insecure=True)``)."""
        if self.grpc_port is None:
            raise RuntimeError("The receiver serves no gRPC (start it, with grpc=True).")
        return f"{self.host}:{self.grpc_port}"

    # ------------------------------------------------------------------ what arrived

    @property
    def spans(self) -> list[ReceivedSpan]:
        """The spans received so far (a copy)."""
        with self._lock:
            return list(self._spans)

    @property
    def requests(self) -> list[str]:
        """The transport of each export request received ("http/protobuf", "http/json", "grpc")."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget the spans and requests received so far."""
        with self._lock:
            self._spans.clear()
            self._requests.clear()

    def wait_for_spans(self, count: int, timeout: float = 10.0) -> list[ReceivedSpan]:
        """The spans once at least ``count`` arrived; TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._spans) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self._spans)} span(s) arrived, {count} expected.")
                self._lock.wait(left)
            return list(self._spans)

    def _accept(self, request: Any, transport: str) -> None:
        spans = _spans_of(request, transport)
        with self._lock:
            self._spans.extend(spans)
            self._requests.append(transport)
            self._lock.notify_all()

    # ------------------------------------------------------------------ transports

    def _start_http(self) -> None:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
            ExportTraceServiceRequest,
            ExportTraceServiceResponse,
        )

        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                if self.path.split("?", 1)[0] != "/v1/traces":
                    self._reply(404, "text/plain", b"not found")
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
                    body = gzip.decompress(body)
                content_type = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
                try:
                    if content_type == "application/json":
                        from google.protobuf import json_format

                        request = json_format.ParseDict(
                            _hex_ids_to_base64(json.loads(body or b"{}")),
                            ExportTraceServiceRequest(),
                            ignore_unknown_fields=True,
                        )
                        receiver._accept(request, "http/json")
                        self._reply(200, "application/json", b"{}")
                        return
                    if content_type != "application/x-protobuf":
                        self._reply(415, "text/plain", b"use application/x-protobuf or application/json")
                        return
                    receiver._accept(ExportTraceServiceRequest.FromString(body), "http/protobuf")
                except Exception as e:  # noqa: BLE001 - a malformed export: tell the client, keep serving
                    self._reply(400, "text/plain", f"bad OTLP request: {e}".encode())
                    return
                self._reply(200, "application/x-protobuf", ExportTraceServiceResponse().SerializeToString())

            def _reply(self, status: int, content_type: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        server = ThreadingHTTPServer((self.host, 0), Handler)
        server.daemon_threads = True
        self._http_server = server
        self.http_port = server.server_address[1]
        self._http_thread = threading.Thread(target=server.serve_forever, name="otlp-receiver-http", daemon=True)
        self._http_thread.start()

    def _start_grpc(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        import grpc
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

        receiver = self

        class TraceService(trace_service_pb2_grpc.TraceServiceServicer):
            def Export(self, request: Any, context: Any) -> Any:
                receiver._accept(request, "grpc")
                return trace_service_pb2.ExportTraceServiceResponse()

        server = grpc.server(ThreadPoolExecutor(max_workers=2, thread_name_prefix="otlp-receiver-grpc"))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(TraceService(), server)
        self.grpc_port = server.add_insecure_port(f"{self.host}:0")
        server.start()
        self._grpc_server = server
