"""Guardrails in a group chat (part of `GroupChat`): a member's input and output guardrails, and the
inter-agent guardrails that group patterns install on the GroupChat. The core only runs them; the
guardrail objects come from ``autogen.agentchat.group``."""

from __future__ import annotations

from typing import Any

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
        return f"{message}\nJustification: {getattr(result, 'justification', '')}"

    def _run_inter_agent_guardrails(self, *, src_agent_name: str, dst_agent_name: str, message_content: Any) -> Any:
        for guardrail in self._inter_agent_guardrails:
            replacement = guardrail.check_and_act(
                src_agent_name=src_agent_name, dst_agent_name=dst_agent_name, message_content=message_content
            )
            if replacement is not None:
                return replacement
        return None
