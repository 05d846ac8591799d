"""Spans of a real chat exported with the SDK's own OTLP exporters (HTTP and gRPC) to the
`autogen.testing.otlp.OTLPReceiver` on 127.0.0.1: they arrive with their parents and attributes."""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.error
import urllib.request

import pytest

pytest.importorskip("opentelemetry.exporter.otlp.proto.http")
pytest.importorskip("opentelemetry.exporter.otlp.proto.grpc")

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

from autogen import ConversableAgent
from autogen.opentelemetry import instrument_agent, instrument_llm_wrapper, uninstrument_llm_wrapper
from autogen.testing import FakeLLMServer, tool_call
from autogen.testing.otlp import OTLPReceiver

MODEL = "gpt-4o-mini"
REPLIES = [{"tool_calls": [tool_call("add", {"a": 1, "b": 2}, id="call_1")]}, "3. TERMINATE"]


@pytest.fixture
def receiver():
    with OTLPReceiver() as r:
        yield r


def _provider(processor) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": "otel-test"}))
    provider.add_span_processor(processor)
    instrument_llm_wrapper(tracer_provider=provider)
    return provider


def _chat(provider, use_async: bool = False) -> None:
    with FakeLLMServer(REPLIES, model=MODEL) as llm:
        assistant = ConversableAgent("assistant", llm_config=llm.llm_config)
        user = ConversableAgent(
            "user",
            llm_config=False,
            human_input_mode="NEVER",
            is_termination_msg=lambda m: "TERMINATE" in (m.get("content") or ""),
        )

        @user.register_for_execution()
        @assistant.register_for_llm(description="Add two integers.")
        def add(a: int, b: int) -> int:
            return a + b

        instrument_agent(user, tracer_provider=provider)
        instrument_agent(assistant, tracer_provider=provider)
        if use_async:
            asyncio.run(user.a_initiate_chat(assistant, message="Add 1+2.", max_turns=3))
        else:
            user.initiate_chat(assistant, message="Add 1+2.", max_turns=3)


def _check_tree(spans, transport: str) -> None:
    by_id = {s.span_id: s for s in spans}
    names = sorted(s.name for s in spans)
    assert names == sorted(
        [
            "conversation user",
            "invoke_agent assistant",
            "invoke_agent assistant",
            f"chat {MODEL}",
            f"chat {MODEL}",
            "invoke_agent user",
            "execute_tool add",
            "invoke_agent user",
        ]
    ), names
    root = next(s for s in spans if s.name == "conversation user")
    assert root.parent_span_id is None
    assert {s.trace_id for s in spans} == {root.trace_id}
    for s in spans:
        assert s.transport == transport
        assert s.scope == "opentelemetry.instrumentation.ag2"
        assert s.resource["service.name"] == "otel-test"
        if s.name.startswith("invoke_agent"):
            assert by_id[s.parent_span_id].name == "conversation user"
        if s.name.startswith("chat "):
            assert by_id[s.parent_span_id].name == "invoke_agent assistant"
            assert s.kind == "CLIENT"
            assert s.attributes["gen_ai.provider.name"] == "openai"
            assert s.attributes["gen_ai.response.model"] == MODEL
            assert s.attributes["gen_ai.usage.input_tokens"] > 0
    tool = next(s for s in spans if s.name == "execute_tool add")
    assert by_id[tool.parent_span_id].name == "invoke_agent user"
    assert tool.attributes["gen_ai.tool.call.id"] == "call_1"
    assert json.loads(tool.attributes["gen_ai.tool.call.arguments"]) == {"a": 1, "b": 2}
    assert tool.attributes["gen_ai.tool.call.result"] == "3"
    assert root.attributes["gen_ai.conversation.turns"] == 4
    assert root.attributes["gen_ai.usage.output_tokens"] > 0


def test_http_protobuf_export(receiver):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = _provider(SimpleSpanProcessor(OTLPSpanExporter(endpoint=receiver.http_endpoint)))
    try:
        _chat(provider)
        _check_tree(receiver.wait_for_spans(8), "http/protobuf")
    finally:
        uninstrument_llm_wrapper()
        provider.shutdown()


def test_grpc_export_of_an_async_chat(receiver):
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    exporter = OTLPSpanExporter(endpoint=receiver.grpc_endpoint, insecure=True)
    provider = _provider(BatchSpanProcessor(exporter, schedule_delay_millis=50))
    try:
        _chat(provider, use_async=True)
        provider.force_flush()
        _check_tree(receiver.wait_for_spans(8), "grpc")
        assert set(receiver.requests) == {"grpc"}
    finally:
        uninstrument_llm_wrapper()
        provider.shutdown()


def test_http_json_export(receiver):
    """OTLP/JSON (hex ids, as the OTLP spec writes them) is read like protobuf."""
    from google.protobuf import json_format
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    memory = InMemorySpanExporter()
    provider = _provider(SimpleSpanProcessor(memory))
    try:
        _chat(provider)
    finally:
        uninstrument_llm_wrapper()
    body = json_format.MessageToDict(encode_spans(memory.get_finished_spans()))

    def to_hex(node):
        if isinstance(node, dict):
            return {
                k: (base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") else to_hex(v))
                for k, v in node.items()
            }
        return [to_hex(v) for v in node] if isinstance(node, list) else node

    request = urllib.request.Request(
        receiver.http_endpoint, data=json.dumps(to_hex(body)).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    _check_tree(receiver.wait_for_spans(8), "http/json")
    assert {(s.span_id, s.parent_span_id) for s in receiver.spans} == {
        (format(s.context.span_id, "016x"), format(s.parent.span_id, "016x") if s.parent else None)
        for s in memory.get_finished_spans()
    }


def test_receiver_refuses_what_is_not_an_otlp_trace_export(receiver):
    def post(path: str, content_type: str, body: bytes) -> int:
        url = receiver.http_endpoint.replace("/v1/traces", path)
        request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    assert post("/v1/metrics", "application/x-protobuf", b"") == 404
    assert post("/v1/traces", "text/plain", b"hi") == 415
    assert post("/v1/traces", "application/x-protobuf", b"\xff\xff\xff") == 400
    assert receiver.spans == []
