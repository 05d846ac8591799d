"""The Gemini Live client and the OpenAI WebRTC client, each driving a RealtimeAgent against local servers
(a Gemini Live websocket stand-in; an HTTP session endpoint plus a websocket the test drives as the browser)."""

import base64
import json
from typing import Any

import anyio
import pytest
from _web_fakes import FakeJsonApi
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from autogen.agentchat.realtime.experimental import RealtimeAgent, RealtimeObserver, TwilioAudioAdapter
from autogen.agentchat.realtime.experimental.clients import GeminiRealtimeClient, get_client
from autogen.agentchat.realtime.experimental.clients.oai import OpenAIRealtimeWebRTCClient
from autogen.agentchat.realtime.experimental.realtime_events import AudioDelta, RealtimeEvent, SessionCreated
from autogen.testing.realtime import FakeRealtimeServer, JsonWebSocket, RealtimeReply

pytestmark = pytest.mark.filterwarnings("ignore:RealtimeAgent is deprecated:DeprecationWarning")


class AskOnSessionCreated(RealtimeObserver):
    """Sends a user question once the session exists, and keeps the events it sees."""

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self.events: list[RealtimeEvent] = []

    async def initialize_session(self) -> None:
        pass

    async def run_loop(self) -> None:
        pass

    async def on_event(self, event: RealtimeEvent) -> None:
        self.events.append(event)
        if isinstance(event, SessionCreated):
            await self.realtime_client.send_text(role="user", text=self.question)


async def test_gemini_client_sets_up_the_session_and_answers_tool_calls() -> None:
    received: list[dict[str, Any]] = []
    spoken = base64.b64encode(b"seven").decode()

    async def gemini_live(connection: Any) -> None:
        async for raw in connection:
            message = json.loads(raw)
            received.append(message)
            if "setup" in message:
                await connection.send(json.dumps({"setupComplete": {}}))
            elif "client_content" in message:
                call = {"id": "fc-1", "name": "add", "args": {"a": 2, "b": 5}}
                await connection.send(json.dumps({"toolCall": {"functionCalls": [call]}}))
            elif "tool_response" in message:
                part = {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": spoken}}
                await connection.send(json.dumps({"serverContent": {"modelTurn": {"parts": [part]}}}))
                await connection.send(json.dumps({"serverContent": {"turnComplete": True}}).encode())
                return  # closes the session

    async with serve(gemini_live, "127.0.0.1", 0) as live:
        port = next(iter(live.sockets)).getsockname()[1]
        entry = {"model": "gemini-2.0-flash-live", "api_key": "g-key", "api_type": "google", "voice": "Puck"}
        entry["base_url"] = f"ws://127.0.0.1:{port}/live"
        asker = AskOnSessionCreated("What is 2 + 5?")
        agent = RealtimeAgent(
            name="gemini", system_message="Be brief.", llm_config={"config_list": [entry]}, observers=[asker]
        )
        assert isinstance(agent.realtime_client, GeminiRealtimeClient)

        @agent.register_realtime_function(description="Add two numbers")
        def add(a: int, b: int) -> int:
            return a + b

        with anyio.fail_after(30):
            await agent.run()

    setup = received[0]["setup"]
    assert setup["model"] == "models/gemini-2.0-flash-live"
    assert setup["system_instruction"] == {"role": "system", "parts": [{"text": "Be brief."}]}
    assert setup["tools"] == [{"function_declarations": [{"name": "add", "description": "Add two numbers", "parameters": {
        "type": "object",
        "properties": {"a": {"type": "integer", "description": "a"}, "b": {"type": "integer", "description": "b"}},
        "required": ["a", "b"],
    }}]}]  # fmt: skip
    generation = setup["generation_config"]
    assert generation["response_modalities"] == ["AUDIO"]
    assert generation["speech_config"] == {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}}
    assert received[1] == {
        "client_content": {"turn_complete": True, "turns": [{"role": "user", "parts": [{"text": "What is 2 + 5?"}]}]}
    }
    assert received[2] == {
        "tool_response": {"function_responses": [{"id": "fc-1", "response": {"result": {"string_value": "7"}}}]}
    }
    audio = [e for e in asker.events if isinstance(e, AudioDelta)]
    assert [base64.b64decode(e.delta) for e in audio] == [b"seven"]
    assert asker.events[-1].raw_message == {"serverContent": {"turnComplete": True}}


