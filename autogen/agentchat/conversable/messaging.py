"""Sending, receiving and the reply pipeline (part of `ConversableAgent`).

A two-agent exchange is a loop, not a recursion: the stock ``receive`` ends by sending its reply
back, and when both sides use the stock ``send``/``receive`` that tail call is run as the next
iteration of the same loop (``_receive_flow``). So a chat of any length uses a fixed amount of
Python stack, sync or async. An agent whose ``send``/``receive``/``generate_reply`` a user
overrode is called as an effect instead, exactly where the original would call it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import FunctionType
from typing import Any

from ... import runtime_logging
from ..._effects import NOT_RUN, Call, Flow, run_async, run_sync
from ...io.base import IOStream
from .._messages import message_to_dict, normalize_message
from ..agent import Agent
from .events import agent_event
from .registry import ReplyRegistry
from .stock import _STOCK_FLOWS, is_inline, stock_checker, twins_of

__all__ = ["Messaging", "reply_flow", "send_flow", "stock_generate_reply"]


_INVALID_OUTGOING = (
    "Message can't be converted into a valid ChatCompletion message. Either content or function_call must be provided."
)
_INVALID_INCOMING = (
    "Received message can't be converted into a valid ChatCompletion message. "
    "Either content or function_call must be provided."
)


#: `_generate_reply_flow`'s default fallback: the agent's default auto reply.
_AUTO_REPLY: Any = object()


class Messaging(ReplyRegistry):
    """send / receive / generate_reply (part of `ConversableAgent`)."""

    _oai_messages: dict[Agent, list[dict[str, Any]]]
    _default_auto_reply: str | dict[str, Any]
    reply_at_receive: dict[Agent, bool]
    silent: bool | None

    # ------------------------------------------------------------------ records

    def _append_oai_message(
        self,
        message: dict[str, Any] | str,
        role: Any = "assistant",
        conversation_id: Agent | None = None,
        is_sending: bool | None = None,
        name: str | None = None,
    ) -> bool:
        """Store ``message`` in the conversation with ``conversation_id``; False when it is not a
        valid message. Takes pyautogen 0.2's ``(message, role, conversation_id, is_sending)`` and
        ag2 0.13's ``(message, conversation_id, role="assistant", name=None)``."""
        if not isinstance(role, str):  # ag2 0.13's order: the conversation comes second
            role, conversation_id, name = (
                conversation_id if isinstance(conversation_id, str) else "assistant",
                role,
                is_sending if isinstance(is_sending, str) else name,
            )
            is_sending = None
        if conversation_id is None:
            raise TypeError("_append_oai_message needs the conversation_id (the agent the conversation is with).")
        if name is None:
            name = conversation_id.name if is_sending is False else self.name  # type: ignore[attr-defined]
        stored = normalize_message(message, role, name)
        if stored is None:
            return False
        self._oai_messages[conversation_id].append(stored)
        return True

    def _process_message_before_send(self, message: Any, recipient: Agent, silent: bool) -> Any:
        for hook in self.hook_lists["process_message_before_send"]:
            message = hook(sender=self, message=message, recipient=recipient, silent=silent)
        return message

    def _outgoing(self, message: Any, recipient: Agent, silent: bool) -> Any:
        """What sending does before the recipient gets ``message``: hooks, then our own record of it."""
        message = self._process_message_before_send(message, recipient, self._is_silent(silent))
        if not self._append_oai_message(message, "assistant", recipient, is_sending=True):
            raise ValueError(_INVALID_OUTGOING)
        return message

    def _is_silent(self, silent: bool = False) -> bool:
        return self.silent if self.silent is not None else silent

    def _process_received_message(self, message: Any, sender: Agent, silent: bool) -> None:
        valid = self._append_oai_message(message, "user", sender, is_sending=False)
        if runtime_logging.is_logging:
            runtime_logging.log_event(self, "received_message", message=message, sender=sender.name, valid=valid)
        if not valid:
            raise ValueError(_INVALID_INCOMING)
        sender_silent = getattr(sender, "silent", None)
        if not (sender_silent if sender_silent is not None else silent):
            self._print_received_message(message, sender)

    def _print_received_message(self, message: Any, sender: Agent, skip_head: bool = False) -> None:
        event = agent_event("create_received_event_model")(event=message_to_dict(message), sender=sender, recipient=self)
        IOStream.get_default().send(event)

    # ------------------------------------------------------------------ send / receive

    def _send_flow(self, message: Any, recipient: Agent, request_reply: bool | None, silent: bool) -> Flow[None]:
        """Send ``message``: what needs no effect is done now; the rest is returned as a flow to enter
        at once (the recipient's receive flow itself, or ``()`` when nothing is left: a message that
        asks for no reply is delivered here, without a generator per recipient)."""
        message = self._outgoing(message, recipient, silent)
        if _stock_receive(recipient):
            if request_reply is False:
                recipient._process_received_message(message, self, silent)  # type: ignore[attr-defined]
                return _DONE
            return recipient._receive_flow(message, self, request_reply, silent)  # type: ignore[attr-defined]
        return effect_flow(Call(recipient.receive, recipient.a_receive, message, self, request_reply, silent))

    def send(self, message: dict[str, Any] | str, recipient: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Send ``message`` to ``recipient``, who stores it and (if asked) replies."""
        flow = self._send_flow(message, recipient, request_reply, bool(silent))
        if flow is not _DONE:
            run_sync(flow)

    async def a_send(self, message: dict[str, Any] | str, recipient: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Async twin of `send`."""
        flow = self._send_flow(message, recipient, request_reply, bool(silent))
        if flow is not _DONE:
            await run_async(flow)

    def _receive_flow(self, message: Any, sender: Agent, request_reply: bool | None, silent: bool) -> Flow[None]:
        """Store ``message``, reply to it, and so on back and forth while both sides are stock agents.

        Each iteration is one receive: the receiving agent stores the message, generates its reply
        and sends it back, which is the next iteration with the roles swapped (the original makes
        that a nested call; the loop keeps the stack flat)."""
        agent: Messaging = self
        while True:
            agent._process_received_message(message, sender, silent)
            if request_reply is False or (request_reply is None and not agent.reply_at_receive[sender]):
                return
            reply = yield from reply_flow(agent, agent.chat_messages[sender], sender)  # type: ignore[attr-defined]
            if reply is None:
                return
            # The tail of receive: agent.send(reply, sender, silent=silent).
            if not _stock_send(agent):
                yield Call(agent.send, agent.a_send, reply, sender, silent=silent)
                return
            message = agent._outgoing(reply, sender, silent)
            if not _stock_receive(sender):
                yield Call(sender.receive, sender.a_receive, message, agent, None, silent)
                return
            agent, sender, request_reply = sender, agent, None  # type: ignore[assignment]

    def receive(self, message: dict[str, Any] | str, sender: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Store a message from ``sender`` and, when a reply is requested, generate and send it."""
        if request_reply is False:  # stored only (group chat relays): no flow to drive
            self._process_received_message(message, sender, bool(silent))
            return
        run_sync(self._receive_flow(message, sender, request_reply, bool(silent)))

    async def a_receive(self, message: dict[str, Any] | str, sender: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Async twin of `receive`."""
        if request_reply is False:
            self._process_received_message(message, sender, bool(silent))
            return
        await run_async(self._receive_flow(message, sender, request_reply, bool(silent)))

    # ------------------------------------------------------------------ generate_reply

    def update_agent_state_before_reply(self, messages: list[dict[str, Any]]) -> None:
        """Run the ``update_agent_state`` hooks (``hook(agent, messages)``, in registration order):
        capabilities update the agent (system message, context variables) before it replies."""
        for hook in self.hook_lists["update_agent_state"]:
            hook(self, messages)

    def process_last_received_message(self, messages: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        """Pass the text of the last message through the ``process_last_received_message`` hooks
        (``hook(content) -> content``, in registration order) and return the messages to reply to.

        Left as they are (the same list is returned): no hooks, no messages, a last message that is
        a function call, carries a ``context``, has no ``content`` or a content that is neither a
        str nor a multimodal list, or is the word "exit"; and when the hooks change nothing.
        Otherwise the result is a new list ending with a changed copy of the last message: the
        stored history keeps the message as it was received."""
        hooks = self.hook_lists["process_last_received_message"]
        if not hooks or not messages:
            return messages
        last = messages[-1]
        if "function_call" in last or "context" in last or "content" not in last:
            return messages
        content = last["content"]
        if not isinstance(content, (str, list)) or content == "exit":
            return messages
        new_content = content
        for hook in hooks:
            new_content = hook(new_content)
        if new_content == content:
            return messages
        changed = dict(last)
        changed["content"] = new_content
        return [*messages[:-1], changed]

    def process_all_messages_before_reply(self, messages: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        """Pass the whole list of messages through the ``process_all_messages_before_reply`` hooks
        (``hook(messages) -> messages``, in registration order); what they return is what the
        reply functions see (message transforms, for example)."""
        hooks = self.hook_lists["process_all_messages_before_reply"]
        if not hooks or messages is None:
            return messages
        for hook in hooks:
            messages = hook(messages)
        return messages

    def _generate_reply_flow(
        self,
        messages: list[dict[str, Any]] | None,
        sender: Agent | None,
        exclude: Iterable[Callable[..., Any]],
        *,
        steps: dict[str, Callable[..., Any]] | None = None,
        fallback: Any = _AUTO_REPLY,
    ) -> Flow[str | dict[str, Any] | None]:
        """The reply pipeline: the first reply function that returns ``final=True`` gives the reply.

        The library's own reply functions come in (sync, async twin) pairs that are one step: the
        pipeline enters that step's flow by delegation the first time it meets either twin (the
        other is skipped), so a step runs once per pass, the same way for sync and async chats.
        Excluding either twin excludes the step. A user's reply function is an effect: a coroutine
        function runs in async chats only, a sync twin of an ignored ``a_`` function in sync ones.

        ``steps`` replaces stock steps for this pass (flow method name -> a function with the flow
        method's signature); ``fallback`` is the reply when no function is final (default: the
        agent's default auto reply). A served agent uses both (`autogen.agentchat.remote`).
        """
        if messages is None and sender is None:
            raise AssertionError("generate_reply needs messages or a sender.")
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        # The hookable methods, as ag2 calls them (a subclass may override any of them).
        self.update_agent_state_before_reply(messages)
        messages = self.process_last_received_message(messages)
        messages = self.process_all_messages_before_reply(messages)
        from_agent = isinstance(sender, ReplyRegistry)
        excluded_flows = {_STOCK_FLOWS.get(f) for f in exclude if type(f) is FunctionType} if exclude else None
        ran: set[Any] | None = None
        for entry in self._reply_func_list:
            func = entry["reply_func"]
            if exclude and func in exclude:
                continue
            # (inlined stock_flow_of: this loop runs for every entry of every reply)
            flow_name = _STOCK_FLOWS.get(func) if type(func) is FunctionType else None
            if flow_name is not None:
                config = entry["config"]
                key = flow_name if config is None else (flow_name, id(config))
                if ran is not None and key in ran:
                    continue  # the twin of a step that already ran in this pass
            trigger = entry["trigger"]
            # The stock triggers (Agent, [Agent, None]) match every agent: skip the general matcher.
            if not (
                (from_agent and (trigger is Agent or (type(trigger) is list and Agent in trigger)))
                or self._match_trigger(trigger, sender)
            ):
                continue
            if flow_name is not None:
                if excluded_flows and flow_name in excluded_flows:
                    continue
                if ran is None:
                    ran = {key}
                else:
                    ran.add(key)
                flow = steps.get(flow_name) if steps else None
                if flow is None:
                    flow = getattr(self, flow_name, None)
                if flow is None:  # another class's stock step registered here (GroupChatManager.run_chat on a plain agent)
                    step = yield Call(*twins_of(func), self, messages, sender, config)
                else:
                    step = flow(messages, sender, config)
                final, reply = step if type(step) is tuple else (yield from step)
            elif is_inline(func):  # the library's own sync reply function: called in place
                final, reply = func(self, messages=messages, sender=sender, config=entry["config"])
            else:
                if entry["is_async"]:
                    effect = Call.async_only(func, self, messages=messages, sender=sender, config=entry["config"])
                elif getattr(func, "__name__", None) in self._ignored_sync_twins:
                    effect = Call.sync_only(func, self, messages=messages, sender=sender, config=entry["config"])
                else:
                    effect = Call(func, None, self, messages=messages, sender=sender, config=entry["config"])
                result = yield effect
                if result is NOT_RUN:
                    continue
                final, reply = result
            if runtime_logging.is_logging:
                if flow_name is not None:  # log the twin that this driver's kind of chat runs
                    func = yield Call(_first, _second, *twins_of(func))
                runtime_logging.log_event(
                    self, "reply_func_executed", reply_func_module=getattr(func, "__module__", None),
                    reply_func_name=getattr(func, "__name__", str(func)), final=final, reply=reply,
                )  # fmt: skip
            if final:
                return reply
        return self._default_auto_reply if fallback is _AUTO_REPLY else fallback

    def generate_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        exclude: Iterable[Callable[..., Any]] = (),
        **kwargs: Any,
    ) -> str | dict[str, Any] | None:
        """Run the reply pipeline: the first reply function that returns final=True gives the reply."""
        return run_sync(self._generate_reply_flow(messages, sender, exclude))

    async def a_generate_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        exclude: Iterable[Callable[..., Any]] = (),
        **kwargs: Any,
    ) -> str | dict[str, Any] | None:
        """Async twin of `generate_reply`: awaits async reply functions, calls sync ones."""
        return await run_async(self._generate_reply_flow(messages, sender, exclude))


#: The flow of a step with nothing left to do (``yield from _DONE`` returns None at once).
_DONE: Any = ()

_stock_send = stock_checker(Messaging, ("send", "a_send"))
_stock_receive = stock_checker(Messaging, ("receive", "a_receive"))
_stock_generate = stock_checker(Messaging, ("generate_reply", "a_generate_reply"))


def stock_generate_reply(agent: Any) -> bool:
    """Whether ``agent`` uses the library's own ``generate_reply`` (so its pipeline flow can be driven)."""
    return _stock_generate(agent)


def _first(a: Any, b: Any) -> Any:
    return a


def _second(a: Any, b: Any) -> Any:
    return b


def reply_flow(agent: Any, messages: list[dict[str, Any]] | None, sender: Agent | None) -> Flow[Any]:
    """``agent.generate_reply(messages=messages, sender=sender)`` as a step of a flow.

    Returns the stock pipeline's own generator when the agent uses it (so ``yield from`` enters it
    without an extra generator level on every effect that passes through), else a one-effect flow."""
    if _stock_generate(agent):
        return agent._generate_reply_flow(messages, sender, ())
    return effect_flow(Call(agent.generate_reply, agent.a_generate_reply, messages=messages, sender=sender))


def send_flow(agent: Any, message: Any, recipient: Agent, request_reply: bool | None, silent: bool) -> Flow[None]:
    """``agent.send(message, recipient, request_reply=..., silent=...)`` as a step of a flow."""
    if _stock_send(agent):
        return agent._send_flow(message, recipient, request_reply, bool(silent))
    return effect_flow(Call(agent.send, agent.a_send, message, recipient, request_reply=request_reply, silent=silent))


def effect_flow(effect: Call) -> Flow[Any]:
    """A flow of the one effect ``effect``, resuming with its result."""
    return (yield effect)
