"""Constants shared by the A2A integration."""

A2UI_MIME_TYPE = "application/json+a2ui"
"""MIME type marking a data part as an A2UI payload."""
