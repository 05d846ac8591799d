"""An A2UIAgent behind an AG-UI endpoint (uvicorn on 127.0.0.1, model a FakeLLMServer) with the A2UI
interceptor: the surface arrives as an ACTIVITY_SNAPSHOT event, the text alone as the message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

pytest.importorskip("ag_ui")
pytest.importorskip("starlette")
pytest.importorskip("jsonschema")

import httpx
from ag_ui.core import RunAgentInput, Tool, UserMessage
from starlette.applications import Starlette
from starlette.routing import Route

from autogen.ag_ui import AGUIStream
from autogen.agents.experimental.a2ui import A2UIAgent, a2ui_event_interceptor, create_a2ui_event_interceptor
from autogen.testing import FakeLLMServer, tool_call

OPERATIONS = [
    {
        "version": "v0.9",
        "createSurface": {"surfaceId": "s1", "catalogId": "https://a2ui.org/specification/v0_9/basic_catalog.json"},
    },
    {"version": "v0.9", "deleteSurface": {"surfaceId": "s1"}},
]


def run(base: str, text: str, tools: list[Tool] | None = None) -> list[dict[str, Any]]:
    incoming = RunAgentInput(
        thread_id="t1",
        run_id="r1",
        messages=[UserMessage(id="m1", content=text)],
        state={},
        tools=tools or [],
        context=[],
        forwarded_props=None,
    )
    response = httpx.post(
        f"{base}/agent",
        content=incoming.model_dump_json(by_alias=True),
        headers={"accept": "text/event-stream"},
        timeout=30,
    )
    return [json.loads(line[len("data: ") :]) for line in response.text.splitlines() if line.startswith("data: ")]


def endpoint(agent: A2UIAgent, interceptor: Any) -> Callable[[str], Any]:
    stream = AGUIStream(agent, event_interceptors=[interceptor])
    return lambda _url: Starlette(routes=[Route("/agent", stream.build_asgi())])


def test_surface_becomes_an_activity_event(llm: FakeLLMServer, serve: Any) -> None:
    llm.add_replies(f"Your surface.\n---a2ui_JSON---\n{json.dumps(OPERATIONS)}", "Plain answer.")
    agent = A2UIAgent(llm_config=llm.llm_config, human_input_mode="NEVER")
    base = serve(endpoint(agent, a2ui_event_interceptor))

    events = run(base, "show me")
    assert [e["type"] for e in events] == ["RUN_STARTED", "ACTIVITY_SNAPSHOT", "TEXT_MESSAGE_CHUNK", "RUN_FINISHED"]
    assert events[1]["activityType"] == "a2ui-surface"
    assert events[1]["content"] == {"operations": OPERATIONS}
    assert events[2]["delta"] == "Your surface."

    events = run(base, "just talk")
    assert [e["type"] for e in events] == ["RUN_STARTED", "TEXT_MESSAGE_CHUNK", "RUN_FINISHED"]
    assert events[1]["delta"] == "Plain answer."


def test_surface_without_text_and_custom_options(llm: FakeLLMServer, serve: Any) -> None:
    llm.add_replies(f"<<UI>>\n```json\n{json.dumps(OPERATIONS)}\n```")
    agent = A2UIAgent(llm_config=llm.llm_config, human_input_mode="NEVER", response_delimiter="<<UI>>")
    interceptor = create_a2ui_event_interceptor(delimiter="<<UI>>", activity_type="my-surface")
    base = serve(endpoint(agent, interceptor))

    events = run(base, "show me")
    assert [e["type"] for e in events] == ["RUN_STARTED", "ACTIVITY_SNAPSHOT", "RUN_FINISHED"]
    assert events[1]["activityType"] == "my-surface"
    assert events[1]["content"]["operations"] == OPERATIONS


def test_front_end_tools_are_offered_to_the_validated_reply(llm: FakeLLMServer, serve: Any) -> None:
    llm.add_replies({"tool_calls": [tool_call("confetti", {"color": "gold"})]})
    agent = A2UIAgent(llm_config=llm.llm_config, human_input_mode="NEVER")
    base = serve(endpoint(agent, a2ui_event_interceptor))
    confetti = Tool(name="confetti", description="Throw confetti.", parameters={"type": "object", "properties": {}})

    events = run(base, "celebrate", tools=[confetti])
    assert [e["type"] for e in events] == ["RUN_STARTED", "TOOL_CALL_CHUNK", "RUN_FINISHED"]
    assert events[1]["toolCallName"] == "confetti"
    (request,) = [r for r in llm.requests if r.path.endswith("/chat/completions")]
    assert [t["function"]["name"] for t in request.body["tools"]] == ["confetti"]
