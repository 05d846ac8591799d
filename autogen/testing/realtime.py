"""FakeRealtimeServer: a scripted OpenAI Realtime API (WebSocket) on 127.0.0.1 for tests.

It speaks the API's JSON events (the ``response.audio.*`` names of the preview API that ag2's clients use)::

    from autogen.testing.realtime import FakeRealtimeServer, RealtimeReply

    script = [RealtimeReply.call("get_weather", {"city": "Paris"}), RealtimeReply.speak(b"sunny", "It is sunny")]
    with FakeRealtimeServer(script) as server:
        agent = RealtimeAgent(name="voice", llm_config=server.llm_config)   # base_url points at the server
        ...
        outputs = server.wait_for("conversation.item.create")            # what the agent sent

A session starts with ``session.created``; ``session.update`` is merged and answered with ``session.updated``.
Every ``response.create`` plays the next scripted reply (a spoken answer as ``response.audio.delta`` chunks,
text, or function calls ending in ``response.function_call_arguments.done``). With ``turn_detection``
``server_vad`` in the session, every ``audio_turn_chunks`` appended audio chunks count as one user turn
(``input_audio_buffer.speech_started`` ... ``committed``) that plays the next reply. Requests the real API
refuses (unknown event types, malformed events, a function output for a call it never made, ``response.cancel``
with no response in progress, a response once the script is used up) are answered with an ``error`` event.

``JsonWebSocket`` wraps a ``websockets`` server connection in the FastAPI-like interface audio adapters use, so
tests can serve a ``WebSocketAudioAdapter`` without FastAPI. Needs the ``websockets`` package (imported on start).
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeRealtimeServer", "JsonWebSocket", "RealtimeReply"]

DEFAULT_MODEL = "gpt-4o-realtime-preview"


@dataclass
class RealtimeReply:
    """One scripted model response: spoken audio (with its transcript), text, and/or function calls."""

    audio: bytes | None = None
    """Raw audio bytes, sent base64-encoded in ``chunk_size`` pieces as ``response.audio.delta`` events."""
    transcript: str | None = None
    """The transcript of ``audio`` (``response.audio_transcript.done``)."""
    text: str | None = None
    """A text answer (``response.text.delta`` / ``response.text.done``)."""
    function_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    """``(name, arguments)`` of each function call the model makes (a str is sent as is, e.g. broken JSON)."""
    chunk_size: int = 4
    """Bytes of audio per delta event."""

    @classmethod
    def speak(cls, audio: bytes, transcript: str | None = None, *, chunk_size: int = 4) -> RealtimeReply:
        """A spoken answer."""
        return cls(audio=audio, transcript=transcript, chunk_size=chunk_size)

    @classmethod
    def call(cls, name: str, arguments: dict[str, Any] | str) -> RealtimeReply:
        """A response that calls one function."""
        return cls(function_calls=[(name, arguments)])


class JsonWebSocket:
    """A ``websockets`` server connection with ``send_json`` / ``receive_json`` / ``receive_text`` / ``iter_text``."""

    def __init__(self, connection: Any) -> None:
        """Wrap ``connection`` (a ``websockets.asyncio.server.ServerConnection``)."""
        self.connection = connection

    async def send_json(self, data: Any, mode: str = "text") -> None:
        """Send ``data`` as one JSON text frame."""
        await self.connection.send(json.dumps(data))

    async def receive_text(self) -> str:
        """The next text frame."""
        message = await self.connection.recv()
        return message if isinstance(message, str) else message.decode("utf-8")

    async def receive_json(self, mode: str = "text") -> Any:
        """The next frame, decoded from JSON."""
        return json.loads(await self.receive_text())

    async def iter_text(self) -> AsyncIterator[str]:
        """Text frames until the peer closes."""
        async for message in self.connection:
            yield message if isinstance(message, str) else message.decode("utf-8")


class _Session:
    """The state of one client connection."""

    def __init__(self, server: FakeRealtimeServer, connection: Any) -> None:
        self.server = server
        self.connection = connection
        self.session: dict[str, Any] = {
            "id": server._new_id("sess"),
            "model": server.model,
            "object": "realtime.session",
        }
        self.audio_chunks: list[str] = []
        self.pending_calls: set[str] = set()

    async def send(self, event: dict[str, Any]) -> None:
        event = {"event_id": self.server._new_id("event"), **event}
        self.server._record(self.server.sent, event)
        await self.connection.send(json.dumps(event))

    async def error(self, code: str, message: str, event_id: str | None = None) -> None:
        kind = "server_error" if code == "script_exhausted" else "invalid_request_error"
        error = {"type": kind, "code": code, "message": message, "param": None, "event_id": event_id}
        await self.send({"type": "error", "error": error})

    async def handle(self, event: Any) -> None:
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            await self.error("invalid_event", "Client events must be JSON objects with a 'type'.")
            return
        kind, event_id = event["type"], event.get("event_id")
        if kind == "session.update":
            if not isinstance(event.get("session"), dict):
                await self.error("missing_required_parameter", "Missing required parameter: 'session'.", event_id)
                return
            self.session.update(event["session"])
            await self.send({"type": "session.updated", "session": dict(self.session)})
        elif kind == "input_audio_buffer.append":
            await self._append_audio(event, event_id)
        elif kind == "input_audio_buffer.commit":
            await self._commit_audio()
        elif kind == "conversation.item.create":
            await self._create_item(event, event_id)
        elif kind == "conversation.item.truncate":
            await self.send(
                {
                    "type": "conversation.item.truncated",
                    **{k: event.get(k) for k in ("item_id", "content_index", "audio_end_ms")},
                }
            )
        elif kind == "response.create":
            await self._respond(event_id)
        elif kind == "response.cancel":
            # replies are sent whole, so no response is ever in progress when a cancel arrives
            await self.error("response_cancel_not_active", "Cancellation failed: no active response found.", event_id)
        else:
            await self.error("invalid_value", f"Invalid value: '{kind}'.", event_id)

    async def _append_audio(self, event: dict[str, Any], event_id: str | None) -> None:
        audio = event.get("audio")
        try:
            base64.b64decode(audio, validate=True)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            await self.error("invalid_value", "'audio' must be base64-encoded audio.", event_id)
            return
        self.audio_chunks.append(audio)  # type: ignore[arg-type]
        vad = (self.session.get("turn_detection") or {}).get("type") == "server_vad"
        if vad and len(self.audio_chunks) >= self.server.audio_turn_chunks:
            await self.send({"type": "input_audio_buffer.speech_started", "audio_start_ms": 0, "item_id": None})
            await self.send({"type": "input_audio_buffer.speech_stopped", "audio_end_ms": 0, "item_id": None})
            await self._commit_audio()
            await self._respond(None)

    async def _commit_audio(self) -> None:
        item_id = self.server._new_id("item")
        audio = "".join(self.audio_chunks)
        self.audio_chunks.clear()
        await self.send({"type": "input_audio_buffer.committed", "previous_item_id": None, "item_id": item_id})
        item = {"id": item_id, "type": "message", "role": "user", "content": [{"type": "input_audio", "audio": audio}]}
        await self.send({"type": "conversation.item.created", "previous_item_id": None, "item": item})

    async def _create_item(self, event: dict[str, Any], event_id: str | None) -> None:
        item = event.get("item")
        if not isinstance(item, dict) or "type" not in item:
            await self.error("missing_required_parameter", "Missing required parameter: 'item.type'.", event_id)
            return
        if item["type"] == "function_call_output":
            if item.get("call_id") not in self.pending_calls:
                await self.error("invalid_value", f"Tool call ID '{item.get('call_id')}' not found.", event_id)
                return
            self.pending_calls.discard(item["call_id"])
        stored = {"id": self.server._new_id("item"), **item}
        await self.send({"type": "conversation.item.created", "previous_item_id": None, "item": stored})

    async def _respond(self, event_id: str | None) -> None:
        reply = self.server._next_reply()
        if reply is None:
            await self.error("script_exhausted", "FakeRealtimeServer: the script has no more replies.", event_id)
            return
        response_id = self.server._new_id("resp")
        response = {"id": response_id, "object": "realtime.response", "status": "in_progress", "output": []}
        await self.send({"type": "response.created", "response": response})
        outputs: list[dict[str, Any]] = []
        if reply.audio is not None or reply.text is not None:
            outputs.append(await self._message_item(reply, response_id, len(outputs)))
        for name, arguments in reply.function_calls:
            outputs.append(await self._function_call_item(name, arguments, response_id, len(outputs)))
        await self.send({"type": "response.done", "response": {**response, "status": "completed", "output": outputs}})
        if self.server.close_after_script and self.server._script_done():
            await self.connection.close()

    async def _message_item(self, reply: RealtimeReply, response_id: str, index: int) -> dict[str, Any]:
        item_id = self.server._new_id("item")
        item = {"id": item_id, "type": "message", "role": "assistant", "status": "in_progress", "content": []}
        where = {"response_id": response_id, "item_id": item_id, "output_index": index, "content_index": 0}
        await self.send(
            {"type": "response.output_item.added", "response_id": response_id, "output_index": index, "item": item}
        )
        if reply.audio is not None:
            size = max(1, reply.chunk_size)
            for start in range(0, len(reply.audio), size):
                delta = base64.b64encode(reply.audio[start : start + size]).decode()
                await self.send({"type": "response.audio.delta", **where, "delta": delta})
            await self.send({"type": "response.audio.done", **where})
            await self.send({"type": "response.audio_transcript.done", **where, "transcript": reply.transcript or ""})
            item["content"].append({"type": "audio", "transcript": reply.transcript})
        if reply.text is not None:
            await self.send({"type": "response.text.delta", **where, "delta": reply.text})
            await self.send({"type": "response.text.done", **where, "text": reply.text})
            item["content"].append({"type": "text", "text": reply.text})
        item["status"] = "completed"
        await self.send(
            {"type": "response.output_item.done", "response_id": response_id, "output_index": index, "item": item}
        )
        return item

    async def _function_call_item(
        self, name: str, arguments: dict[str, Any] | str, response_id: str, index: int
    ) -> dict[str, Any]:
        item_id, call_id = self.server._new_id("item"), self.server._new_id("call")
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        item = {"id": item_id, "type": "function_call", "status": "completed", "name": name, "call_id": call_id}
        where = {"response_id": response_id, "item_id": item_id, "output_index": index, "call_id": call_id}
        await self.send(
            {
                "type": "response.output_item.added",
                "response_id": response_id,
                "output_index": index,
                "item": {**item, "status": "in_progress", "arguments": ""},
            }
        )
        await self.send({"type": "response.function_call_arguments.delta", **where, "delta": args})
        self.pending_calls.add(call_id)
        await self.send({"type": "response.function_call_arguments.done", **where, "name": name, "arguments": args})
        item["arguments"] = args
        await self.send(
            {"type": "response.output_item.done", "response_id": response_id, "output_index": index, "item": item}
        )
        return item


class FakeRealtimeServer:
    """A scripted OpenAI Realtime API served over a real WebSocket (see the module docstring).

    Args:
        script: replies played in order, one per response (``RealtimeReply``, or a str for a text answer).
        model: the model put in ``llm_config``.
        audio_turn_chunks: with server VAD, the number of appended audio chunks that make one user turn.
        close_after_script: close the connection once the last reply has been sent (ends an agent's ``run()``).

    ``received`` holds every client event in order, ``sent`` every server event, ``handshakes`` the request path
    and headers of each connection. The server runs an event loop in a daemon thread, so it serves sync and async
    tests alike.
    """

    def __init__(
        self,
        script: Iterable[RealtimeReply | str] = (),
        *,
        model: str = DEFAULT_MODEL,
        audio_turn_chunks: int = 1,
        close_after_script: bool = False,
    ) -> None:
        """Prepare the server (``start()`` or ``with`` opens the port)."""
        self.script = [RealtimeReply(text=r) if isinstance(r, str) else r for r in script]
        self.model = model
        self.audio_turn_chunks = audio_turn_chunks
        self.close_after_script = close_after_script
        self.received: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.handshakes: list[tuple[str, dict[str, str]]] = []
        self.port = 0
        self._played = 0
        self._ids = 0
        self._changed = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Future[None] | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    # --- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> FakeRealtimeServer:
        """Start serving on a free port of 127.0.0.1."""
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="FakeRealtimeServer", daemon=True
        )
        self._thread.start()
        self._ready.wait(10)
        if self._failure is not None:
            raise RuntimeError("FakeRealtimeServer failed to start") from self._failure
        return self

    def stop(self) -> None:
        """Close every connection and stop the server."""
        if self._loop is not None and self._stop is not None and not self._stop.done():
            self._loop.call_soon_threadsafe(lambda: self._stop.done() or self._stop.set_result(None))  # type: ignore[union-attr]
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeRealtimeServer:  # noqa: PYI034
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _main(self) -> None:
        try:
            from websockets.asyncio.server import serve

            self._loop = asyncio.get_running_loop()
            self._stop = self._loop.create_future()
            async with serve(self._serve, "127.0.0.1", 0, max_size=None) as server:
                self.port = next(iter(server.sockets)).getsockname()[1]
                self._ready.set()
                await self._stop
        except BaseException as e:  # noqa: BLE001 - reported by start()
            self._failure = e
            self._ready.set()

    async def _serve(self, connection: Any) -> None:
        from websockets.exceptions import ConnectionClosed

        request = connection.request
        self.handshakes.append((request.path, {k.lower(): v for k, v in request.headers.raw_items()}))
        session = _Session(self, connection)
        await session.send({"type": "session.created", "session": dict(session.session)})
        try:
            async for message in connection:
                try:
                    event = json.loads(message)
                except ValueError:
                    await session.error("invalid_json", "The event is not valid JSON.")
                    continue
                self._record(self.received, event)
                await session.handle(event)
        except ConnectionClosed:  # the client went away mid-reply
            return

    # --- what tests use --------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The HTTP base URL (``/v1``); clients turn it into ``ws://.../v1/realtime?model=...``."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def llm_config(self) -> dict[str, Any]:
        """An ``llm_config`` for ``RealtimeAgent`` / ``OpenAIRealtimeClient`` that points at this server."""
        return {"config_list": [{"model": self.model, "api_key": "fake-realtime-key", "base_url": self.base_url}]}

    def events(self, event_type: str) -> list[dict[str, Any]]:
        """The client events of ``event_type`` received so far."""
        with self._changed:
            return [e for e in self.received if e.get("type") == event_type]

    def wait_for(self, event_type: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until ``count`` client events of ``event_type`` have arrived; return them (TimeoutError if not)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.events(event_type)) >= count, timeout):
                got = [e.get("type") for e in self.received]
                raise TimeoutError(f"waited for {count} {event_type!r} event(s); received {got}")
            return self.events(event_type)

    async def a_wait_for(self, event_type: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """``wait_for`` for async tests (waits in a worker thread, leaving the event loop free)."""
        return await asyncio.to_thread(self.wait_for, event_type, count, timeout)

    # --- internals -------------------------------------------------------------------------------------------
    def _record(self, log: list[dict[str, Any]], event: dict[str, Any]) -> None:
        with self._changed:
            log.append(event)
            self._changed.notify_all()

    def _new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}_{self._ids:04d}"

    def _next_reply(self) -> RealtimeReply | None:
        if self._played >= len(self.script):
            return None
        self._played += 1
        return self.script[self._played - 1]

    def _script_done(self) -> bool:
        return self._played >= len(self.script)
