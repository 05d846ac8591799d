"""Tracing tests: an SDK TracerProvider exporting to memory, with the LLM wrapper instrumented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class Traces:
    """The spans of one test, with helpers to walk the span tree."""

    def __init__(self, exporter: InMemorySpanExporter, provider: TracerProvider) -> None:
        self.exporter = exporter
        self.provider = provider

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, prefix: str) -> list[ReadableSpan]:
        return [s for s in self.spans if s.name.startswith(prefix)]

    def one(self, name: str) -> ReadableSpan:
        found = [s for s in self.spans if s.name == name]
        assert len(found) == 1, f"{len(found)} spans named {name!r}: {[s.name for s in self.spans]}"
        return found[0]

    def parent(self, span: ReadableSpan) -> ReadableSpan | None:
        if span.parent is None:
            return None
        return next((s for s in self.spans if s.context.span_id == span.parent.span_id), None)

    def parent_name(self, span: ReadableSpan) -> str | None:
        parent = self.parent(span)
        return parent.name if parent is not None else None

    def children(self, span: ReadableSpan) -> list[ReadableSpan]:
        return [s for s in self.spans if s.parent is not None and s.parent.span_id == span.context.span_id]

    def outline(self) -> list[str]:
        """The span tree as indented names, children in start order (for readable failures)."""
        lines: list[str] = []

        def walk(span: ReadableSpan, depth: int) -> None:
            lines.append("  " * depth + span.name)
            for child in sorted(self.children(span), key=lambda s: s.start_time or 0):
                walk(child, depth + 1)

        for root in sorted((s for s in self.spans if self.parent(s) is None), key=lambda s: s.start_time or 0):
            walk(root, 0)
        return lines


@pytest.fixture
def traces() -> Iterator[Traces]:
    from autogen.opentelemetry import instrument_llm_wrapper, uninstrument_llm_wrapper

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrument_llm_wrapper(tracer_provider=provider)
    try:
        yield Traces(exporter, provider)
    finally:
        uninstrument_llm_wrapper()
        provider.shutdown()
