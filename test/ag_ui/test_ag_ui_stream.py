"""AG-UI over real HTTP: an `AGUIStream` endpoint under uvicorn on 127.0.0.1, its agent's model a
FakeLLMServer; an httpx client posts `RunAgentInput` and reads the SSE events."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("ag_ui")
uvicorn = pytest.importorskip("uvicorn")

import httpx
from ag_ui.core import AssistantMessage, FunctionCall, RunAgentInput, Tool, ToolCall, ToolMessage, UserMessage
from starlette.applications import Starlette
from starlette.routing import Route

from autogen import ConversableAgent
from autogen.ag_ui import AGUIStream
from autogen.agentchat.group import ContextVariables, ReplyResult
from autogen.testing import FakeLLMServer, Fault, tool_call


class Served:
    """A Starlette app under uvicorn in a background thread of this process."""

    def __init__(self, app: Starlette) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture()
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as server:
        yield server


def make_agent(llm: FakeLLMServer, *, stream: bool = False, **kwargs: Any) -> ConversableAgent:
    config = llm.llm_config
    config["config_list"][0]["stream"] = stream
    return ConversableAgent("assistant", llm_config=config, human_input_mode="NEVER", **kwargs)


def run_input(*messages: Any, tools: list[Tool] | None = None, state: Any = None) -> RunAgentInput:
    return RunAgentInput(
        thread_id="thread-1",
        run_id="run-1",
        messages=list(messages),
        state=state or {},
        tools=tools or [],
        context=[],
        forwarded_props=None,
    )


def post(agent: ConversableAgent, incoming: RunAgentInput) -> tuple[httpx.Response, list[dict[str, Any]]]:
    app = Starlette(routes=[Route("/agent", AGUIStream(agent).build_asgi())])
    with Served(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        response = client.post(
            "/agent", content=incoming.model_dump_json(by_alias=True), headers={"accept": "text/event-stream"}
        )
    events = [json.loads(line[len("data: ") :]) for line in response.text.splitlines() if line.startswith("data: ")]
    return response, events


def types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


WEATHER_TOOL = Tool(
    name="show_weather_card",
    description="Show a weather card in the UI.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def test_text_reply(llm: FakeLLMServer) -> None:
    llm.add_replies("Hello from AG2!")
    response, events = post(make_agent(llm), run_input(UserMessage(id="m1", content="Hi")))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert types(events) == ["RUN_STARTED", "TEXT_MESSAGE_CHUNK", "RUN_FINISHED"]
    assert events[0]["threadId"] == "thread-1" and events[0]["runId"] == "run-1"
    assert events[1]["delta"] == "Hello from AG2!" and events[1]["role"] == "assistant"
    assert events[2]["threadId"] == "thread-1" and events[2]["runId"] == "run-1"
    assert all(isinstance(e["timestamp"], int) for e in events)
    assert llm.requests[-1].messages[-1] == {"role": "user", "content": "Hi"}


def test_streamed_text_reply(llm: FakeLLMServer) -> None:
    text = "A streamed answer, sent in many small chunks by the model."
    llm.add_replies(text)
    _, events = post(make_agent(llm, stream=True), run_input(UserMessage(id="m1", content="Hi")))

    kinds = types(events)
    assert kinds[:2] == ["RUN_STARTED", "TEXT_MESSAGE_START"]
    assert kinds[-2:] == ["TEXT_MESSAGE_END", "RUN_FINISHED"]
    assert set(kinds[2:-2]) == {"TEXT_MESSAGE_CONTENT"} and len(kinds[2:-2]) > 1
    assert "".join(e["delta"] for e in events[2:-2]) == text
    assert len({e["messageId"] for e in events[1:-1]}) == 1


def test_backend_tool_call(llm: FakeLLMServer) -> None:
    agent = make_agent(llm)

    @agent.register_for_llm(description="Current time.")
    def clock(timezone: str) -> str:
        return f"10:30 in {timezone}"

    llm.add_replies(
        {"content": None, "tool_calls": [tool_call("clock", {"timezone": "UTC"}, id="call_7")]}, "It is 10:30."
    )
    _, events = post(agent, run_input(UserMessage(id="m1", content="Time?")))

    assert types(events) == [
        "RUN_STARTED",
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
        "TOOL_CALL_RESULT",
        "TEXT_MESSAGE_CHUNK",
        "RUN_FINISHED",
    ]
    start, args, end, result, text = events[1:6]
    assert start["toolCallId"] == args["toolCallId"] == end["toolCallId"] == result["toolCallId"] == "call_7"
    assert start["toolCallName"] == "clock"
    assert json.loads(args["delta"]) == {"timezone": "UTC"}
    assert result["content"] == "10:30 in UTC" and result["role"] == "tool"
    assert text["delta"] == "It is 10:30."
    # the model saw the tool's result
    assert llm.requests[-1].messages[-1] == {"role": "tool", "tool_call_id": "call_7", "content": "10:30 in UTC"}


def test_front_end_tool(llm: FakeLLMServer) -> None:
    agent = make_agent(llm)
    llm.add_replies({"content": None, "tool_calls": [tool_call("show_weather_card", {"city": "Rome"}, id="call_ui")]})
    _, events = post(agent, run_input(UserMessage(id="m1", content="Weather in Rome?"), tools=[WEATHER_TOOL]))

    assert types(events) == ["RUN_STARTED", "TOOL_CALL_CHUNK", "RUN_FINISHED"]
    chunk = events[1]
    assert chunk["toolCallId"] == "call_ui" and chunk["toolCallName"] == "show_weather_card"
    assert json.loads(chunk["delta"]) == {"city": "Rome"}
    offered = llm.requests[-1].body["tools"]
    assert offered == [
        {
            "type": "function",
            "function": {
                "name": "show_weather_card",
                "description": "Show a weather card in the UI.",
                "parameters": WEATHER_TOOL.parameters,
            },
        }
    ]

    # the client ran the tool and sends its result in the next run
    llm.add_replies("The card shows Rome: sunny.")
    call = ToolCall(id="call_ui", function=FunctionCall(name="show_weather_card", arguments='{"city": "Rome"}'))
    _, events = post(
        agent,
        run_input(
            UserMessage(id="m1", content="Weather in Rome?"),
            AssistantMessage(id="m2", tool_calls=[call]),
            ToolMessage(id="m3", tool_call_id="call_ui", content="shown: sunny"),
            tools=[WEATHER_TOOL],
        ),
    )
    assert types(events) == ["RUN_STARTED", "TEXT_MESSAGE_CHUNK", "RUN_FINISHED"]
    sent = llm.requests[-1].messages
    assert sent[-2]["tool_calls"][0]["id"] == "call_ui"
    assert sent[-1] == {"role": "tool", "tool_call_id": "call_ui", "content": "shown: sunny"}


def test_context_variables_as_state_snapshots(llm: FakeLLMServer) -> None:
    agent = make_agent(llm, context_variables=ContextVariables({"todos": ["buy milk"]}))

    @agent.register_for_llm(description="Add a todo.")
    def add_todo(item: str, context_variables: ContextVariables) -> ReplyResult:
        context_variables["todos"] = [*context_variables.get("todos", []), item]
        return ReplyResult(message=f"added {item}", context_variables=context_variables)

    llm.add_replies({"content": None, "tool_calls": [tool_call("add_todo", {"item": "call mum"})]}, "Added.")
    _, events = post(agent, run_input(UserMessage(id="m1", content="Remind me to call mum"), state={"user": "ann"}))

    kinds = types(events)
    assert kinds[:2] == ["RUN_STARTED", "STATE_SNAPSHOT"]
    assert events[1]["snapshot"] == {"todos": ["buy milk"], "user": "ann"}
    snapshots = [e["snapshot"] for e in events if e["type"] == "STATE_SNAPSHOT"]
    assert snapshots[-1] == {"todos": ["buy milk", "call mum"], "user": "ann"}
    assert kinds.index("TOOL_CALL_END") < kinds.index("TOOL_CALL_RESULT")
    assert kinds[-1] == "RUN_FINISHED"
    # the agent's own context is not changed by a run
    assert agent.context_variables.get("todos") == ["buy milk"]


def test_error_ends_the_run_with_run_error(llm: FakeLLMServer) -> None:
    llm.add_replies(Fault.error(401, "invalid api key"))
    response, events = post(make_agent(llm), run_input(UserMessage(id="m1", content="Hi")))

    assert response.status_code == 200
    assert types(events) == ["RUN_STARTED", "RUN_ERROR"]
    assert "invalid api key" in events[1]["message"]


async def test_dispatch_raises_after_reporting_the_error(llm: FakeLLMServer) -> None:
    llm.add_replies(Fault.error(401, "invalid api key"))
    seen: list[str] = []
    with pytest.raises(Exception, match="invalid api key"):
        async for chunk in AGUIStream(make_agent(llm)).dispatch(run_input(UserMessage(id="m1", content="Hi"))):
            seen.append(json.loads(chunk.removeprefix("data: "))["type"])
    assert seen == ["RUN_STARTED", "RUN_ERROR"]


def test_invalid_input_is_refused(llm: FakeLLMServer) -> None:
    app = Starlette(routes=[Route("/agent", AGUIStream(make_agent(llm)).build_asgi())])
    with Served(app) as base:
        response = httpx.post(f"{base}/agent", content=b'{"threadId": 1}', timeout=10)
    assert response.status_code == 422
    assert llm.requests == []
