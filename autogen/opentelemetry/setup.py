"""The tracer AG2 spans are made with, and a sampler that keeps A2A transport noise out of exports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult

from .consts import INSTRUMENTING_LIBRARY_VERSION, INSTRUMENTING_MODULE_NAME, OTEL_SCHEMA

__all__ = ["DropNoiseSampler", "get_tracer"]


class DropNoiseSampler(Sampler):
    """Record every span, but export only those not named ``a2a.*`` (the A2A server's own spans)."""

    def should_sample(
        self,
        parent_context: Any,
        trace_id: int,
        name: str,
        kind: trace.SpanKind | None = None,
        attributes: Any = None,
        links: Sequence[trace.Link] | None = None,
        trace_state: trace.TraceState | None = None,
    ) -> SamplingResult:
        noisy = name.startswith("a2a.")
        return SamplingResult(
            Decision.RECORD_ONLY if noisy else Decision.RECORD_AND_SAMPLE, attributes=None, trace_state=trace_state
        )

    def get_description(self) -> str:
        return "DropNoiseSampler: a2a.* spans are recorded but not exported"


def get_tracer(tracer_provider: Any) -> trace.Tracer:
    """The AG2 tracer of ``tracer_provider`` (scope ``opentelemetry.instrumentation.ag2``)."""
    return tracer_provider.get_tracer(
        instrumenting_module_name=INSTRUMENTING_MODULE_NAME,
        instrumenting_library_version=INSTRUMENTING_LIBRARY_VERSION,
        schema_url=OTEL_SCHEMA,
    )
