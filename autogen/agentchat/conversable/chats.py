"""Two-agent chats, their summaries, sequential chats and nested chats (part of `ConversableAgent`)."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any

from ... import runtime_logging
from ..._effects import Call, Flow, run_async, run_sync
from ...exception_utils import InvalidCarryOverTypeError
from .._messages import to_api_messages
from ..agent import Agent
from ..chat import ChatResult, _post_process_carryover_item, a_initiate_chats, initiate_chats
from ..utils import consolidate_chat_info, gather_usage_summary
from .events import emit
from .messaging import effect_flow, reply_flow, send_flow
from .stock import is_stock
from .termination import is_termination

__all__ = ["Chats", "chat_flow"]

DEFAULT_SUMMARY_METHOD = "last_msg"
_INIT_MESSAGE = ("generate_init_message", "a_generate_init_message")


class Chats:
    """initiate_chat and friends (part of `ConversableAgent`)."""

    DEFAULT_SUMMARY_PROMPT = "Summarize what the conversation established, as a direct answer without any introduction."
    DEFAULT_SUMMARY_METHOD = DEFAULT_SUMMARY_METHOD

    _oai_messages: dict[Agent, list[dict[str, Any]]]
    _human_input: list[str]
    _finished_chats: list[ChatResult]

    def _prepare_chat(self, recipient: Any, clear_history: bool, prepare_recipient: bool = True, reply_at_receive: bool = True) -> None:
        self.reset_consecutive_auto_reply_counter(recipient)  # type: ignore[attr-defined]
        self.reply_at_receive[recipient] = reply_at_receive  # type: ignore[attr-defined]
        if clear_history:
            self.clear_history(recipient)  # type: ignore[attr-defined]
            self._human_input = []
        if prepare_recipient:
            recipient._prepare_chat(self, clear_history, False, reply_at_receive)

    # ------------------------------------------------------------------ the first message

    def _init_message_flow(self, message: Any, kwargs: dict[str, Any]) -> Flow[Any]:
        if message is None:
            message = yield Call.of_kind("input", self.get_human_input, self.a_get_human_input, ">")  # type: ignore[attr-defined]
        return self._handle_carryover(message, kwargs)

    def _handle_carryover(self, message: Any, kwargs: dict[str, Any]) -> Any:
        """``message`` with ``kwargs["carryover"]`` (context from earlier chats) attached; the
        caller's message is never changed in place."""
        if not kwargs.get("carryover"):
            return message
        if isinstance(message, str):
            return self._process_carryover(message, kwargs)
        if not isinstance(message, dict):
            raise InvalidCarryOverTypeError("Carryover should be a string or a list of strings.")
        content = message.get("content")
        if isinstance(content, str):
            return {**message, "content": self._process_carryover(content, kwargs)}
        if isinstance(content, list):
            return {**message, "content": self._process_multimodal_carryover(content, kwargs)}
        return message  # e.g. a tool-call message: nothing to attach the text to

    def _process_carryover(self, content: str, kwargs: dict[str, Any]) -> str:
        """``content`` followed by ``"\nContext: \n"`` and the carryover text (a list carryover is
        joined by newlines; message-like items contribute their ``content``)."""
        carryover = kwargs.get("carryover")
        if not carryover:
            return content
        if isinstance(carryover, str):
            return content + "\nContext: \n" + carryover
        if isinstance(carryover, list):
            return content + "\nContext: \n" + "\n".join(_post_process_carryover_item(c) for c in carryover)
        raise InvalidCarryOverTypeError(
            "Carryover should be a string or a list of strings. Not adding carryover to the message."
        )

    def _process_multimodal_carryover(self, content: list[dict[str, Any]], kwargs: dict[str, Any]) -> list[dict[str, Any]]:
        """A multimodal ``content`` with the carryover as a text part in front."""
        if not kwargs.get("carryover"):
            return content
        return [{"type": "text", "text": self._process_carryover("", kwargs)}, *content]

    def generate_init_message(self, message: dict[str, Any] | str | None, **kwargs: Any) -> str | dict[str, Any]:
        """The first message of a chat, with any carryover appended."""
        return run_sync(self._init_message_flow(message, kwargs))

    async def a_generate_init_message(self, message: dict[str, Any] | str | None, **kwargs: Any) -> str | dict[str, Any]:
        """Async twin of `generate_init_message`."""
        return await run_async(self._init_message_flow(message, kwargs))

    def _first_message_flow(self, message: Any, recipient: Agent, kwargs: dict[str, Any]) -> Flow[Any]:
        if callable(message):  # user code
            return (yield Call(message, None, self, recipient, kwargs))
        if is_stock(self, Chats, _INIT_MESSAGE):
            return (yield from self._init_message_flow(message, kwargs))
        return (yield Call(self.generate_init_message, self.a_generate_init_message, message, **kwargs))

    # ------------------------------------------------------------------ the chat

    def _should_terminate_chat(self, recipient: Any, message: dict[str, Any]) -> bool:
        """Whether a chat with ``max_turns`` stops before the next turn: ``recipient``'s
        ``is_termination_msg`` accepts ``message``, the recipient's last reply. A message without
        content (a tool or function call) never ends the chat here."""
        if message.get("content") is None or not hasattr(recipient, "_is_termination_msg"):
            return False
        return bool(is_termination(recipient, message))

    def _chat_flow(
        self,
        recipient: Any,
        clear_history: bool,
        silent: bool | None,
        cache: Any,
        max_turns: int | None,
        summary_method: Any,
        summary_args: dict[str, Any] | None,
        message: Any,
        kwargs: dict[str, Any],
    ) -> Flow[ChatResult]:
        from ...cache.cache import Cache

        cache = Cache.get_current_cache(cache)  # an ambient `with Cache...:` block, for both drivers
        summary_args = summary_args if summary_args is not None else {}
        consolidate_chat_info(
            {"recipient": recipient, "summary_method": summary_method, "summary_args": summary_args}, uniform_sender=self
        )
        agents = [self, recipient]
        for agent in agents:  # a sync chat cannot run async-only reply functions (checked by the sync driver only)
            yield Call.sync_only(agent._raise_exception_on_async_reply_functions)
        for agent in agents:
            agent.previous_cache = agent.client_cache
            agent.client_cache = cache
        logged = (
            runtime_logging.begin_chat("two_agent", self, recipient, info={"max_turns": max_turns})
            if runtime_logging.is_logging
            else None
        )
        try:
            if isinstance(max_turns, int):
                self._prepare_chat(recipient, clear_history, reply_at_receive=False)
                for turn in range(max_turns):
                    if self._consecutive_auto_reply_counter[recipient] >= recipient._max_consecutive_auto_reply:  # type: ignore[attr-defined]
                        if runtime_logging.noting_terminations():
                            runtime_logging.note_termination("max_auto_replies", "Maximum number of consecutive auto-replies reached")
                        break
                    if turn == 0:
                        msg = yield from self._first_message_flow(message, recipient, kwargs)
                    else:
                        if self._should_terminate_chat(recipient, self.chat_messages[recipient][-1]):  # type: ignore[attr-defined]
                            if runtime_logging.noting_terminations():
                                runtime_logging.note_termination(
                                    "termination_message", f"Termination message condition on agent '{recipient.name}' met"
                                )
                            break
                        msg = yield from reply_flow(self, self.chat_messages[recipient], recipient)  # type: ignore[attr-defined]
                    if msg is None:
                        break
                    yield from send_flow(self, msg, recipient, True, bool(silent))
                else:
                    emit("TerminationEvent", termination_reason=f"Maximum turns ({max_turns}) reached", sender=self, recipient=recipient)
                    if runtime_logging.noting_terminations():
                        runtime_logging.note_termination("max_turns", f"Maximum turns ({max_turns}) reached")
            else:
                self._prepare_chat(recipient, clear_history)
                msg = yield from self._first_message_flow(message, recipient, kwargs)
                yield from send_flow(self, msg, recipient, None, bool(silent))
            summary = yield from self._summarize_flow(summary_method, summary_args, recipient, cache)
        except BaseException as e:
            if logged is not None:
                runtime_logging.end_chat(logged, e)
                logged = None
            raise
        finally:
            for agent in agents:
                agent.client_cache = agent.previous_cache
                agent.previous_cache = None
        if logged is not None:
            runtime_logging.end_chat(logged)
        return ChatResult(
            chat_history=self.chat_messages[recipient],  # type: ignore[attr-defined]
            summary=summary,
            cost=gather_usage_summary([self, recipient]),
            human_input=self._human_input,
        )

    def initiate_chat(
        self,
        recipient: Any,
        clear_history: bool = True,
        silent: bool | None = False,
        cache: Any = None,
        max_turns: int | None = None,
        summary_method: str | Callable[..., Any] | None = DEFAULT_SUMMARY_METHOD,
        summary_args: dict[str, Any] | None = {},
        message: dict[str, Any] | str | Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """Start a chat with ``recipient`` and run it until someone stops replying (or ``max_turns``)."""
        return run_sync(
            self._chat_flow(recipient, clear_history, silent, cache, max_turns, summary_method, summary_args, message, kwargs)
        )

    async def a_initiate_chat(
        self,
        recipient: Any,
        clear_history: bool = True,
        silent: bool | None = False,
        cache: Any = None,
        max_turns: int | None = None,
        summary_method: str | Callable[..., Any] | None = DEFAULT_SUMMARY_METHOD,
        summary_args: dict[str, Any] | None = {},
        message: dict[str, Any] | str | Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """Async twin of `initiate_chat`."""
        return await run_async(
            self._chat_flow(recipient, clear_history, silent, cache, max_turns, summary_method, summary_args, message, kwargs)
        )

    # ------------------------------------------------------------------ summaries

    def _summarize_flow(self, summary_method: Any, summary_args: dict[str, Any], recipient: Any, cache: Any) -> Flow[str]:
        if summary_method is None:
            return ""
        summary: Any = ""
        if summary_method == "last_msg":
            summary = self._last_msg_as_summary(self, recipient, summary_args)
        elif summary_method == "reflection_with_llm":
            prompt = summary_args.get("summary_prompt") or self.DEFAULT_SUMMARY_PROMPT
            if not isinstance(prompt, str):
                raise ValueError("summary_prompt must be a str.")
            role = summary_args.get("summary_role") or "system"
            llm_cache = summary_args.get("cache", cache)
            try:
                summary = yield from self._reflection_flow(prompt, recipient.chat_messages_for_summary(self), recipient, llm_cache, role)
                if summary is None:
                    warnings.warn(f"The LLM returned no reply to {self.name}.", UserWarning, stacklevel=2)  # type: ignore[attr-defined]
            except Exception as e:
                warnings.warn(f"Could not summarise the chat with the LLM: {e}", UserWarning, stacklevel=2)
                summary = ""
        elif callable(summary_method):
            summary = summary_method(self, recipient, summary_args)
        else:
            raise ValueError("summary_method must be None, 'last_msg', 'reflection_with_llm' or a callable.")
        return _summary_text(summary)

    def _reflection_flow(self, prompt: str, messages: list[dict[str, Any]], llm_agent: Any, cache: Any, role: str | None) -> Flow[Any]:
        """Ask the LLM of ``llm_agent`` (else this agent's) about ``messages`` followed by ``prompt``
        (as a ``role`` message, "system" by default): the reflection of a summary."""
        client = llm_agent.client if llm_agent is not None and llm_agent.client is not None else self.client  # type: ignore[attr-defined]
        if client is None:
            raise ValueError("reflection_with_llm needs an LLM client on the sender or the recipient.")
        messages = [*messages, {"role": role or "system", "content": prompt}]
        if _replaced_from_client(self):  # user code (e.g. a test double) takes the LLM call
            return (yield Call(self._generate_oai_reply_from_client, None, llm_client=client, messages=messages, cache=cache))  # type: ignore[attr-defined]
        return (yield from self._llm_flow(client, to_api_messages([], messages), None, cache))  # type: ignore[attr-defined]

    def _reflection_with_llm(
        self, prompt: str, messages: list[dict[str, Any]], llm_agent: Agent | None = None, cache: Any = None, role: str | None = None
    ) -> Any:
        """The LLM's answer to ``prompt`` about ``messages`` (ag2's helper behind "reflection_with_llm")."""
        return run_sync(self._reflection_flow(prompt, messages, llm_agent, cache, role))

    @staticmethod
    def _reflection_with_llm_as_summary(sender: Any, recipient: Any, summary_args: dict[str, Any]) -> str:
        """The "reflection_with_llm" summary of the chat between ``sender`` and ``recipient``
        ("" with a warning when the LLM call fails)."""
        return sender._summarize_chat("reflection_with_llm", summary_args, recipient)

    def _summarize_chat(self, summary_method: Any, summary_args: dict[str, Any] | None, recipient: Agent | None = None, cache: Any = None) -> str:
        """The summary of the chat with ``recipient`` by ``summary_method`` ("last_msg",
        "reflection_with_llm", a callable or None), as a str."""
        return run_sync(self._summarize_flow(summary_method, summary_args if summary_args is not None else {}, recipient, cache))

    def _check_chat_queue_for_sender(self, chat_queue: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``chat_queue`` with this agent as the sender of every chat that names none (in place)."""
        for chat in chat_queue:
            if chat.get("sender") is None:
                chat["sender"] = self
        return list(chat_queue)

    @staticmethod
    def _last_msg_as_summary(sender: Any, recipient: Any, summary_args: dict[str, Any] | None) -> str:
        try:
            content = recipient.last_message(sender)["content"]
            if isinstance(content, str):
                return content.replace("TERMINATE", "")
            if isinstance(content, list):
                parts = []
                for part in content:
                    if isinstance(part, dict) and part.get("type") == "text":
                        parts.append(str(part.get("text", "")).replace("TERMINATE", ""))
                return "\n".join(parts)
            if isinstance(content, dict):  # a provider's nested message
                return _summary_text(content).replace("TERMINATE", "")
            return "" if content is None else str(content).replace("TERMINATE", "")
        except (IndexError, AttributeError, KeyError, TypeError) as e:
            warnings.warn(f"Cannot extract summary using last_msg: {e}. Using an empty str as summary.", UserWarning, stacklevel=2)
            return ""

    def chat_messages_for_summary(self, agent: Agent) -> list[dict[str, Any]]:
        """The messages to summarise for the chat with ``agent``."""
        return self._oai_messages[agent]

    # ------------------------------------------------------------------ sequential chats

    def initiate_chats(self, chat_queue: list[dict[str, Any]]) -> list[ChatResult]:
        """Run several chats in sequence, each with the summaries of the earlier ones as carryover."""
        self._finished_chats = initiate_chats(self._check_chat_queue_for_sender(chat_queue))
        return self._finished_chats

    async def a_initiate_chats(self, chat_queue: list[dict[str, Any]]) -> dict[int, ChatResult]:
        """Async sequential chats with prerequisites."""
        self._finished_chats = await a_initiate_chats(self._check_chat_queue_for_sender(chat_queue))  # type: ignore[assignment]
        return self._finished_chats  # type: ignore[return-value]

    def get_chat_results(self, chat_index: int | None = None) -> list[ChatResult] | ChatResult:
        """Results of the chats started with `initiate_chats`."""
        if chat_index is not None:
            return self._finished_chats[chat_index]
        return self._finished_chats

    # ------------------------------------------------------------------ nested chats

    def register_nested_chats(
        self,
        chat_queue: list[dict[str, Any]],
        trigger: Any,
        reply_func_from_nested_chats: str | Callable[..., Any] = "summary_from_nested_chats",
        position: int = 2,
        use_async: bool | None = None,
        **kwargs: Any,
    ) -> None:
        """Reply, when ``trigger`` matches, by running the chats in ``chat_queue`` and returning the
        summary of the last one."""
        if use_async:
            for chat in chat_queue:
                if chat.get("chat_id") is None:
                    raise ValueError("chat_id is required for async nested chats (use_async=True): give each chat a 'chat_id'.")
            if reply_func_from_nested_chats == "summary_from_nested_chats":
                reply_func_from_nested_chats = self._a_summary_from_nested_chats
            if not inspect.iscoroutinefunction(reply_func_from_nested_chats):
                raise ValueError("reply_func_from_nested_chats must be a callable and a coroutine (use_async=True).")

            async def wrapped_reply_func(recipient, messages=None, sender=None, config=None):  # type: ignore[no-untyped-def]
                return await reply_func_from_nested_chats(chat_queue, recipient, messages, sender, config)

        else:
            if reply_func_from_nested_chats == "summary_from_nested_chats":
                reply_func_from_nested_chats = self._summary_from_nested_chats
            if not callable(reply_func_from_nested_chats):
                raise ValueError("reply_func_from_nested_chats must be a callable")

            def wrapped_reply_func(recipient, messages=None, sender=None, config=None):  # type: ignore[no-untyped-def]
                return reply_func_from_nested_chats(chat_queue, recipient, messages, sender, config)

        functools.update_wrapper(wrapped_reply_func, reply_func_from_nested_chats)
        self.register_reply(  # type: ignore[attr-defined]
            trigger,
            wrapped_reply_func,
            position,
            kwargs.get("config"),
            kwargs.get("reset_config"),
            ignore_async_in_sync_chat=(not use_async) if use_async is not None else kwargs.get("ignore_async_in_sync_chat", False),
        )

    @staticmethod
    def _nested_chat_queue(chat_queue: list[dict[str, Any]], recipient: Agent, messages: list[dict[str, Any]] | None, sender: Agent | None) -> list[dict[str, Any]]:
        last_content = messages[-1].get("content") if messages else None
        prepared = []
        for i, chat in enumerate(chat_queue):
            chat = dict(chat)
            chat.setdefault("sender", recipient)
            msg = chat.get("message")
            if i == 0 and msg is None:
                msg = last_content
            if callable(msg):
                msg = msg(recipient, messages, sender, chat.get("config"))
            chat.pop("carryover_config", None)
            if not msg:
                continue
            chat["message"] = msg
            prepared.append(chat)
        if chat_queue and prepared and chat_queue[0].get("carryover_config") and prepared[0] is not None:
            prepared[0]["message"] = _apply_nested_carryover(chat_queue[0]["carryover_config"], prepared[0]["message"], messages or [], recipient)
        return prepared

    @staticmethod
    def _summary_from_nested_chats(
        chat_queue: list[dict[str, Any]], recipient: Agent, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, str | None]:
        queue = Chats._nested_chat_queue(chat_queue, recipient, messages, sender)
        if not queue:
            return True, None
        results = initiate_chats(queue)
        return True, results[-1].summary

    @staticmethod
    async def _a_summary_from_nested_chats(
        chat_queue: list[dict[str, Any]], recipient: Agent, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, str | None]:
        queue = Chats._nested_chat_queue(chat_queue, recipient, messages, sender)
        if not queue:
            return True, None
        results = await a_initiate_chats(queue)
        last_id = queue[-1]["chat_id"]
        return True, results[last_id].summary


_INITIATE = ("initiate_chat", "a_initiate_chat")


def chat_flow(agent: Any, recipient: Any, **kwargs: Any) -> Flow[ChatResult]:
    """``agent.initiate_chat(recipient, **kwargs)`` as a step of a flow."""
    if is_stock(agent, Chats, _INITIATE):
        args = {
            "clear_history": True, "silent": False, "cache": None, "max_turns": None,
            "summary_method": DEFAULT_SUMMARY_METHOD, "summary_args": {}, "message": None,
        }  # fmt: skip
        args.update({k: kwargs.pop(k) for k in list(kwargs) if k in args})
        return agent._chat_flow(
            recipient, args["clear_history"], args["silent"], args["cache"], args["max_turns"],
            args["summary_method"], args["summary_args"], args["message"], kwargs,
        )  # fmt: skip
    return effect_flow(Call(agent.initiate_chat, agent.a_initiate_chat, recipient, **kwargs))


def _summary_text(summary: Any) -> str:
    """A summary as text: message dicts (some providers nest them) give their content, None gives ""."""
    while isinstance(summary, dict):
        summary = summary.get("content", "")
    if summary is None:
        return ""
    return summary if isinstance(summary, str) else str(summary)


def _apply_nested_carryover(config: dict[str, Any], message: Any, messages: list[dict[str, Any]], recipient: Agent) -> Any:
    method = config.get("summary_method", "last_msg")
    history = messages[:-2] if len(messages) > 2 else []
    if method == "all":
        text = "\n".join(str(m.get("content") or "") for m in history)
    elif method == "last_msg":
        text = str(history[-1].get("content") or "") if history else ""
    elif callable(method):
        text = method(recipient, history, config.get("summary_args", {}))
    else:
        text = ""
    if not text or not isinstance(message, str):
        return message
    return f"{message}\nContext:\n{text}"


def _replaced_from_client(agent: Any) -> bool:
    """Whether ``agent``'s ``_generate_oai_reply_from_client`` is not the library's own: the summary then calls it."""
    from .llm_reply import _replaced_from_client as replaced

    return replaced(agent)
