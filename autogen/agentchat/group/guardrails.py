"""Guardrails: checks on what an agent receives (input) or says (output) in a group chat.

When a guardrail activates, its reply (activation message + justification) is said in place of the
agent's own reply, and its target becomes the next speaker.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ...oai.client import OpenAIWrapper

from .targets.transition_target import TransitionTarget

__all__ = ["Guardrail", "GuardrailCheckResult", "GuardrailResult", "LLMGuardrail", "RegexGuardrail"]


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


class GuardrailCheckResult(BaseModel):
    """What an LLM guardrail answers (the JSON schema asked of the model; no runtime objects in it)."""

    activated: bool
    justification: str = Field(default="No justification provided")


class GuardrailResult(GuardrailCheckResult):
    """The outcome of one check, with the guardrail that made it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    guardrail: Any = None

    def __str__(self) -> str:
        return f"Guardrail Result: {self.activated}\nJustification: {self.justification}"

    @property
    def reply(self) -> str:
        """What is said in the chat when the guardrail activates."""
        message = getattr(self.guardrail, "activation_message", None) or "Guardrail activated"
        return f"{message}\nJustification: {self.justification}"

    @staticmethod
    def parse(text: str, guardrail: Guardrail) -> GuardrailResult:
        """Read ``{"activated": bool, "justification": str}`` JSON (as an LLM guardrail answers)."""
        try:
            checked = GuardrailCheckResult.model_validate(json.loads(text))
        except (TypeError, ValueError) as e:  # JSONDecodeError and ValidationError are ValueErrors
            raise ValueError(
                f"Failed to parse GuardrailResult from text: {text!r} (guardrail '{guardrail.name}' expects "
                '{"activated": bool, "justification": str})'
            ) from e
        return GuardrailResult(**checked.model_dump(), guardrail=guardrail)


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
        raise NotImplementedError(f"Requires subclasses to implement: {type(self).__name__}.check().")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, condition={self.condition!r})"


class RegexGuardrail(Guardrail):
    """Activates when any message text matches the regular expression ``condition``."""

    def __init__(self, name: str, condition: str, target: TransitionTarget, activation_message: str | None = None) -> None:
        super().__init__(name, condition, target, activation_message)
        try:
            self.regex = re.compile(condition)
        except re.error as e:
            raise ValueError(f"Invalid regex pattern '{condition}' for RegexGuardrail '{name}': {e}.") from None

    def check(self, context: str | list[dict[str, Any]]) -> GuardrailResult:
        for text in _texts(context):
            match = self.regex.search(text)
            if match:
                return GuardrailResult(
                    activated=True, justification=f"Match found -> {match.group(0)}", guardrail=self
                )
        return GuardrailResult(activated=False, justification="No match found in the context.", guardrail=self)


class LLMGuardrail(Guardrail):
    """Asks an LLM whether the conversation meets ``condition``; it answers with `GuardrailCheckResult` JSON."""

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
            raise ValueError(f"LLMGuardrail '{name}' needs an llm_config (LLMConfig is required).")
        if not hasattr(llm_config, "deepcopy"):
            from ...llm_config.config import LLMConfig

            llm_config = LLMConfig.ensure_config(llm_config)
        # A copy of its own: the structured answer format must not leak into the agents' config.
        self.llm_config = llm_config.deepcopy()
        setattr(self.llm_config, "response_format", GuardrailCheckResult)
        # Building the wrapper is cheap: model clients are shared and made on the first request.
        self.client = OpenAIWrapper(**self.llm_config.model_dump())
        self.check_prompt = (
            "You are a guardrail. Read the conversation you are given and decide whether this condition "
            "is met in it; activate only when it is.\n\n"
            f"**Condition: {self.condition}**"
        )

    def check(self, context: str | list[dict[str, Any]]) -> GuardrailResult:
        messages: list[dict[str, Any]] = [{"role": "system", "content": self.check_prompt}]
        if isinstance(context, str):
            messages.append({"role": "user", "content": context})
        elif isinstance(context, list):
            messages.extend(context)
        else:
            raise ValueError(f"LLMGuardrail '{self.name}' checks a string or a list of messages, got {type(context).__name__}.")
        response = self.client.create(messages=messages)
        answer = response.choices[0].message.content
        if isinstance(answer, GuardrailCheckResult):
            return GuardrailResult(**answer.model_dump(), guardrail=self)
        return GuardrailResult.parse(answer, self)
