"""Deprecated aliases of ``autogen.events.client_events`` under their ``*Message`` names."""

from ..events.client_events import (
    ActualUsageSummary,
    ModelUsageSummary,
    TotalUsageSummary,
)
from ..events.client_events import (
    StreamEvent as StreamMessage,
)
from ..events.client_events import (
    UsageSummaryEvent as UsageSummaryMessage,
)

__all__ = ["ActualUsageSummary", "ModelUsageSummary", "StreamMessage", "TotalUsageSummary", "UsageSummaryMessage"]
