"""FakeRealtimeServer answers like the OpenAI Realtime API, refusals included."""

import base64
import json
from typing import Any

from websockets.sync.client import connect

from autogen.testing.realtime import FakeRealtimeServer, RealtimeReply


def _exchange(server: FakeRealtimeServer, events: list[dict[str, Any]], until: int) -> list[dict[str, Any]]:
    """Send ``events``, then read server events until ``until`` of them have arrived."""
    url = server.base_url.replace("http", "ws") + f"/realtime?model={server.model}"
    with connect(url, additional_headers={"Authorization": "Bearer k"}) as ws:
        for event in events:
            ws.send(json.dumps(event))
        return [json.loads(ws.recv(timeout=10)) for _ in range(until)]


def test_a_session_starts_and_takes_updates() -> None:
    with FakeRealtimeServer(model="m-1") as server:
        got = _exchange(server, [{"type": "session.update", "session": {"voice": "echo"}}], until=2)
    assert got[0]["type"] == "session.created" and got[0]["session"]["model"] == "m-1"
    assert got[1]["type"] == "session.updated" and got[1]["session"]["voice"] == "echo"
    assert server.handshakes[0][0] == "/v1/realtime?model=m-1"


def test_requests_the_api_refuses_get_error_events() -> None:
    bad = [
        {"type": "no.such.event"},
        {"type": "input_audio_buffer.append", "audio": "not base64!"},
        {"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": "x", "output": "1"}},
        {"type": "response.cancel"},
        {"type": "response.create"},
    ]
    with FakeRealtimeServer() as server:
        got = _exchange(server, bad, until=1 + len(bad))
    codes = [e["error"]["code"] for e in got[1:]]
    assert [e["type"] for e in got[1:]] == ["error"] * len(bad)
    assert codes == [
        "invalid_value",
        "invalid_value",
        "invalid_value",
        "response_cancel_not_active",
        "script_exhausted",
    ]


def test_server_vad_turns_audio_into_a_user_turn_and_plays_the_next_reply() -> None:
    chunk = base64.b64encode(b"abc").decode()
    events = [
        {"type": "session.update", "session": {"turn_detection": {"type": "server_vad"}}},
        {"type": "input_audio_buffer.append", "audio": chunk},
        {"type": "input_audio_buffer.append", "audio": chunk},
    ]
    with FakeRealtimeServer([RealtimeReply.speak(b"12345678", "hi")], audio_turn_chunks=2) as server:
        got = _exchange(server, events, until=2 + 4 + 8)  # created, updated, the turn, one response
    types = [e["type"] for e in got]
    assert types[2:6] == [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
        "conversation.item.created",
    ]
    assert got[5]["item"]["content"] == [{"type": "input_audio", "audio": chunk + chunk}]
    deltas = [base64.b64decode(e["delta"]) for e in got if e["type"] == "response.audio.delta"]
    assert deltas == [b"1234", b"5678"]
    assert types[-1] == "response.done"
