"""The reply pipeline's registry: reply functions with their triggers, and the agent's hooks."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any, Literal

from ...exception_utils import SenderRequiredError
from ..agent import Agent

__all__ = ["HOOK_NAMES", "HookName", "ReplyRegistry", "is_agent"]

HookName = Literal[
    "process_last_received_message",
    "process_all_messages_before_reply",
    "process_message_before_send",
    "update_agent_state",
    "safeguard_tool_inputs",
    "safeguard_tool_outputs",
    "safeguard_llm_inputs",
    "safeguard_llm_outputs",
    "safeguard_human_inputs",
]
HOOK_NAMES: tuple[str, ...] = HookName.__args__  # type: ignore[attr-defined]


class ReplyRegistry:
    """Registration of reply functions and hooks (part of `ConversableAgent`).

    ``_reply_func_list`` holds one dict per reply function, first checked first, with the keys
    ``trigger``, ``reply_func``, ``config``, ``init_config``, ``reset_config``,
    ``ignore_async_in_sync_chat`` and ``is_async`` (code written for ag2 reads and edits them).
    """

    _reply_func_list: list[dict[str, Any]]
    _ignored_sync_twins: set[str]
    hook_lists: dict[str, list[Callable[..., Any]]]

    def register_reply(
        self,
        trigger: type[Agent] | str | Agent | Callable[[Agent], bool] | list,
        reply_func: Callable[..., Any],
        position: int = 0,
        config: Any | None = None,
        reset_config: Callable[..., Any] | None = None,
        *,
        ignore_async_in_sync_chat: bool = False,
        remove_other_reply_funcs: bool = False,
    ) -> None:
        """Add ``reply_func`` to the pipeline at ``position`` (0 = checked first).

        ``reply_func(recipient, messages=None, sender=None, config=None) -> (final, reply)``; it runs
        when ``trigger`` matches the sender (a class, a name, an agent, a predicate, or a list of them).
        """
        if not isinstance(trigger, (type, str, list)) and not callable(trigger) and not is_agent(trigger):
            raise ValueError("trigger must be a class, a string, an agent, a callable or a list.")
        if remove_other_reply_funcs:
            self._reply_func_list.clear()
            self._ignored_sync_twins.clear()
        is_async = inspect.iscoroutinefunction(reply_func)
        self._reply_func_list.insert(
            position,
            {
                "trigger": trigger,
                "reply_func": reply_func,
                "config": copy.copy(config),
                "init_config": config,
                "reset_config": reset_config,
                "ignore_async_in_sync_chat": ignore_async_in_sync_chat and is_async,
                "is_async": is_async,
            },
        )
        if is_async and ignore_async_in_sync_chat:
            # ag2's convention: an ignored async `a_x` has a sync twin `x` that async chats skip.
            fname = getattr(reply_func, "__name__", "")
            if fname.startswith("a_"):
                self._ignored_sync_twins.add(fname[2:])

    def _register_stock_replies(self, *pairs: tuple[Callable[..., Any], Callable[..., Any]]) -> None:
        """For each (sync reply function, its ``a_`` twin): ``register_reply([Agent, None], sync)``, then
        ``register_reply([Agent, None], twin, ignore_async_in_sync_chat=True)``, without inspecting
        which of them is a coroutine function (that is known)."""
        from .stock import _STOCK_FLOWS

        entries = self._reply_func_list
        for pair in pairs:
            if _STOCK_FLOWS.get(pair[0]) != _STOCK_FLOWS.get(pair[1]):
                # one twin was replaced on the class (a test's patch): the pair is no longer one stock
                # step, so the remaining stock twin runs as plain code, only in its own kind of chat
                pair = (_as_plain(pair[0], False), _as_plain(pair[1], True))
            for func, is_async in zip(pair, (False, True)):
                entries.insert(0, {
                    "trigger": [Agent, None], "reply_func": func, "config": None, "init_config": None,
                    "reset_config": None, "ignore_async_in_sync_chat": is_async, "is_async": is_async,
                })  # fmt: skip
            self._ignored_sync_twins.add(pair[1].__name__[2:])

    def replace_reply_func(self, old_reply_func: Callable[..., Any], new_reply_func: Callable[..., Any]) -> None:
        """Swap one registered reply function for another, in place."""
        for entry in self._reply_func_list:
            if entry["reply_func"] == old_reply_func:
                entry["reply_func"] = new_reply_func
                entry["is_async"] = inspect.iscoroutinefunction(new_reply_func)
                fname = getattr(new_reply_func, "__name__", "")
                if entry["is_async"] and entry["ignore_async_in_sync_chat"] and fname.startswith("a_"):
                    self._ignored_sync_twins.add(fname[2:])  # its sync twin is skipped in async chats

    def _match_trigger(self, trigger: Any, sender: Agent | None) -> bool:
        if trigger is None:
            return sender is None
        if trigger is Agent:  # the common case, without the slow protocol check
            return sender is not None and (isinstance(sender, ReplyRegistry) or isinstance(sender, Agent))
        if isinstance(trigger, str):
            if sender is None:
                raise SenderRequiredError()
            return trigger == sender.name
        if isinstance(trigger, type):
            return isinstance(sender, trigger)
        if isinstance(trigger, list):
            return any(self._match_trigger(t, sender) for t in trigger)
        if is_agent(trigger):
            return trigger is sender or trigger == sender
        if callable(trigger):
            result = trigger(sender)
            if not isinstance(result, bool):
                raise AssertionError(f"A callable trigger must return a bool, got {type(result).__name__}.")
            return result
        raise ValueError(f"Unsupported trigger type: {type(trigger).__name__}")

    def _get_sync_funcs_to_skip_in_async_chat(self) -> set[Callable[..., Any]]:
        """The sync reply functions an async chat skips: each has an async twin ``a_<name>``
        registered with ``ignore_async_in_sync_chat=True``, which runs in its place.

        The pipeline (`_generate_reply_flow`) keeps this as the set of twin names recorded at
        registration (``_ignored_sync_twins``), so a reply does not rescan the list."""
        return {
            entry["reply_func"]
            for entry in self._reply_func_list
            if not entry["is_async"] and getattr(entry["reply_func"], "__name__", None) in self._ignored_sync_twins
        }

    def _async_reply_functions_not_ignored(self) -> list[Callable[..., Any]]:
        return [e["reply_func"] for e in self._reply_func_list if e["is_async"] and not e["ignore_async_in_sync_chat"]]

    def _raise_exception_on_async_reply_functions(self) -> None:
        """Refuse a sync chat when an async reply function would be silently skipped in it."""
        funcs = self._async_reply_functions_not_ignored()
        if funcs:
            # ag2's wording, which code matches on; the fix is a_initiate_chat or ignore_async_in_sync_chat=True.
            raise RuntimeError(
                "Async reply functions can only be used with ConversableAgent.a_initiate_chat(). "
                "The following async reply functions are found: "
                + ", ".join(getattr(f, "__name__", repr(f)) for f in funcs)
            )

    # ------------------------------------------------------------------ hooks

    def register_hook(self, hookable_method: str, hook: Callable[..., Any]) -> None:
        """Register ``hook`` on one of the hookable steps (see `hook_lists`)."""
        if hookable_method not in self.hook_lists:
            raise AssertionError(f"{hookable_method!r} is not a hookable method; choose one of {list(self.hook_lists)}.")
        hooks = self.hook_lists[hookable_method]
        if hook in hooks:
            raise AssertionError(f"{hook} is already registered as a {hookable_method} hook.")
        hooks.append(hook)

    def _run_safeguard(self, hook_name: str, value: Any, what: str) -> Any:
        for hook in self.hook_lists[hook_name]:
            value = hook(value)
            if value is None:
                raise ValueError(f"The {hook_name} hook returned None; it must return the (possibly changed) {what}.")
        return value


def is_agent(obj: Any) -> bool:
    """An agent instance (not a class): a ConversableAgent or anything meeting the Agent protocol."""
    return isinstance(obj, ReplyRegistry) or (not isinstance(obj, type) and isinstance(obj, Agent))


def _as_plain(func: Callable[..., Any], is_async: bool) -> Callable[..., Any]:
    """``func`` wrapped so that the pipeline calls it as a registered reply function, not a stock flow."""
    from .stock import _STOCK_FLOWS

    if _STOCK_FLOWS.get(func) is None:
        return func
    if is_async:

        async def plain_async(*args: Any, **kwargs: Any) -> Any:
            return await func(*args, **kwargs)

        plain_async.__name__ = func.__name__
        return plain_async

    def plain(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    plain.__name__ = func.__name__
    return plain
