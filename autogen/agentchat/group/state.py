"""`GroupChatState`: a pattern chat's state after a turn, as JSON, so another process can resume it.

The state holds everything the next turn depends on that is not in the agents' code: the group
transcript, the context variables, the speaker of the last message, a pending handoff target (set by
a tool, a context condition or a guardrail), whether the initial agent has spoken, who started the
chat, the round budget and the agents' auto-reply counters. Rebuild the same pattern (same agents,
tools and handoffs) in the new process and call `resume_group_chat(pattern, state)`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .targets.transition_target import TransitionTarget

__all__ = ["GroupChatState", "target_from_dict", "target_to_dict"]

STATE_VERSION = 1


@dataclass
class GroupChatState:
    """The state of a pattern group chat after its latest message."""

    messages: list[dict[str, Any]]
    """The group transcript (as `GroupChat.messages`)."""
    context_variables: dict[str, Any]
    """The shared context variables."""
    current_agent: str | None
    """Name of the agent that sent the latest message."""
    next_target: dict[str, Any] | None = None
    """A pending handoff target (``{"type": <class name>, ...fields}``), or None."""
    use_initial_agent: bool = False
    """True until the initial agent has been selected."""
    initiator: str | None = None
    """Who started the chat (its history is the returned chat history)."""
    max_rounds: int = 20
    """The round budget of the whole chat (messages, the first one included)."""
    auto_reply_counts: dict[str, int] = field(default_factory=dict)
    """Each member's consecutive auto-reply counter towards the manager."""
    version: int = STATE_VERSION

    @property
    def rounds_used(self) -> int:
        """Messages in the transcript so far."""
        return len(self.messages)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        """The state as JSON (context values must be JSON-serialisable)."""
        try:
            return json.dumps(self.to_dict())
        except TypeError as e:
            raise TypeError(
                f"The group chat state cannot be saved as JSON: {e}. Keep context variables JSON-serialisable "
                "(str, numbers, bools, None, lists, dicts) to save and resume chats."
            ) from None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupChatState:
        version = data.get("version", STATE_VERSION)
        if version != STATE_VERSION:
            raise ValueError(f"Group chat state version {version} is not supported (expected {STATE_VERSION}).")
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_json(cls, text: str) -> GroupChatState:
        return cls.from_dict(json.loads(text))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` atomically (a crash never leaves a half-written file)."""
        text = self.to_json()
        path = Path(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> GroupChatState:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    @staticmethod
    def file_saver(path: str | os.PathLike[str]) -> Callable[[GroupChatState], None]:
        """An ``on_turn`` callback saving every state to ``path``."""

        def save(state: GroupChatState) -> None:
            state.save(path)

        return save


def _target_classes() -> dict[str, type[TransitionTarget]]:
    from .targets import transition_target as tt
    from .targets.group_manager_target import GroupManagerTarget

    classes: dict[str, type[TransitionTarget]] = {"GroupManagerTarget": GroupManagerTarget}
    for name in tt.__all__:
        cls = getattr(tt, name)
        if isinstance(cls, type) and issubclass(cls, TransitionTarget):
            classes[name] = cls
    return classes


def target_to_dict(target: TransitionTarget) -> dict[str, Any]:
    """A pending target as JSON-ready data."""
    name = type(target).__name__
    if name not in _target_classes():
        raise TypeError(f"A pending {name} cannot be saved in a group chat state.")
    data = target.model_dump(mode="json")
    selection = getattr(target, "selection_message", None)
    if selection is not None:
        data["selection_message"] = {"type": type(selection).__name__, **selection.model_dump(mode="json")}
    return {"type": name, **data}


def target_from_dict(data: dict[str, Any]) -> TransitionTarget:
    """The target saved by `target_to_dict`."""
    data = dict(data)
    name = data.pop("type", None)
    cls = _target_classes().get(name or "")
    if cls is None:
        raise ValueError(f"Unknown transition target type {name!r} in a saved group chat state.")
    selection = data.pop("selection_message", None)
    if selection is not None:
        from .targets import group_manager_target as gm

        sel_cls = getattr(gm, selection.pop("type"))
        data["selection_message"] = sel_cls(**selection)
    return cls.model_validate(data) if not data.get("selection_message") else cls(**data)
