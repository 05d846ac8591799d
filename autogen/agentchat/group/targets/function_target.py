"""`FunctionTarget`: a Python function decides where the conversation goes (after-works only)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from ..context_variables import ContextVariables
from ..speaker_selection_result import SpeakerSelectionResult
from .transition_target import AgentNameTarget, AgentTarget, TransitionTarget

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ...groupchat import GroupChat

__all__ = ["FunctionTarget", "FunctionTargetMessage", "FunctionTargetResult"]

FUNCTION_HANDOFF_PREFIX = "[FUNCTION_HANDOFF]"


class FunctionTargetMessage(BaseModel):
    """A message a FunctionTarget sends to the agent ``msg_target`` resolves to."""

    content: str
    msg_target: TransitionTarget


class FunctionTargetResult(BaseModel):
    """What a FunctionTarget's function returns: where to go, optional messages and context updates."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    messages: list[FunctionTargetMessage] | str | None = None
    target: TransitionTarget
    context_variables: ContextVariables | None = None


class FunctionTarget(TransitionTarget):
    """``FunctionTarget(fn, extra_args={...})`` with ``fn(last_message_content, context_variables, **extra_args)
    -> FunctionTargetResult``. Usable as an after-work or the group after-work."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    fn: Callable[..., Any]
    extra_args: dict[str, Any] = {}

    def __init__(self, fn: Callable[..., Any] | None = None, *, extra_args: dict[str, Any] | None = None, **data: Any) -> None:
        if fn is not None:
            data["fn"] = fn
        data["extra_args"] = dict(extra_args or data.get("extra_args") or {})
        super().__init__(**data)
        self._validate_signature()

    def _validate_signature(self) -> None:
        if not callable(self.fn):
            raise TypeError(f"FunctionTarget needs a callable, got {type(self.fn).__name__}.")
        sig = inspect.signature(self.fn)
        params = list(sig.parameters.values())
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(positional) < 2 and not any(p.kind == p.VAR_POSITIONAL for p in params):
            raise ValueError(
                f"FunctionTarget function '{self.name}' must take (last_message_content, context_variables, ...): "
                f"it takes {len(positional)} positional parameter(s)."
            )
        takes_kwargs = any(p.kind == p.VAR_KEYWORD for p in params)
        rest = {p.name for p in positional[2:]} | {p.name for p in params if p.kind == p.KEYWORD_ONLY}
        unknown = [k for k in self.extra_args if k not in rest and not takes_kwargs]
        if unknown:
            raise ValueError(f"FunctionTarget function '{self.name}' has no parameter(s) {unknown} given in extra_args.")
        missing = [
            p.name
            for p in params[2:]
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is p.empty and p.name not in self.extra_args
        ]
        if missing:
            raise ValueError(f"FunctionTarget function '{self.name}' needs extra_args for {missing}.")

    @property
    def name(self) -> str:
        return getattr(self.fn, "__name__", "function")

    def can_resolve_for_speaker_selection(self) -> bool:
        return True

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        last = groupchat.messages[-1] if groupchat.messages else {}
        content = last.get("content") if isinstance(last, dict) else None
        context = current_agent.context_variables
        result = self.fn(content, context, **self.extra_args)
        if not isinstance(result, FunctionTargetResult):
            raise TypeError(
                f"FunctionTarget function '{self.name}' returned {type(result).__name__}; it must return a FunctionTargetResult."
            )
        if result.context_variables is not None and len(result.context_variables):
            context.update(result.context_variables.to_dict())
        if isinstance(result.target, FunctionTarget) or not result.target.can_resolve_for_speaker_selection():
            raise ValueError(
                f"FunctionTarget function '{self.name}' returned target {result.target!r}, which cannot be resolved "
                "directly; return an agent, Stay, Terminate, RevertToUser, AskUser or GroupManager target."
            )
        if result.messages:
            self._send_messages(groupchat, current_agent, user_agent, result)
        return result.target.resolve(groupchat, current_agent, user_agent)

    def _send_messages(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None, result: FunctionTargetResult) -> None:
        runtime = getattr(groupchat, "_group_runtime", None)
        sender = runtime.manager if runtime is not None else current_agent
        if isinstance(result.messages, str):
            target = result.target
            if isinstance(target, (AgentTarget, AgentNameTarget)):
                recipient = groupchat.agent_by_name(target.agent_name)
            elif type(target).__name__ == "RevertToUserTarget" and user_agent is not None:
                recipient = user_agent
            else:
                recipient = current_agent
            outgoing = [(result.messages, recipient)]
        else:
            outgoing = []
            for message in result.messages or []:
                resolved = message.msg_target.resolve(groupchat, current_agent, user_agent).get_speaker_selection_result(groupchat)
                if hasattr(resolved, "name"):
                    outgoing.append((message.content, resolved))
        for text, recipient in outgoing:
            if recipient is None:
                continue
            sender.send(
                {"content": f"{FUNCTION_HANDOFF_PREFIX} {text}", "name": self.name, "override_role": "system"},
                recipient,
                request_reply=False,
                silent=True,
            )

    def display_name(self) -> str:
        return self.name

    def normalized_name(self) -> str:
        return self.name

    def __str__(self) -> str:
        return f"Transfer to {self.name}"
