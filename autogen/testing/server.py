"""FakeLLMServer: a real OpenAI-compatible HTTP server on 127.0.0.1 that answers from a script.

It runs an asyncio event loop in a daemon thread, so many concurrent keep-alive clients cost little,
and every delay is an ``asyncio.sleep`` that never blocks other requests.
"""

from __future__ import annotations

import asyncio
import json
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from .dialects import DIALECTS
from .http11 import HTTPError, RawRequest, error_body, format_response, read_request
from .recorded import RecordedRequest
from .replies import FakeReply, Fault
from .script import ReplyScript, ScriptExhaustedError, prepare_reply, resolve_async

__all__ = ["FakeLLMServer"]

_STOP_TIMEOUT = 5.0
# Not valid JSON, but looks like the start of a completion, as a truncated proxy answer would.
_MALFORMED = b'{"id": "chatcmpl-malformed", "object": "chat.completion", "choices": [{"index": 0, "message": '


DEFAULT_MODEL = "fake-model"


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


class FakeLLMServer:
    """A scripted stand-in for the OpenAI chat-completions API, served over real HTTP.

    Args:
        replies: replies consumed in order, one per chat-completion request (str, message dict,
            FakeReply, Fault, or a callable taking the RecordedRequest); or one callable used for
            every request.
        default_reply: answers once the scripted replies are used up (otherwise HTTP 400).
        delay: seconds every chat-completion request waits before it is answered.
        model: the model name listed by ``GET /v1/models`` and put in ``config_list``.
        host: interface to bind; keep 127.0.0.1.
        port: TCP port; 0 picks a free one.
        dialect: the provider API spoken: "openai" (chat completions) or "anthropic" (Messages API at
            ``POST /v1/messages``, JSON and SSE events, Anthropic error bodies; requests the real API
            would refuse, such as non-alternating roles or unanswered tool_use blocks, get its 400), or
            "gemini" (Gemini API ``POST .../models/{model}:generateContent`` and
            ``:streamGenerateContent?alt=sse``, Google error bodies, the API's 400 for invalid contents),
            "ollama" (Ollama's ``POST /api/chat``, JSON and NDJSON streaming, ``{"error": ...}`` bodies;
            ``config_list`` points ``client_host`` at the server),
            "mistral" (``POST /v1/chat/completions`` in Mistral's variant: 9-character tool call ids, its role
            order rules), "cohere" (v2 chat ``POST /v2/chat``, typed SSE events),
            "responses" (OpenAI Responses API ``POST /v1/responses``, JSON and SSE events, OpenAI
            error bodies; ``previous_response_id`` refers to this server's earlier responses),
            "groq" / "cerebras" / "together" (OpenAI's bodies at ``/openai/v1/chat/completions`` resp.
            ``/v1/chat/completions``, each API's own 400s and stream usage; see ``compatible_wire``),
            "bedrock" (Bedrock Converse ``POST /model/{modelId}/converse``, AWS error responses, the API's
            ValidationException for invalid conversations), or "anthropic_bedrock" (Claude through
            Bedrock InvokeModel ``POST /model/{modelId}/invoke`` and ``/invoke-with-response-stream`` in
            the AWS event-stream framing).
            "gemini-vertex" and "anthropic-vertex" speak the same formats with a config entry that reaches
            them the Vertex AI way (``.../projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent``;
            Claude's ``...publishers/anthropic/models/{m}:rawPredict`` / ``:streamRawPredict``).

    Use as a context manager (``with FakeLLMServer(["hi"]) as server: ...``) or call ``start()``/``stop()``.
    Routes: ``POST /v1/chat/completions`` (any path ending in ``/chat/completions``), ``GET /v1/models``.
    Responses carry deterministic usage (formula in :mod:`autogen.testing.completion`); ``"stream": true``
    is answered as SSE chunks, with a final usage chunk when ``stream_options.include_usage`` is set.
    An invalid request (no JSON object, no ``messages``) gets HTTP 400 and uses no scripted reply.
    """

    def __init__(
        self,
        replies: Iterable[Any] | Callable[..., Any] | None = None,
        *,
        default_reply: Any = None,
        delay: float = 0.0,
        model: str = DEFAULT_MODEL,
        host: str = "127.0.0.1",
        port: int = 0,
        dialect: str = "openai",
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"Unknown dialect {dialect!r}; FakeLLMServer speaks {sorted(DIALECTS)}.")
        self.dialect = dialect
        self._dialect = DIALECTS[dialect]
        if self._dialect.per_server is not None:
            self._dialect = self._dialect.per_server()
        if delay < 0:
            raise ValueError(f"delay must be >= 0 seconds, got {delay}.")
        self._script = ReplyScript(replies, default_reply, owner="FakeLLMServer")
        self.delay = delay
        self.model = model
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self.errors: list[BaseException] = []
        """Exceptions raised by reply callables (each was answered with HTTP 500)."""
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeLLMServer:
        """Bind the port and start serving in a background thread; returns self."""
        if self._thread is not None:
            return self
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._bind())
            except BaseException as e:  # noqa: BLE001 - reported to the thread that called start()
                failure.append(e)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                leftovers = asyncio.all_tasks(loop)
                for task in leftovers:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name=f"FakeLLMServer-{id(self):x}", daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            raise RuntimeError(
                f"FakeLLMServer could not listen on {self.host}:{self._requested_port}: {failure[0]}"
            ) from failure[0]
        self._loop, self._thread = loop, thread
        return self

    async def _bind(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, self.host, self._requested_port, backlog=2048, limit=1 << 20
        )
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Close every connection and the event loop; safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        if threading.current_thread() is thread:
            # Called from a reply callable on the server's own loop: waiting here would deadlock.
            loop.create_task(self._shutdown()).add_done_callback(lambda _: loop.stop())
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(_STOP_TIMEOUT)
        except Exception:  # noqa: BLE001, S110 - a stuck shutdown must not hang the test run (daemon thread)
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_STOP_TIMEOUT)

    async def _shutdown(self) -> None:
        server = self._server
        if server is not None:
            # Stop accepting first and close the server only once in-flight accepts have become
            # connections: closing it earlier makes asyncio (< 3.12) leak a just-accepted socket.
            loop = asyncio.get_running_loop()
            for sock in server.sockets:
                try:
                    loop.remove_reader(sock.fileno())
                except NotImplementedError:  # loops without readers (Windows proactor) close directly
                    pass
            for _ in range(5):
                await asyncio.sleep(0)
            server.close()
        for _ in range(10):
            if not self._writers and not self._handlers:
                break
            for writer in list(self._writers):
                writer.transport.abort()
            handlers = list(self._handlers)
            for task in handlers:
                task.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)
            await asyncio.sleep(0)
        self._server = None

    def __enter__(self) -> FakeLLMServer:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"listening on {self.base_url}" if self._thread else "stopped"
        return f"<FakeLLMServer {state}, {self._script.remaining} scripted replies left>"

    # ---- what tests use --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. "http://127.0.0.1:5678"."""
        if self.port is None:
            raise RuntimeError("FakeLLMServer is not started; call start() or use it as a context manager.")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The SDK's ``base_url``: "http://127.0.0.1:<port>/v1" (OpenAI), the server root (Anthropic)."""
        return self.url + self._dialect.api_path

    @property
    def config_list(self) -> list[dict[str, Any]]:
        """A fresh one-entry config list pointing at this server (``api_type="anthropic"`` for that dialect).

        With the default model name the entry carries a zero ``price``: a scripted model costs nothing, and
        cost accounting says so instead of noting an unknown model. A real model name (``model=...``) is
        priced from the provider's table, so cost code can be tested too.
        """
        entry = self._dialect.entry(self)
        if self.model == DEFAULT_MODEL:
            entry["price"] = [0.0, 0.0]
        return [entry]

    @property
    def llm_config(self) -> dict[str, Any]:
        """A fresh ``{"config_list": [...]}`` dict for an agent's llm_config."""
        return {"config_list": self.config_list}

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every HTTP request received so far (including model listings), oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._requests.clear()

    def add_replies(self, *replies: Any) -> None:
        """Append replies to the script; they are used after the ones already queued."""
        self._script.add(*replies)

    @property
    def remaining_replies(self) -> int:
        """How many scripted replies are still unused."""
        return self._script.remaining

    @property
    def default_reply(self) -> Any:
        """The reply used once the script is exhausted (None: answer HTTP 400)."""
        return self._script.default_reply

    @default_reply.setter
    def default_reply(self, reply: Any) -> None:
        self._script.default_reply = None if reply is None else prepare_reply(reply)

    # ---- HTTP --------------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        self._writers.add(writer)
        try:
            while True:
                try:
                    raw = await read_request(reader, writer)
                except HTTPError as e:
                    writer.write(format_response(e.status, error_body(e.status, e.message), keep_alive=False))
                    await writer.drain()
                    break
                if raw is None:
                    break
                if not await self._respond(raw, writer):
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._handlers.discard(task)
            writer.close()

    async def _respond(self, raw: RawRequest, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; returns whether the connection stays open."""
        try:
            body = json.loads(raw.body) if raw.body else {}
        except ValueError:
            body = None
        record = RecordedRequest(
            path=raw.path,
            headers=raw.headers,
            body=body if isinstance(body, dict) else {},
            method=raw.method,
            query=raw.query,
        )
        with self._lock:
            self._requests.append(record)

        keep = raw.keep_alive
        path = raw.path.rstrip("/")
        dialect = self._dialect
        other = path.endswith(dialect.other_routes) if dialect.other_routes else False
        if other or path.endswith(dialect.route) or (dialect.stream_route and path.endswith(dialect.stream_route)):
            if raw.method != "POST":
                return await self._send_error(writer, 405, f"Use POST for {dialect.route}.", keep)
            if other and dialect.adapt is not None:
                body = dialect.adapt(path, body)
                if isinstance(body, str):
                    return await self._send_error(writer, 400, body, keep)
            problem = dialect.check(body)
            if problem is not None:
                status, code = (problem[2], problem[3]) if len(problem) > 3 else (400, None)
                return await self._send_error(writer, status, problem[0], keep, param=problem[1], code=code)
            return await self._chat_completion(record, writer, keep)
        openai = dialect.name == "openai"
        if openai and raw.method == "GET" and path in ("/v1/models", "/models"):
            listing = {"object": "list", "data": [self._model_card()]}
            return await self._send(writer, 200, _dumps(listing), keep)
        if openai and raw.method == "GET" and path.rsplit("/", 1)[0] in ("/v1/models", "/models"):
            if path.rsplit("/", 1)[1] == self.model:
                return await self._send(writer, 200, _dumps(self._model_card()), keep)
            return await self._send_error(
                writer, 404, f"The model '{path.rsplit('/', 1)[1]}' does not exist.", keep, code="model_not_found"
            )
        served = "POST /v1/chat/completions and GET /v1/models" if openai else f"POST {dialect.route}"
        return await self._send_error(writer, 404, f"FakeLLMServer serves {served}, not {raw.method} {raw.path}.", keep)

    def _model_card(self) -> dict[str, Any]:
        return {"id": self.model, "object": "model", "created": 0, "owned_by": "autogen-testing"}

    async def _chat_completion(self, record: RecordedRequest, writer: asyncio.StreamWriter, keep: bool) -> bool:
        try:
            slot = self._script.next_reply()
        except ScriptExhaustedError as e:
            return await self._send_error(writer, 400, str(e), keep, code="script_exhausted")
        try:
            reply = await resolve_async(slot, record)
        except Exception as e:  # noqa: BLE001 - any error of a user's reply callable becomes a 500
            return await self._callable_failed(e, writer, keep)
        wait = self.delay + (reply.delay if isinstance(reply, FakeReply) else 0.0)
        if wait > 0:
            await asyncio.sleep(wait)
        if isinstance(reply, Fault) and reply.kind == "slow":
            await asyncio.sleep(reply.seconds)
            try:
                reply = await resolve_async(reply.then, record)
            except Exception as e:  # noqa: BLE001 - as above
                return await self._callable_failed(e, writer, keep)
            if isinstance(reply, FakeReply) and reply.delay > 0:
                await asyncio.sleep(reply.delay)
        if isinstance(reply, Fault):
            return await self._send_fault(reply, record, writer, keep)
        return await self._send_reply(reply, record, writer, keep)

    async def _callable_failed(self, exc: Exception, writer: asyncio.StreamWriter, keep: bool) -> bool:
        self.errors.append(exc)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return await self._send_error(
            writer, 500, f"The FakeLLMServer reply callable raised {detail}", keep, code="reply_callable_error"
        )

    async def _send_reply(
        self, reply: FakeReply, record: RecordedRequest, writer: asyncio.StreamWriter, keep: bool
    ) -> bool:
        answer = self._dialect.answer(record.body, reply, self.model)
        if not self._wants_stream(record):
            return await self._send(writer, 200, _dumps(answer), keep)
        return await self._send_stream(writer, self._dialect.stream(record.body, answer), keep)

    def _wants_stream(self, record: RecordedRequest) -> bool:
        route = self._dialect.stream_route
        stream = record.body.get("stream", self._dialect.stream_by_default)
        return bool(stream) or bool(route and record.path.rstrip("/").endswith(route))

    async def _send_fault(
        self, fault: Fault, record: RecordedRequest, writer: asyncio.StreamWriter, keep: bool
    ) -> bool:
        if fault.kind == "drop_connection":
            writer.close()
            return False
        if fault.kind == "malformed_json":
            if self._wants_stream(record):
                return await self._send_stream(writer, self._dialect.malformed_stream(_MALFORMED), keep)
            return await self._send(writer, 200, _MALFORMED, keep)
        if fault.kind == "rate_limit":
            return await self._send_error(
                writer, 429, fault.message, keep, headers={"retry-after": format(fault.retry_after, "g")}
            )
        return await self._send_error(writer, fault.status, fault.message, keep)

    async def _send_error(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        message: str,
        keep: bool,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> bool:
        body = self._dialect.error_body(status, message, code=code, param=param)
        return await self._send(writer, status, body, keep, headers)

    async def _send(
        self, writer: asyncio.StreamWriter, status: int, body: bytes, keep: bool, headers: dict[str, str] | None = None
    ) -> bool:
        if writer.is_closing():
            return False
        extra = {"x-request-id": f"req_{uuid.uuid4().hex}"}
        if self._dialect.headers is not None:
            extra.update(self._dialect.headers(status, body))
        if headers:
            extra.update(headers)
        writer.write(format_response(status, body, keep_alive=keep, headers=extra))
        await writer.drain()
        return keep

    async def _send_stream(self, writer: asyncio.StreamWriter, events: list[bytes], keep: bool) -> bool:
        if writer.is_closing():
            return False
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(e), e) for e in events) + b"0\r\n\r\n"
        headers = {"x-request-id": f"req_{uuid.uuid4().hex}", "cache-control": "no-cache"}
        if self._dialect.headers is not None:
            headers.update(self._dialect.headers(200, b""))
        head = format_response(
            200, b"", content_type=self._dialect.stream_content_type, keep_alive=keep, headers=headers, chunked=True
        )
        writer.write(head + chunked)
        await writer.drain()
        return keep
