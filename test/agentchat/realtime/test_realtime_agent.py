"""RealtimeAgent against a real WebSocket server on 127.0.0.1 that speaks the OpenAI Realtime API
(autogen.testing.realtime.FakeRealtimeServer)."""

import asyncio
import base64
import json
import warnings
from typing import Any

import anyio
import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from autogen.agentchat.realtime.experimental import RealtimeAgent, RealtimeObserver, WebSocketAudioAdapter
from autogen.agentchat.realtime.experimental.realtime_events import AudioDelta, FunctionCall, RealtimeEvent
from autogen.testing.realtime import FakeRealtimeServer, JsonWebSocket, RealtimeReply

pytestmark = pytest.mark.filterwarnings("ignore:RealtimeAgent is deprecated:DeprecationWarning")


def make_agent(server: FakeRealtimeServer, **kwargs: Any) -> RealtimeAgent:
    return RealtimeAgent(name="voice", system_message="You answer sums.", llm_config=server.llm_config, **kwargs)


class Recorder(RealtimeObserver):
    """An observer that keeps every event it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[RealtimeEvent] = []

    async def initialize_session(self) -> None:
        pass

    async def run_loop(self) -> None:
        pass

    async def on_event(self, event: RealtimeEvent) -> None:
        self.events.append(event)


async def test_agent_runs_the_function_the_model_calls_and_sends_back_the_result() -> None:
    script = [RealtimeReply.call("add", {"a": 1, "b": 2}), RealtimeReply.speak(b"four", "It is 3.")]
    with FakeRealtimeServer(script, close_after_script=True) as server:
        recorder = Recorder()
        agent = make_agent(server, observers=[recorder])
        calls: list[tuple[int, int]] = []

        @agent.register_realtime_function(description="Add two numbers")
        def add(a: int, b: int) -> int:
            calls.append((a, b))
            return a + b

        async def ask() -> None:
            await agent.realtime_client.send_text(role="user", text="What is 1 + 2?")

        agent.callbacks.on_observers_ready = ask
        with anyio.fail_after(30):
            await agent.run()  # returns when the server closes the session after its last reply

    assert calls == [(1, 2)]
    path, headers = server.handshakes[0]
    assert path == "/v1/realtime?model=gpt-4o-realtime-preview"
    assert headers["authorization"] == "Bearer fake-realtime-key"

    sessions = [e["session"] for e in server.events("session.update")]
    assert sessions[0] == {
        "turn_detection": {"type": "server_vad"},
        "voice": "alloy",
        "modalities": ["audio", "text"],
        "temperature": 0.8,
    }
    assert {"instructions": "You answer sums."} in sessions
    tools = next(s for s in sessions if "tools" in s)
    assert tools["tool_choice"] == "auto"
    assert tools["tools"] == [
        {
            "type": "function",
            "name": "add",
            "description": "Add two numbers",
            "parameters": {
                "type": "object",
                "properties": {
                    "a": {"type": "integer", "description": "a"},
                    "b": {"type": "integer", "description": "b"},
                },
                "required": ["a", "b"],
            },
        }
    ]

    issued = next(e for e in server.sent if e["type"] == "response.function_call_arguments.done")
    outputs = [
        e["item"] for e in server.events("conversation.item.create") if e["item"]["type"] == "function_call_output"
    ]
    assert outputs == [{"type": "function_call_output", "call_id": issued["call_id"], "output": "3"}]
    # the result is followed by a request for the model's next response, which the server played (the audio)
    types = [e["type"] for e in server.received]
    assert types[types.index("conversation.item.create", types.index("response.create") + 1) + 1] == "response.create"
    assert not [e for e in server.sent if e["type"] == "error" and e["error"]["code"] != "response_cancel_not_active"]

    function_calls = [e for e in recorder.events if isinstance(e, FunctionCall)]
    assert [(c.name, c.arguments) for c in function_calls] == [("add", {"a": 1, "b": 2})]
    audio = b"".join(base64.b64decode(e.delta) for e in recorder.events if isinstance(e, AudioDelta))
    assert audio == b"four"


async def test_a_failing_function_answers_with_a_failure_message_and_the_session_goes_on() -> None:
    script = [RealtimeReply.call("explode", {}), RealtimeReply(text="Sorry.")]
    with FakeRealtimeServer(script, close_after_script=True) as server:
        agent = make_agent(server)

        @agent.register_realtime_function(description="Always fails")
        async def explode() -> str:
            raise ValueError("boom")

        async def ask() -> None:
            await agent.realtime_client.send_text(role="user", text="Go")

        agent.callbacks.on_observers_ready = ask
        with anyio.fail_after(30):
            await agent.run()

    outputs = [
        e["item"]["output"]
        for e in server.events("conversation.item.create")
        if e["item"]["type"] == "function_call_output"
    ]
    assert outputs == ["Function call failed"]


async def test_results_that_are_not_strings_are_sent_as_json() -> None:
    script = [RealtimeReply.call("weather", {"city": "Paris"}), RealtimeReply(text="ok")]
    with FakeRealtimeServer(script, close_after_script=True) as server:
        agent = make_agent(server)

        @agent.register_realtime_function(name="weather", description="Weather of a city")
        def get_weather(city: str) -> dict[str, Any]:
            return {"city": city, "sky": "sunny"}

        async def ask() -> None:
            await agent.realtime_client.send_text(role="user", text="Weather?")

        agent.callbacks.on_observers_ready = ask
        with anyio.fail_after(30):
            await agent.run()

    outputs = [
        e["item"]["output"]
        for e in server.events("conversation.item.create")
        if e["item"]["type"] == "function_call_output"
    ]
    assert [json.loads(o) for o in outputs] == [{"city": "Paris", "sky": "sunny"}]


async def _serve_adapter(server: FakeRealtimeServer) -> Any:
    """A local websocket endpoint that runs a RealtimeAgent with a WebSocketAudioAdapter per caller."""

    async def handler(connection: Any) -> None:
        agent = make_agent(server, audio_adapter=WebSocketAudioAdapter(JsonWebSocket(connection)))
        with anyio.fail_after(30):
            await agent.run()

    return serve(handler, "127.0.0.1", 0)


async def _receive_until(ws: Any, done: Any) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    with anyio.fail_after(30):
        while not done(got):
            got.append(json.loads(await ws.recv()))
    return got


async def test_caller_audio_reaches_the_api_and_the_answer_comes_back_over_the_websocket_adapter() -> None:
    answer = bytes(range(10))
    script = [RealtimeReply.speak(answer, "hello", chunk_size=4)]
    with FakeRealtimeServer(script, audio_turn_chunks=2, close_after_script=True) as server:
        async with await _serve_adapter(server) as endpoint:
            port = next(iter(endpoint.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as caller:
                await caller.send(json.dumps({"event": "start", "start": {"streamSid": "stream-1"}}))
                chunks = [base64.b64encode(b"hi-1").decode(), base64.b64encode(b"hi-2").decode()]
                for ts, chunk in enumerate(chunks, start=1):
                    await caller.send(json.dumps({"event": "media", "media": {"payload": chunk, "timestamp": ts * 20}}))
                got = await _receive_until(caller, lambda g: sum(m["event"] == "media" for m in g) == 3)

    assert [e["audio"] for e in server.events("input_audio_buffer.append")] == chunks
    assert {"input_audio_format": "pcm16", "output_audio_format": "pcm16"} in [
        e["session"] for e in server.events("session.update")
    ]
    media = [m for m in got if m["event"] == "media"]
    assert all(m["streamSid"] == "stream-1" for m in media)
    assert b"".join(base64.b64decode(m["media"]["payload"]) for m in media) == answer
    marks = [m for m in got if m["event"] == "mark"]
    assert marks and marks[0] == {"event": "mark", "streamSid": "stream-1", "mark": {"name": "responsePart"}}


async def test_caller_speaking_over_the_answer_truncates_it_and_clears_the_caller_queue() -> None:
    script = [RealtimeReply.speak(b"first answer"), RealtimeReply.speak(b"second")]
    with FakeRealtimeServer(script, audio_turn_chunks=1) as server:
        async with await _serve_adapter(server) as endpoint:
            port = next(iter(endpoint.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as caller:
                await caller.send(json.dumps({"event": "start", "start": {"streamSid": "s"}}))
                payload = base64.b64encode(b"x").decode()
                await caller.send(json.dumps({"event": "media", "media": {"payload": payload, "timestamp": 100}}))
                await _receive_until(caller, lambda g: any(m["event"] == "media" for m in g))
                # the caller talks again while the first answer is playing
                await caller.send(json.dumps({"event": "media", "media": {"payload": payload, "timestamp": 340}}))
                got = await _receive_until(caller, lambda g: any(m["event"] == "clear" for m in g))
                await server.a_wait_for("conversation.item.truncate")
                await asyncio.to_thread(server.stop)  # ends the session, so the agent's run() returns

    first_item = next(e["item_id"] for e in server.sent if e["type"] == "response.audio.delta")
    truncations = server.events("conversation.item.truncate")
    assert [(t["item_id"], t["content_index"], t["audio_end_ms"]) for t in truncations] == [(first_item, 0, 240)]
    assert {"event": "clear", "streamSid": "s"} in got


async def test_read_events_needs_a_connection() -> None:
    with FakeRealtimeServer() as server:
        agent = make_agent(server)
    with pytest.raises(RuntimeError, match=r"call connect\(\) first"):
        async for _ in agent.realtime_client.read_events():
            pass


def test_agent_is_deprecated_and_chooses_its_client_from_the_config() -> None:
    from autogen.agentchat.realtime.experimental.clients import GeminiRealtimeClient, OpenAIRealtimeClient

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        agent = RealtimeAgent(name="a", llm_config={"config_list": [{"model": "gpt-4o-realtime", "api_key": "k"}]})
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert isinstance(agent.realtime_client, OpenAIRealtimeClient)
    gemini = {"config_list": [{"model": "gemini-2.0-flash-exp", "api_key": "k", "api_type": "google"}]}
    assert isinstance(RealtimeAgent(name="g", llm_config=gemini).realtime_client, GeminiRealtimeClient)
    with pytest.raises(ValueError, match="Realtime API client not found"):
        RealtimeAgent(name="x", llm_config=gemini, websocket=object())


async def test_unknown_functions_and_broken_arguments_are_answered_so_the_model_can_recover() -> None:
    script = [
        RealtimeReply.call("nope", {}),
        RealtimeReply.call("add", '{"a": 1,'),
        RealtimeReply.call("add", {"a": 1, "b": 1}),
        RealtimeReply(text="2"),
    ]
    with FakeRealtimeServer(script, close_after_script=True) as server:
        agent = make_agent(server)

        @agent.register_realtime_function(description="Add")
        def add(a: int, b: int) -> int:
            return a + b

        async def ask() -> None:
            await agent.realtime_client.send_text(role="user", text="1+1?")

        agent.callbacks.on_observers_ready = ask
        with anyio.fail_after(30):
            await agent.run()

    items = [e["item"] for e in server.events("conversation.item.create")]
    outputs = [i["output"] for i in items if i["type"] == "function_call_output"]
    assert outputs == [
        "Error: function nope is not available; available functions: add.",
        'Error: the arguments of add must be a JSON object: {"a": 1,',
        "2",
    ]
