"""Termination and human input: the stock reply step that decides whether to stop, ask the human,
or let the agent auto-reply (part of `ConversableAgent`)."""

from __future__ import annotations

import asyncio
import inspect
import warnings
from typing import Any

from ... import runtime_logging
from ..._effects import Call, Flow
from ...io.base import IOStream
from ..agent import Agent
from .events import emit
from .stock import a_run_reply_step, register_stock_flow, run_reply_step

__all__ = ["TerminationAndHumanInput", "is_termination"]

_WARNED_PREDICATES: set[int] = set()


def is_termination(agent: Any, message: dict[str, Any]) -> Any:
    """``agent``'s ``is_termination_msg`` applied to ``message``.

    A predicate written for text, like the documented
    ``lambda x: x.get("content", "").rstrip().endswith("TERMINATE")``, raises on a tool or function
    call, whose content is None. Such a message is treated as not terminating (with one warning per
    predicate), so the chat goes on and stops at the later ``TERMINATE``; an error on a message
    that has content is the predicate's own and propagates.
    """
    predicate = agent._is_termination_msg
    try:
        return predicate(message)
    except Exception as e:
        if not isinstance(message, dict) or message.get("content") is not None:
            raise
        key = id(getattr(predicate, "__code__", predicate))
        if key not in _WARNED_PREDICATES:
            _WARNED_PREDICATES.add(key)
            warnings.warn(
                f"is_termination_msg of agent '{getattr(agent, 'name', agent)}' raised {type(e).__name__}: {e} on a "
                "message without content (a tool or function call); it is treated as not terminating. Guard the "
                "predicate against None content, e.g. lambda x: (x.get(\"content\") or \"\").rstrip().endswith(\"TERMINATE\").",
                UserWarning,
                stacklevel=2,
            )
        return False


