"""Guardrails in a group chat (part of `GroupChat`): a member's input and output guardrails, and the
inter-agent guardrails that group patterns install on the GroupChat. The core only runs them; the
guardrail objects come from ``autogen.agentchat.group``."""

from __future__ import annotations

from typing import Any

from ... import runtime_logging
from ..agent import Agent

__all__ = ["Guardrails"]


class Guardrails:
    """Running guardrails (part of `GroupChat`; used by group patterns)."""

    _inter_agent_guardrails: list[Any]

    def _run_input_guardrails(self, agent: Agent, messages: list[dict[str, Any]] | None = None) -> str | None:
        for guardrail in getattr(agent, "input_guardrails", None) or []:
            result = guardrail.check(context=messages)
            if getattr(result, "activated", False):
                return self._activate_guardrail(guardrail, result)
        return None

    def _run_output_guardrails(self, agent: Agent, reply: Any) -> str | None:
        for guardrail in getattr(agent, "output_guardrails", None) or []:
            result = guardrail.check(context=reply)
            if getattr(result, "activated", False):
                return self._activate_guardrail(guardrail, result)
        return None

    def _activate_guardrail(self, guardrail: Any, result: Any) -> str:
        target = getattr(guardrail, "target", None)
        if target is not None and hasattr(target, "activate_target"):
            target.activate_target(self)
        message = getattr(guardrail, "activation_message", "Guardrail activated")
        if runtime_logging.is_logging:
            _log_guardrail(self, guardrail, result, target, message)
        return f"{message}\nJustification: {getattr(result, 'justification', '')}"

    def _run_inter_agent_guardrails(self, *, src_agent_name: str, dst_agent_name: str, message_content: Any) -> Any:
        for guardrail in self._inter_agent_guardrails:
            replacement = guardrail.check_and_act(
                src_agent_name=src_agent_name, dst_agent_name=dst_agent_name, message_content=message_content
            )
            if replacement is not None:
                return replacement
        return None


def _log_guardrail(group: Any, guardrail: Any, result: Any, target: Any, message: str) -> None:
    """Log a guardrail activation as an event and remember it for the next speaker selection."""
    try:
        shown = target.display_name() if target is not None else None
    except Exception:  # noqa: BLE001 - a user target may fail in any way
        shown = type(target).__name__
    note = {
        "guardrail": getattr(guardrail, "name", type(guardrail).__name__),
        "target": shown,
        "target_type": type(target).__name__ if target is not None else None,
        "activation_message": message,
        "justification": getattr(result, "justification", None),
    }
    group._guardrail_note = note
    runtime_logging.log_event(getattr(group, "admin_name", "group_chat"), "guardrail_activated", **note)