async def test_webrtc_client_hands_the_session_to_the_browser_and_answers_relayed_calls() -> None:
    session = {"id": "sess_1", "client_secret": {"value": "ek_123", "expires_at": 0}}
    with FakeJsonApi({"POST /v1/realtime/sessions": lambda call: (200, session)}) as api:
        config = {
            "config_list": [
                {"model": "gpt-4o-realtime", "api_key": "sk-1", "base_url": f"{api.url}/v1/realtime/sessions"}
            ]
        }

        async def agent_endpoint(connection: Any) -> None:
            agent = RealtimeAgent(name="rtc", llm_config=config, websocket=JsonWebSocket(connection))
            assert isinstance(agent.realtime_client, OpenAIRealtimeWebRTCClient)

            @agent.register_realtime_function(description="Add two numbers")
            def add(a: int, b: int) -> int:
                return a + b

            with anyio.fail_after(30):
                await agent.run()  # ends when the browser goes away

        async with serve(agent_endpoint, "127.0.0.1", 0) as endpoint:
            port = next(iter(endpoint.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as browser:
                with anyio.fail_after(30):
                    init = json.loads(await browser.recv())
                    updates = [json.loads(await browser.recv()) for _ in range(2)]
                    call = {"type": "response.function_call_arguments.done", "call_id": "c-9", "name": "add"}
                    await browser.send(json.dumps({**call, "arguments": json.dumps({"a": 20, "b": 22})}))
                    answer = [json.loads(await browser.recv()) for _ in range(2)]

    assert api.calls[0].headers["authorization"] == "Bearer sk-1"
    assert api.calls[0].body == {"model": "gpt-4o-realtime", "voice": "alloy"}
    assert init == {
        "type": "ag2.init",
        "config": {**session, "model": "gpt-4o-realtime"},
        "init": [{"type": "session.update", "session": {
            "turn_detection": {"type": "server_vad"}, "voice": "alloy", "modalities": ["audio", "text"], "temperature": 0.8,
        }}],
    }  # fmt: skip
    assert updates[0] == {"type": "session.update", "session": {"instructions": "You are a helpful AI Assistant."}}
    assert updates[1]["session"]["tools"][0]["name"] == "add"
    assert answer == [
        {
            "type": "conversation.item.create",
            "item": {"type": "function_call_output", "call_id": "c-9", "output": "42"},
        },
        {"type": "response.create"},
    ]


async def test_twilio_adapter_asks_for_g711_and_relays_the_call_audio() -> None:
    script = [RealtimeReply.speak(b"\xff\x7f" * 3, chunk_size=6)]
    with FakeRealtimeServer(script, close_after_script=True) as server:

        async def twilio_endpoint(connection: Any) -> None:
            adapter = TwilioAudioAdapter(JsonWebSocket(connection))
            agent = RealtimeAgent(name="phone", llm_config=server.llm_config, audio_adapter=adapter)
            with anyio.fail_after(30):
                await agent.run()

        async with serve(twilio_endpoint, "127.0.0.1", 0) as endpoint:
            port = next(iter(endpoint.sockets)).getsockname()[1]
            async with connect(f"ws://127.0.0.1:{port}") as twilio:
                await twilio.send(json.dumps({"event": "start", "start": {"streamSid": "MZ1"}}))
                payload = base64.b64encode(b"\x00\x01").decode()
                await twilio.send(json.dumps({"event": "media", "media": {"payload": payload, "timestamp": "20"}}))
                with anyio.fail_after(30):
                    media = json.loads(await twilio.recv())

    formats = {"input_audio_format": "g711_ulaw", "output_audio_format": "g711_ulaw"}
    assert formats in [e["session"] for e in server.events("session.update")]
    assert [e["audio"] for e in server.events("input_audio_buffer.append")] == [payload]
    assert media == {
        "event": "media",
        "streamSid": "MZ1",
        "media": {"payload": base64.b64encode(b"\xff\x7f" * 3).decode()},
    }


def test_get_client_picks_by_api_type_and_arguments() -> None:
    import logging

    log = logging.getLogger("t")
    openai_config = {"config_list": [{"model": "gpt-4o-realtime", "api_key": "k"}]}
    assert type(get_client(openai_config, log)).__name__ == "OpenAIRealtimeClient"
    assert isinstance(get_client(openai_config, log, websocket=object()), OpenAIRealtimeWebRTCClient)
    with pytest.raises(ValueError, match="Realtime API client not found"):
        get_client({"config_list": [{"model": "m", "api_key": "k", "api_type": "google"}]}, log, websocket=object())
