"""`UpdateSystemMessage`: rewrite an agent's system message from its context variables before each reply."""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["UpdateSystemMessage"]

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class UpdateSystemMessage:
    """A template string with ``{var}`` placeholders, or a function ``(agent, messages) -> str``."""

    content_updater: Callable[..., str] | str

    def __post_init__(self) -> None:
        if isinstance(self.content_updater, str):
            if not _PLACEHOLDER.search(self.content_updater):
                warnings.warn(
                    "UpdateSystemMessage template has no {variable} placeholders; it will be used as is.",
                    UserWarning,
                    stacklevel=3,
                )
        elif callable(self.content_updater):
            sig = inspect.signature(self.content_updater)
            if len(sig.parameters) != 2:
                raise ValueError(
                    "The update function must accept two parameters of type ConversableAgent and List[Dict[str, Any]]: "
                    "UpdateSystemMessage's function is called as f(agent, messages)."
                )
            if sig.return_annotation not in (str, "str"):
                raise ValueError("The update function must return a string: annotate UpdateSystemMessage's function with -> str.")
        else:
            raise ValueError(
                "The update function must be either a string or a callable: UpdateSystemMessage takes a str "
                "template or a function (agent, messages) -> str."
            )

    def render(self, agent: Any, messages: list[dict[str, Any]]) -> str:
        """The new system message for ``agent``."""
        if isinstance(self.content_updater, str):
            context = getattr(agent, "context_variables", None)
            data = context.to_dict() if hasattr(context, "to_dict") else dict(context or {})
            # An empty context leaves the template as written (as the original does).
            return self.content_updater.format(**data) if data else self.content_updater
        return self.content_updater(agent, messages)
