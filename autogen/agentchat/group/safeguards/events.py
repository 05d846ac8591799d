"""`SafeguardEvent`: what a safeguard policy reports (rules loaded, a check, a violation, the action taken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....events.base_event import BaseEvent, wrap_event

__all__ = ["SafeguardEvent"]

# event_type -> (colour, banner title or None for no banner)
_STYLE = {
    "load": ("green", None),
    "check": ("cyan", "Safeguard Check"),
    "violation": ("red", "Safeguard Violation"),
    "action": ("yellow", "Safeguard Enforcement Action"),
}
_ACTION_MARK = {"block": "🚨", "mask": "🎭", "warning": "⚠️"}
_TYPE_MARK = {"load": "✅", "check": "🔍", "violation": "🛡️"}


@wrap_event
class SafeguardEvent(BaseEvent):
    """One step of safeguard enforcement.

    ``event_type`` is "load", "check", "violation" or "action"; the other fields say who talked to
    whom, which kind of check ran, what was done and the start of the content concerned.
    """

    event_type: str
    message: str
    source_agent: str | None = None
    target_agent: str | None = None
    guardrail_type: str | None = None
    action: str | None = None
    content_preview: str | None = None

    def _banner(self) -> str | None:
        title = _STYLE.get(self.event_type, ("green", None))[1]
        if title is None:
            return None
        if self.event_type == "violation":
            return f"***** {title}: DETECTED *****"
        if self.event_type == "action":
            return f"***** {title}: {(self.action or 'applied').upper()} *****"
        return f"***** {title}: {self.message} *****"

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the event in its colour, framed by a banner (except for "load")."""
        from ....events.agent_events import _colored

        f = f or print
        colour = _STYLE.get(self.event_type, ("green", None))[0]
        banner = self._banner()
        if banner is not None:
            f(_colored(banner, colour), flush=True)
        mark = _ACTION_MARK.get(self.action or "", "⚙️") if self.event_type == "action" else _TYPE_MARK.get(self.event_type, "")
        lines = [f"{mark} {self.message}" if mark else self.message]
        if self.source_agent and self.target_agent:
            lines += [f"  • From: {self.source_agent}", f"  • To: {self.target_agent}"]
        elif self.source_agent:
            lines.append(f"  • Agent: {self.source_agent}")
        if self.guardrail_type:
            lines.append(f"  • Guardrail: {self.guardrail_type}")
        if self.action:
            lines.append(f"  • Action: {self.action}")
        if self.content_preview:
            # One line per event: newlines in the content are shown escaped.
            lines.append("  • Content: " + self.content_preview.replace("\n", "\\n").replace("\r", "\\r"))
        f(_colored("\n".join(lines), colour), flush=True)
        if banner is not None:
            f(_colored("*" * len(banner), colour), flush=True)
