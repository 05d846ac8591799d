"""A2UI over A2A: A2UI data parts, and the A2UI extension of agent cards and requests (``a2a`` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....import_utils import optional_import
from .protocol import (
    A2UI_DEFAULT_ACTIVITY_TYPE,
    A2UI_DEFAULT_DELIMITER,
    A2UI_DEFAULT_VERSION,
    A2UI_EXTENSION_URI,
    MIME_TYPE_KEY,
)

optional_import("a2a.compat.v0_3.types", "a2a", feature="A2UI over A2A")

from a2a.compat.v0_3.types import AgentExtension, DataPart, Part

from ....a2a.constants import A2UI_MIME_TYPE

if TYPE_CHECKING:
    from a2a.server.agent_execution import RequestContext

__all__ = [
    "A2UI_DEFAULT_ACTIVITY_TYPE",
    "A2UI_DEFAULT_DELIMITER",
    "A2UI_DEFAULT_VERSION",
    "A2UI_EXTENSION_URI",
    "MIME_TYPE_KEY",
    "create_a2ui_part",
    "get_a2ui_agent_extension",
    "get_a2ui_datapart",
    "is_a2ui_part",
    "try_activate_a2ui_extension",
]

_EXTENSION_DESCRIPTION = "Provides agent-driven UI using the A2UI v0.9 JSON format."


def create_a2ui_part(a2ui_data: dict[str, Any] | list[dict[str, Any]]) -> Part | list[Part]:
    """A2UI message(s) as A2A data parts marked with the A2UI MIME type, one part per message (the
    message itself is the part's data): one part for a dict, a list of parts for a list of several."""
    operations = [a2ui_data] if isinstance(a2ui_data, dict) else a2ui_data
    parts = [Part(root=DataPart(data=op, metadata={MIME_TYPE_KEY: A2UI_MIME_TYPE})) for op in operations]
    return parts[0] if len(parts) == 1 else parts


def is_a2ui_part(part: Part) -> bool:
    """Whether ``part`` is a data part marked with the A2UI MIME type."""
    root = part.root
    return isinstance(root, DataPart) and (root.metadata or {}).get(MIME_TYPE_KEY) == A2UI_MIME_TYPE


def get_a2ui_datapart(part: Part) -> DataPart | None:
    """The A2UI data part inside ``part``, or None when it is not one."""
    return part.root if is_a2ui_part(part) else None  # type: ignore[return-value]


def get_a2ui_agent_extension(accepts_inline_custom_catalog: bool = False) -> AgentExtension:
    """The A2UI v0.9 extension for an agent card's ``capabilities.extensions``.

    ``accepts_inline_custom_catalog``: clients may send their own catalog inline.
    """
    params = {"acceptsInlineCustomCatalog": True} if accepts_inline_custom_catalog else None
    return AgentExtension(uri=A2UI_EXTENSION_URI, description=_EXTENSION_DESCRIPTION, params=params)


def try_activate_a2ui_extension(context: RequestContext) -> bool:
    """Whether the client asked for A2UI v0.9 in this request (A2A 1.x: the ``A2A-Extensions`` header).

    When it did, the extension's URI is also noted under ``activated_extensions`` in the context's
    metadata where that is a dict the context keeps (A2A SDK 1.x has no call to report activation).
    """
    if A2UI_EXTENSION_URI not in (context.requested_extensions or ()):
        return False
    metadata = getattr(context, "metadata", None)
    if metadata is None:
        metadata = {}
        try:
            context.metadata = metadata  # type: ignore[misc]
        except AttributeError:  # a read-only view (the SDK's RequestContext)
            return True
    activated = metadata.setdefault("activated_extensions", [])
    if A2UI_EXTENSION_URI not in activated:
        activated.append(A2UI_EXTENSION_URI)
    return True
