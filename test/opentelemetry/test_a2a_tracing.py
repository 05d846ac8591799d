"""`instrument_a2a_server`: a traced A2A exchange over real HTTP (uvicorn on 127.0.0.1) is one trace."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

pytest.importorskip("a2a")
uvicorn = pytest.importorskip("uvicorn")

from autogen import ConversableAgent
from autogen.a2a import A2aAgentServer, A2aRemoteAgent
from autogen.opentelemetry import instrument_a2a_server, instrument_agent
from autogen.testing import FakeLLMServer

pytestmark = pytest.mark.filterwarnings("ignore::ImportWarning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(app: Any, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, thread


async def test_remote_call_continues_the_callers_trace(traces: Any) -> None:
    with FakeLLMServer(["Served answer."]) as llm:
        served_agent = ConversableAgent("served", llm_config=llm.llm_config, human_input_mode="NEVER")
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        a2a_server = A2aAgentServer(served_agent, url=url)
        assert instrument_a2a_server(a2a_server, tracer_provider=traces.provider) is a2a_server
        assert instrument_a2a_server(a2a_server, tracer_provider=traces.provider) is a2a_server  # once only
        server, thread = _serve(a2a_server.build(), port)
        try:
            remote = instrument_agent(A2aRemoteAgent(url=url, name="remote"), tracer_provider=traces.provider)
            user = ConversableAgent("user", llm_config=False)
            result = await user.a_initiate_chat(remote, message="Hi", max_turns=1)
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    assert result.chat_history[-1]["content"] == "Served answer."
    from opentelemetry.trace import SpanKind

    (invoke,) = [s for s in traces.named("invoke_agent remote") if s.kind is SpanKind.CLIENT]
    assert invoke.attributes["gen_ai.agent.remote"] is True
    executions = traces.named("a2a-execution")
    assert executions, traces.outline()
    # every server span belongs to the caller's trace, under its invoke_agent span
    assert {s.context.trace_id for s in executions} == {invoke.context.trace_id}
    assert all(traces.parent(s) is invoke for s in executions), traces.outline()
    llm_spans = traces.named("chat ")
    assert llm_spans and all(s.context.trace_id == invoke.context.trace_id for s in llm_spans), traces.outline()
