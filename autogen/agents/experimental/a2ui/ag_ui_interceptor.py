"""A2UI over AG-UI: an `AGUIStream` event interceptor turning an answer's A2UI JSON into an
``ACTIVITY_SNAPSHOT`` event (``ag-ui`` extra), as CopilotKit's ``@copilotkit/a2ui-renderer`` expects."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING
from uuid import uuid4

from ....import_utils import optional_import
from .protocol import A2UI_DEFAULT_ACTIVITY_TYPE, A2UI_DEFAULT_DELIMITER, A2UI_DEFAULT_VERSION
from .response_parser import A2UIResponseParser

optional_import("ag_ui.core", "ag-ui", feature="A2UI over AG-UI")

from ag_ui.core import ActivitySnapshotEvent, BaseEvent

if TYPE_CHECKING:
    from ....agentchat.remote import ServiceResponse

__all__ = ["a2ui_event_interceptor", "create_a2ui_event_interceptor"]

logger = logging.getLogger(__name__)


def create_a2ui_event_interceptor(
    delimiter: str = A2UI_DEFAULT_DELIMITER,
    version_string: str = A2UI_DEFAULT_VERSION,
    activity_type: str = A2UI_DEFAULT_ACTIVITY_TYPE,
) -> Callable[[ServiceResponse], AsyncIterator[BaseEvent]]:
    """An interceptor for ``AGUIStream(agent, event_interceptors=[...])``.

    For each agent message whose text carries A2UI JSON after ``delimiter``, it yields one
    ``ActivitySnapshotEvent`` (``activity_type``, content ``{"operations": [...]}``) and leaves only
    the text in the message (no message at all when there is no text), so the JSON is not shown as
    text too. Messages without A2UI, or with JSON that does not parse, pass unchanged.
    """
    parser = A2UIResponseParser(version_string=version_string, delimiter=delimiter)

    async def a2ui_event_interceptor(response: ServiceResponse) -> AsyncIterator[BaseEvent]:
        message = response.message
        content = message.get("content") if message else None
        if not isinstance(content, str) or not content:
            return
        parsed = parser.parse(content)
        if not parsed.has_a2ui:
            return
        if parsed.parse_error:
            logger.warning("Agent message with unusable A2UI JSON, sent as text: %s", parsed.parse_error)
            return
        if parsed.operations:
            yield ActivitySnapshotEvent(
                message_id=uuid4().hex, activity_type=activity_type, content={"operations": parsed.operations}
            )
        if parsed.text:
            message["content"] = parsed.text  # type: ignore[index]
        else:
            response.message = None

    return a2ui_event_interceptor


a2ui_event_interceptor = create_a2ui_event_interceptor()
"""The interceptor with the default delimiter, version and activity type."""
