"""The TransformMessages capability: run message transforms before an agent generates a reply."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from autogen.agentchat.contrib.capabilities.agent_capability import AgentCapability
from autogen.agentchat.contrib.capabilities.transforms import (
    MessageHistoryLimiter,
    MessageTokenLimiter,
    MessageTransform,
    TextMessageCompressor,
    TextMessageContentName,
)

if TYPE_CHECKING:
    from autogen.agentchat.conversable_agent import ConversableAgent

__all__ = ["TransformMessages"]

# apply_transform implementations known to leave their input untouched; anything else (user
# transforms, overrides) gets a private deep copy so it cannot corrupt the stored history.
_COPY_ON_WRITE = frozenset(
    cls.apply_transform
    for cls in (MessageHistoryLimiter, MessageTokenLimiter, TextMessageCompressor, TextMessageContentName)
)


class TransformMessages(AgentCapability):
    """Applies a sequence of message transforms to everything an agent sends to its model.

    The agent's stored history is not changed: only the list handed to the model is. System
    messages at the start of the list are kept in place and are not transformed. Transforms run
    in the given order, so order matters (e.g. limit the history before truncating tokens).

    Example:
        TransformMessages(transforms=[MessageHistoryLimiter(max_messages=10),
                                      MessageTokenLimiter(max_tokens=2000)]).add_to_agent(agent)
    """

    def __init__(self, *, transforms: list[MessageTransform] | None = None, verbose: bool = True) -> None:
        """Args:
        transforms: the transforms to apply, in order.
        verbose: print what each transform changed (through the current IOStream).
        """
        transforms = list(transforms) if transforms is not None else []
        for transform in transforms:
            if not callable(getattr(transform, "apply_transform", None)):
                raise TypeError(
                    f"Each transform needs an apply_transform(messages) method; got {type(transform).__name__}"
                )
        self._transforms = transforms
        self._verbose = verbose

    def add_to_agent(self, agent: ConversableAgent) -> None:
        """Register the transforms as the agent's ``process_all_messages_before_reply`` hook."""
        agent.register_hook(hookable_method="process_all_messages_before_reply", hook=self._transform_messages)

    def _transform_messages(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not messages:
            return list(messages) if messages is not None else []
        split = 0
        while split < len(messages) and messages[split].get("role") == "system":
            split += 1
        head, current = list(messages[:split]), list(messages[split:])

        for transform in self._transforms:
            trusted = getattr(type(transform), "apply_transform", None) in _COPY_ON_WRITE
            given = current if trusted else copy.deepcopy(current)
            result = list(transform.apply_transform(given))
            if self._verbose and callable(getattr(transform, "get_logs", None)):
                logs, had_effect = transform.get_logs(current, result)
                if had_effect:
                    self._print(logs)
            current = result
        return head + current

    @staticmethod
    def _print(text: str) -> None:
        from autogen.io.base import IOStream

        IOStream.get_default().print(text, flush=True)