class TerminationAndHumanInput:
    """check_termination_and_human_reply and get_human_input (part of `ConversableAgent`)."""

    human_input_mode: str
    _oai_messages: dict[Agent, list[dict[str, Any]]]
    _consecutive_auto_reply_counter: dict[Any, int]
    _max_consecutive_auto_reply_dict: dict[Any, int]
    _human_input: list[str]
    hook_lists: dict[str, list[Any]]

    def _termination_flow(self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any) -> Any:
        """The termination / human-input reply step (a result; a flow when a human may be asked)."""
        if self.human_input_mode == "NEVER":  # nothing to ask
            return self._termination_without_human(messages, sender)
        return self._termination_with_human(messages, sender)

    def _termination_with_human(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None
    ) -> Flow[tuple[bool, dict[str, Any] | None]]:
        if messages is None:
            messages = self._oai_messages[sender] if sender is not None else []
        if not messages:
            return False, None
        message = messages[-1]
        sender_name = "the sender" if sender is None else sender.name
        reply = ""
        no_human_input = False
        reason = ""
        is_term = is_termination(self, message)
        if self.human_input_mode == "ALWAYS":
            reply = yield Call.of_kind(
                "input",
                self.get_human_input,
                self.a_get_human_input,
                f"Replying as {self.name}. Provide feedback to {sender_name}. "  # type: ignore[attr-defined]
                "Press enter to skip and use auto-reply, or type 'exit' to end the conversation: ",
            )
            no_human_input = not reply
            if not reply and is_term:
                reason = f"Termination message condition on agent '{self.name}' met and no human input provided"  # type: ignore[attr-defined]
                reply = "exit"
            elif reply == "exit":
                reason = "User requested to end the conversation"
        elif self._consecutive_auto_reply_counter[sender] >= self._max_consecutive_auto_reply_dict[sender]:
            prompt = (
                f"Please give feedback to {sender_name}. Press enter or type 'exit' to stop the conversation: "
                if is_term
                else f"Please give feedback to {sender_name}. Press enter to skip and use auto-reply, "
                "or type 'exit' to stop the conversation: "
            )
            reply = yield Call.of_kind("input", self.get_human_input, self.a_get_human_input, prompt)
            no_human_input = not reply
            if reply == "exit":
                reason = "User requested to end the conversation"
            elif is_term and not reply:
                reason = f"Termination message condition on agent '{self.name}' met and no human input provided"  # type: ignore[attr-defined]
                reply = "exit"
        elif is_term:
            reply = yield Call.of_kind(
                "input",
                self.get_human_input,
                self.a_get_human_input,
                f"Please give feedback to {sender_name}. Press enter or type 'exit' to stop the conversation: ",
            )
            no_human_input = not reply
            if not reply or reply == "exit":
                reason = (
                    "User requested to end the conversation"
                    if reply == "exit"
                    else f"Termination message condition on agent '{self.name}' met and no human input provided"  # type: ignore[attr-defined]
                )
                reply = "exit"
        return self._termination_outcome(reply, reason, no_human_input, message, sender)

    def _termination_without_human(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None
    ) -> tuple[bool, dict[str, Any] | None]:
        """``human_input_mode="NEVER"``: stop at the auto-reply limit or a termination message, else go on."""
        if messages is None:
            messages = self._oai_messages[sender] if sender is not None else []
        if not messages:
            return False, None
        message = messages[-1]
        is_term = is_termination(self, message)
        if self._consecutive_auto_reply_counter[sender] >= self._max_consecutive_auto_reply_dict[sender]:
            return self._termination_outcome("exit", "Maximum number of consecutive auto-replies reached", False, message, sender)
        if is_term:
            return self._termination_outcome("exit", f"Termination message condition on agent '{self.name}' met", False, message, sender)  # type: ignore[attr-defined]
        return self._termination_outcome("", "", False, message, sender)

    def _termination_outcome(
        self, reply: str, reason: str, no_human_input: bool, message: dict[str, Any], sender: Agent | None
    ) -> tuple[bool, dict[str, Any] | None]:
        """The human's (or the rule's) answer turned into the reply function's result."""
        if no_human_input:
            emit("TerminationAndHumanReplyNoInputEvent", no_human_input_msg="NO HUMAN INPUT RECEIVED.", sender=sender or self, recipient=self)

        if reply == "exit":
            self._consecutive_auto_reply_counter[sender] = 0
            if reason:
                emit("TerminationEvent", termination_reason=reason, sender=self, recipient=sender)
                if runtime_logging.noting_terminations():
                    runtime_logging.note_termination(termination_code(reason), reason)
            return True, None

        if reply or self._max_consecutive_auto_reply_dict[sender] == 0:
            self._consecutive_auto_reply_counter[sender] = 0
            response: dict[str, Any] = {"role": "user", "content": reply}
            interrupted = _user_interrupted_responses(message)
            if interrupted:
                response["tool_responses"] = interrupted
            return True, response

        self._consecutive_auto_reply_counter[sender] += 1
        if self.human_input_mode != "NEVER":
            emit("UsingAutoReplyEvent", human_input_mode=self.human_input_mode, sender=sender or self, recipient=self)
        return False, None

    def check_termination_and_human_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        iostream: IOStream | None = None,
    ) -> tuple[bool, dict[str, Any] | None]:
        """Decide, from the last received message, whether to stop, ask the human, or auto-reply."""
        if iostream is None:
            return run_reply_step(self._termination_flow(messages, sender, config))
        with IOStream.set_default(iostream):
            return run_reply_step(self._termination_flow(messages, sender, config))

    async def a_check_termination_and_human_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        iostream: IOStream | None = None,
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `check_termination_and_human_reply`; ``iostream`` (if given) asks the human."""
        if iostream is None:
            return await a_run_reply_step(self._termination_flow(messages, sender, config))
        with IOStream.set_default(iostream):
            return await a_run_reply_step(self._termination_flow(messages, sender, config))

    def get_human_input(self, prompt: str, *, iostream: IOStream | None = None) -> str:
        """Ask the human through the current IO stream; override to answer some other way."""
        stream = iostream or IOStream.get_default()
        return self._record_human_input(stream.input(prompt))

    async def a_get_human_input(self, prompt: str, *, iostream: IOStream | None = None) -> str:
        """Async twin of `get_human_input`: awaits an async stream, or reads a sync one in a thread."""
        stream = iostream or IOStream.get_default()
        result = stream.input(prompt) if _has_async_input(stream) else None
        if result is not None and inspect.isawaitable(result):
            reply = await result
        else:
            reply = await asyncio.to_thread(stream.input, prompt)  # the caller's context goes along
        return self._record_human_input(reply)

    def _record_human_input(self, reply: str) -> str:
        """The human's answer after the safeguard_human_inputs hooks, kept for the chat result."""
        for hook in self.hook_lists["safeguard_human_inputs"]:
            reply = hook(reply)
            if reply is None:
                raise ValueError("The safeguard_human_inputs hook returned None; it must return the input text.")
        self._human_input.append(reply)
        return reply


register_stock_flow(
    TerminationAndHumanInput.check_termination_and_human_reply,
    TerminationAndHumanInput.a_check_termination_and_human_reply,
    "_termination_flow",
)


def termination_code(reason: str) -> str:
    """The runtime logs' short code for a termination reason text."""
    for start, code in _REASON_CODES:
        if reason.startswith(start):
            return code
    return "other"


_REASON_CODES = (
    ("Maximum number of consecutive auto-replies", "max_auto_replies"),
    ("Termination message condition", "termination_message"),
    ("User requested", "user_exit"),
    ("Maximum turns", "max_turns"),
    ("Maximum rounds", "max_rounds"),
    ("No next speaker", "no_next_speaker"),
    ("No reply generated", "no_reply"),
)


def _user_interrupted_responses(message: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    function_call = message.get("function_call")
    if function_call:
        out.append({"role": "function", "name": function_call.get("name", ""), "content": "USER INTERRUPTED"})
    for call in message.get("tool_calls") or []:
        out.append({"role": "tool", "tool_call_id": call.get("id", ""), "content": "USER INTERRUPTED"})
    return out


def _has_async_input(stream: Any) -> bool:
    return inspect.iscoroutinefunction(getattr(stream, "input", None))
