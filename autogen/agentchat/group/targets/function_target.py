"""`FunctionTarget`: a Python function decides where the conversation goes (after-works only)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..context_variables import ContextVariables
from ..speaker_selection_result import SpeakerSelectionResult
from .transition_target import AgentNameTarget, AgentTarget, RevertToUserTarget, TransitionTarget

if TYPE_CHECKING:
    from ...conversable_agent import ConversableAgent
    from ...groupchat import GroupChat

__all__ = [
    "FunctionTarget",
    "FunctionTargetMessage",
    "FunctionTargetResult",
    "broadcast",
    "construct_broadcast_messages_list",
    "validate_fn_sig",
]

FUNCTION_HANDOFF_PREFIX = "[FUNCTION_HANDOFF]"


class FunctionTargetMessage(BaseModel):
    """A message a FunctionTarget sends to one agent: ``msg_target`` is that agent (or a target
    resolving to it)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    content: str
    msg_target: Any

    @field_validator("msg_target")
    @classmethod
    def _agent_or_target(cls, value: Any) -> Any:
        if isinstance(value, TransitionTarget) or hasattr(value, "name"):
            return value
        raise ValueError(f"msg_target must be an agent (or a TransitionTarget naming one), got {type(value).__name__}.")


class FunctionTargetResult(BaseModel):
    """What a FunctionTarget's function returns: where to go, optional messages and context updates."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    messages: list[FunctionTargetMessage] | str | None = None
    context_variables: ContextVariables | None = None
    target: TransitionTarget


def construct_broadcast_messages_list(
    messages: list[FunctionTargetMessage] | str,
    group_chat: GroupChat,
    current_agent: ConversableAgent,
    target: TransitionTarget,
    user_agent: ConversableAgent | None = None,
) -> list[FunctionTargetMessage]:
    """The messages to send, each with its recipient.

    A single string goes to the agent the result's ``target`` names, to the user for
    RevertToUserTarget (when there is a user agent), otherwise to the current agent.
    """
    if not isinstance(messages, str):
        return messages
    if isinstance(target, (AgentTarget, AgentNameTarget)):
        recipient = next((a for a in group_chat.agents if a.name == target.agent_name), None)
        if recipient is None:
            raise ValueError(
                f"No agent found with in the group chat matching the target agent name {target.agent_name} "
                f"(agents: {[a.name for a in group_chat.agents]})."
            )
    elif isinstance(target, RevertToUserTarget) and user_agent is not None:
        recipient = user_agent
    else:
        recipient = current_agent
    return [FunctionTargetMessage(content=messages, msg_target=recipient)]


def broadcast(
    messages: list[FunctionTargetMessage] | str,
    group_chat: GroupChat,
    current_agent: ConversableAgent,
    fn_name: str,
    target: TransitionTarget,
    user_agent: ConversableAgent | None = None,
) -> None:
    """Send each message, as a system message named after the function, through the group manager."""
    manager = getattr(current_agent, "_group_manager", None)
    if manager is None:
        raise ValueError(
            "Current agent must have a group manager to broadcast messages "
            f"(agent '{getattr(current_agent, 'name', '?')}' is not in a running pattern group chat)."
        )
    for message in construct_broadcast_messages_list(messages, group_chat, current_agent, target, user_agent):
        recipient = message.msg_target
        if isinstance(recipient, TransitionTarget):
            recipient = recipient.resolve(group_chat, current_agent, user_agent).get_speaker_selection_result(group_chat)
            if not hasattr(recipient, "name"):
                continue  # a target that names no agent (terminate, a selection method): nobody to tell
        manager.send(
            {
                "role": "system",
                "override_role": "system",
                "name": fn_name,
                "content": f"{FUNCTION_HANDOFF_PREFIX} - Reply from function {fn_name}: \n\n {message.content}",
            },
            recipient,
            request_reply=False,
            silent=False,
        )


def validate_fn_sig(incoming_fn: Callable[..., Any], extra_args: dict[str, Any]) -> None:
    """Check ``incoming_fn(last_message_content, context_variables, **extra_args)`` can be called.

    At least two parameters; every extra arg names a parameter (unless the function takes
    ``**kwargs``); every further parameter without a default is given in ``extra_args``.
    """
    name = getattr(incoming_fn, "__name__", repr(incoming_fn))
    params = list(inspect.signature(incoming_fn).parameters.values())
    if len(params) < 2:
        raise ValueError(
            f"Function '{name}' must accept at least two positional parameters: (output, ctx). "
            f"Current: {[p.name for p in params]}"
        )
    if not any(p.kind == p.VAR_KEYWORD for p in params):
        invalid = [k for k in extra_args if k not in {p.name for p in params}]
        if invalid:
            raise ValueError(
                f"Invalid extra_args for function '{name}': {invalid}. Allowed parameters are: {[p.name for p in params]}."
            )
    missing = [
        p.name
        for p in params[2:]
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.default is p.empty and p.name not in extra_args
    ]
    if missing:
        raise ValueError(f"Missing required extra_args for function '{name}': {missing}. You must supply them via `extra_args`.")


class FunctionTarget(TransitionTarget):
    """``FunctionTarget(fn, extra_args={...})`` with ``fn(last_message_content, context_variables, **extra_args)
    -> FunctionTargetResult``. Resolved inline where a target is resolved directly (after-works, the
    group after-work); not a handoff-tool or context-condition target."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    fn_name: str
    fn: Callable[..., Any] = Field(repr=False)
    extra_args: dict[str, Any] = Field(default_factory=dict)

    def __init__(self, incoming_fn: Callable[..., Any] | None = None, *, extra_args: dict[str, Any] | None = None, **data: Any) -> None:
        if incoming_fn is None:
            incoming_fn = data.pop("fn", None)
        if not callable(incoming_fn):
            raise ValueError(
                "FunctionTarget must be initialized with a callable function as the first argument or 'fn' keyword "
                f"argument, got {type(incoming_fn).__name__}."
            )
        extra_args = dict(extra_args or data.pop("extra_args", None) or {})
        validate_fn_sig(incoming_fn, extra_args)
        data.setdefault("fn_name", getattr(incoming_fn, "__name__", "function"))
        super().__init__(fn=incoming_fn, extra_args=extra_args, **data)

    @property
    def name(self) -> str:
        return self.fn_name

    def can_resolve_for_speaker_selection(self) -> bool:
        # Not a target a tool or a condition can hand to: the function runs where it is resolved.
        return False

    def resolve(self, groupchat: GroupChat, current_agent: ConversableAgent, user_agent: ConversableAgent | None) -> SpeakerSelectionResult:
        """Call the function on the last message, apply its context updates, send its messages and
        resolve the target it returned."""
        last = groupchat.messages[-1] if groupchat.messages else {}
        content = last.get("content", "") if isinstance(last, dict) else ""
        context = current_agent.context_variables
        result = self.fn(content, context, **self.extra_args)
        if not isinstance(result, FunctionTargetResult):
            raise ValueError(
                f"FunctionTarget function must return a FunctionTargetResult object; '{self.fn_name}' returned "
                f"{type(result).__name__}."
            )
        if result.context_variables is not None and len(result.context_variables):
            context.update(result.context_variables.to_dict())
        if result.target.needs_agent_wrapper():
            raise ValueError(
                f"FunctionTarget function '{self.fn_name}' returned target {result.target!r}, which needs a wrapper "
                "agent; return an agent, Stay, Terminate, RevertToUser, AskUser, GroupManager or Function target."
            )
        if result.messages:
            broadcast(result.messages, groupchat, current_agent, self.fn_name, result.target, user_agent)
        return result.target.resolve(groupchat, current_agent, user_agent)

    def display_name(self) -> str:
        return self.fn_name

    def normalized_name(self) -> str:
        return self.fn_name.replace(" ", "_")

    def needs_agent_wrapper(self) -> bool:
        return False

    def create_wrapper_agent(self, parent_agent: ConversableAgent, index: int) -> ConversableAgent:
        raise NotImplementedError("FunctionTarget is executed inline and needs no wrapper agent.")

    def __str__(self) -> str:
        return f"Transfer to tool {self.fn_name}"
