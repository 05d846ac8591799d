"""Names and defaults of the A2UI protocol as AG2 speaks it (no optional package needed)."""

A2UI_EXTENSION_URI = "https://a2ui.org/a2a-extension/a2ui/v0.9"
"""The A2A extension an agent card declares, and a client requests, for A2UI v0.9 output."""

MIME_TYPE_KEY = "mimeType"
"""Key of an A2A data part's metadata holding its MIME type."""

A2UI_DEFAULT_DELIMITER = "---a2ui_JSON---"
"""What separates an answer's text from its A2UI JSON."""

A2UI_DEFAULT_VERSION = "v0.9"
"""The protocol version written into every A2UI message."""

A2UI_DEFAULT_ACTIVITY_TYPE = "a2ui-surface"
"""Activity type of the AG-UI events carrying A2UI operations (what CopilotKit's renderer matches)."""

__all__ = [
    "A2UI_DEFAULT_ACTIVITY_TYPE",
    "A2UI_DEFAULT_DELIMITER",
    "A2UI_DEFAULT_VERSION",
    "A2UI_EXTENSION_URI",
    "MIME_TYPE_KEY",
]
