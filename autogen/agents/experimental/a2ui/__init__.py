"""A2UI: agents answering with user interfaces in the A2UI protocol (https://a2ui.org).

`A2UIAgent` writes A2UI surfaces (validated with the ``a2ui`` extra); `A2UIAgentExecutor` and the
``a2a_helpers`` carry them over A2A (``a2a`` extra), `a2ui_event_interceptor` over AG-UI
(``ag-ui`` extra). Each name is loaded on first use, so only the extras actually used are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ....a2a.constants import A2UI_MIME_TYPE
    from .a2a_executor import A2UIAgentExecutor
    from .a2a_helpers import (
        create_a2ui_part,
        get_a2ui_agent_extension,
        get_a2ui_datapart,
        is_a2ui_part,
        try_activate_a2ui_extension,
    )
    from .a2ui_agent import A2UIAgent
    from .actions import A2UIAction
    from .ag_ui_interceptor import a2ui_event_interceptor, create_a2ui_event_interceptor
    from .protocol import (
        A2UI_DEFAULT_ACTIVITY_TYPE,
        A2UI_DEFAULT_DELIMITER,
        A2UI_DEFAULT_VERSION,
        A2UI_EXTENSION_URI,
    )
    from .response_parser import A2UIParseResult, A2UIResponseParser, A2UIValidationResult
    from .schema_manager import A2UISchemaManager

_WHERE = {
    "A2UI_DEFAULT_ACTIVITY_TYPE": ".protocol",
    "A2UI_DEFAULT_DELIMITER": ".protocol",
    "A2UI_DEFAULT_VERSION": ".protocol",
    "A2UI_EXTENSION_URI": ".protocol",
    "A2UI_MIME_TYPE": "....a2a.constants",
    "A2UIAction": ".actions",
    "A2UIAgent": ".a2ui_agent",
    "A2UIAgentExecutor": ".a2a_executor",
    "A2UIParseResult": ".response_parser",
    "A2UIResponseParser": ".response_parser",
    "A2UISchemaManager": ".schema_manager",
    "A2UIValidationResult": ".response_parser",
    "a2ui_event_interceptor": ".ag_ui_interceptor",
    "create_a2ui_event_interceptor": ".ag_ui_interceptor",
    "create_a2ui_part": ".a2a_helpers",
    "get_a2ui_agent_extension": ".a2a_helpers",
    "get_a2ui_datapart": ".a2a_helpers",
    "is_a2ui_part": ".a2a_helpers",
    "try_activate_a2ui_extension": ".a2a_helpers",
}

__all__ = [
    "A2UI_DEFAULT_ACTIVITY_TYPE",
    "A2UI_DEFAULT_DELIMITER",
    "A2UI_DEFAULT_VERSION",
    "A2UI_EXTENSION_URI",
    "A2UI_MIME_TYPE",
    "A2UIAction",
    "A2UIAgent",
    "A2UIAgentExecutor",
    "A2UIParseResult",
    "A2UIResponseParser",
    "A2UISchemaManager",
    "A2UIValidationResult",
    "a2ui_event_interceptor",
    "create_a2ui_event_interceptor",
    "create_a2ui_part",
    "get_a2ui_agent_extension",
    "get_a2ui_datapart",
    "is_a2ui_part",
    "try_activate_a2ui_extension",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
