"""Guardrails: checks on what an agent receives (input) or says (output) in a group chat.

When a guardrail activates, its reply (activation message + justification) is said in place of the
agent's own reply, and its target becomes the next speaker.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

from .targets.transition_target import TransitionTarget

__all__ = ["Guardrail", "GuardrailResult", "LLMGuardrail", "RegexGuardrail"]


def _texts(context: str | list[dict[str, Any]] | dict[str, Any] | None) -> list[str]:
    """The text of a message, a list of messages, or a plain string."""
    if context is None:
        return []
    if isinstance(context, str):
        return [context]
    if isinstance(context, dict):
        context = [context]
    from ...code_utils import content_str

    texts = []
    for message in context:
        if isinstance(message, str):
            texts.append(message)
            continue
        content = message.get("content") if isinstance(message, dict) else None
        if content is None:
            continue
        try:
            texts.append(content_str(content) if isinstance(content, (str, list)) else str(content))
        except (TypeError, ValueError):
            texts.append(str(content))
    return texts


class GuardrailResult(BaseModel):
    """The outcome of one check."""

    model_config = {"arbitrary_types_allowed": True}

    activated: bool
    justification: str = "No justification provided"
    guardrail: Any = None

    @property
    def reply(self) -> str:
        """What is said in the chat when the guardrail activates."""
        message = getattr(self.guardrail, "activation_message", None) or "Guardrail activated"
        return f"{message}\nJustification: {self.justification}"

    @staticmethod
    def parse(text: str, guardrail: Guardrail) -> GuardrailResult:
        """Read ``{"activated": bool, "justification": str}`` JSON (as an LLM guardrail answers)."""
        try:
            data = json.loads(text)
        except (TypeError, json.JSONDecodeError) as e:
            raise ValueError(f"Guardrail '{guardrail.name}' got an answer that is not JSON: {text!r} ({e}).") from None
        if not isinstance(data, dict) or "activated" not in data:
            raise ValueError(f"Guardrail '{guardrail.name}' got {text!r}; expected {{\"activated\": bool, \"justification\": str}}.")
        return GuardrailResult(
            activated=bool(data["activated"]),
            justification=str(data.get("justification") or "No justification provided"),
            guardrail=guardrail,
        )


class Guardrail:
    """Base class: ``check(context) -> GuardrailResult``; ``target`` speaks next on activation."""

    def __init__(self, name: str, condition: str, target: TransitionTarget, activation_message: str | None = None) -> None:
        if not isinstance(target, TransitionTarget):
            raise TypeError(f"Guardrail '{name}' needs a TransitionTarget as target, got {type(target).__name__}.")
        self.name = name
        self.condition = condition
        self.target = target
        self.activation_message = activation_message or f"Guardrail '{name}' has been activated."

    def check(self, context: str | list[dict[str, Any]]) -> GuardrailResult:
        raise NotImplementedError(f"{type(self).__name__} must implement check().")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, condition={self.condition!r})"


class RegexGuardrail(Guardrail):
    """Activates when any message text matches the regular expression ``condition``."""

    def __init__(self, name: str, condition: str, target: TransitionTarget, activation_message: str | None = None) -> None:
        super().__init__(name, condition, target, activation_message)
        try:
            self.regex = re.compile(condition)
        except re.error as e:
            raise ValueError(f"RegexGuardrail '{name}' has an invalid regular expression {condition!r}: {e}.") from None

    def check(self, context: str | list[dict[str, Any]]) -> GuardrailResult:
        for text in _texts(context):
            match = self.regex.search(text)
            if match:
                return GuardrailResult(
                    activated=True, justification=f"Match found -> {match.group(0)}", guardrail=self
                )
        return GuardrailResult(activated=False, justification="No match found in the context.", guardrail=self)


class _Judgement(BaseModel):
    activated: bool
    justification: str


class LLMGuardrail(Guardrail):
    """Asks an LLM whether the conversation breaks the rule ``condition`` (structured JSON answer)."""

    def __init__(
        self,
        name: str,
        condition: str,
        target: TransitionTarget,
        llm_config: Any,
        activation_message: str | None = None,
    ) -> None:
        super().__init__(name, condition, target, activation_message)
        if not llm_config:
            raise ValueError(f"LLMGuardrail '{name}' needs an llm_config.")
        from ...llm_config.config import LLMConfig

        self.llm_config = LLMConfig.ensure_config(llm_config)
        self._client: Any = None
        self.system_message = (
            "You check conversations against a rule. The rule is violated when: "
            f"{condition}\n"
            'Answer only with JSON {"activated": true|false, "justification": "<why>"}; '
            '"activated" is true when the rule is violated.'
        )

    def _wrapper(self) -> Any:
        if self._client is None:
            from ...oai.client import OpenAIWrapper

            self._client = OpenAIWrapper(**self.llm_config)
        return self._client

    def check(self, context: str | list[dict[str, Any]]) -> GuardrailResult:
        if isinstance(context, str):
            messages = [{"role": "user", "content": context}]
        else:
            messages = [
                {"role": "user", "content": f"{m.get('name', m.get('role', 'someone'))}: {text}"}
                for m, text in ((m, t) for m in context for t in _texts([m]))
            ]
        client = self._wrapper()
        response = client.create(
            messages=[{"role": "system", "content": self.system_message}, *messages], response_format=_Judgement
        )
        answer = client.extract_text_or_completion_object(response)[0]
        if isinstance(answer, _Judgement):
            return GuardrailResult(activated=answer.activated, justification=answer.justification, guardrail=self)
        if not isinstance(answer, str):
            answer = getattr(answer, "content", None) or ""
        return GuardrailResult.parse(answer, self)
