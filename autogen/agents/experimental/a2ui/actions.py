"""`A2UIAction`: what a button of an A2UI surface may trigger."""

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["A2UIAction"]


@dataclass
class A2UIAction:
    """An action buttons of the agent's surfaces can trigger; listed in the agent's prompt.

    ``"event"`` actions are sent back to the server: with ``tool_name`` the A2A executor calls that
    tool of the agent with the event's context as arguments, without it the click is put to the LLM
    as a sentence built from ``description``. ``"functionCall"`` actions run on the client
    (``openUrl`` and the like) and never reach the server.
    """

    name: str
    """The event name (``action.event.name``) or, for ``"functionCall"``, the client function's name."""

    action_type: Literal["event", "functionCall"] = "event"
    """``"event"`` (a server action) or ``"functionCall"`` (a client-side function)."""

    tool_name: str | None = None
    """The agent's tool answering an ``"event"`` action; None: the LLM answers it."""

    description: str = ""
    """What the action does, shown to the LLM."""

    example_context: dict[str, Any] | None = None
    """An example ``event.context`` (for a tool: its arguments), shown to the LLM."""

    example_args: dict[str, Any] | None = None
    """Example ``functionCall.args`` of a client function, shown to the LLM."""
