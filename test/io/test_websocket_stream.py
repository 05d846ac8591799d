"""IOWebsockets against a real websocket server and client on 127.0.0.1."""

import json

import pytest

pytest.importorskip("websockets")

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from autogen.events.agent_events import TextEvent
from autogen.io import IOStream, IOWebsockets


def on_connect(stream: IOWebsockets) -> None:
    # Runs in the server's connection thread, like a user's agent code would.
    assert IOStream.get_default() is stream
    first = stream.websocket.recv()
    IOStream.get_default().print("you said", first)
    IOStream.get_default().send(TextEvent(content="hi", sender="bot", recipient="you"))
    answer = IOStream.get_default().input("Your name?")
    stream.print(f"hello {answer}")


def test_events_prints_and_input_go_over_the_websocket() -> None:
    with IOWebsockets.run_server_in_thread(host="127.0.0.1", port=0, on_connect=on_connect) as uri:
        assert uri.startswith("ws://127.0.0.1:")
        with connect(uri) as ws:
            ws.send("start")
            printed = json.loads(ws.recv(timeout=5))
            assert printed["type"] == "print"
            assert printed["content"]["objects"] == ["you said", "start"]
            text = json.loads(ws.recv(timeout=5))
            assert text["type"] == "text"
            assert text["content"]["sender"] == "bot" and text["content"]["content"] == "hi"
            assert ws.recv(timeout=5) == "Your name?"
            ws.send(b"Ada")  # bytes answers are decoded as UTF-8
            final = json.loads(ws.recv(timeout=5))
            assert final["content"]["objects"] == ["hello Ada"]


def test_a_failing_connection_handler_does_not_stop_the_server() -> None:
    def flaky(stream: IOWebsockets) -> None:
        if stream.input() == "fail":
            raise RuntimeError("boom")
        stream.print("ok")

    with IOWebsockets.run_server_in_thread(port=0, on_connect=flaky) as uri:
        with connect(uri) as ws:
            ws.send("fail")
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=5)  # the failing handler ends its connection
        with connect(uri) as ws:
            ws.send("go")
            assert json.loads(ws.recv(timeout=5))["content"]["objects"] == ["ok"]
