"""`ConversableAgent`: an agent whose replies come from a pipeline of registered reply functions.

The conversation routines are written once, as generators over `Step`s (see `_flow.py`); each public
method and its ``a_`` twin drive the same generator with the sync or the async driver.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import json
import logging
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from .. import runtime_logging
from ..exception_utils import InvalidCarryOverTypeError, SenderRequiredError
from ..io.base import IOStream
from ._flow import Flow, Step, run_async, run_sync, settle
from ._messages import (
    message_to_dict,
    normalize_function_name,
    normalize_message,
    ApiView,
    GrowingHistory,
    repair_json_arguments,
    to_api_messages,
    validate_function_name,
)
from .agent import Agent
from .chat import ChatResult, _post_process_carryover_item, a_initiate_chats, initiate_chats
from .group.context_variables import ContextVariables
from .update_system_message import UpdateSystemMessage
from .utils import consolidate_chat_info, gather_usage_summary

if TYPE_CHECKING:
    from ..coding.base import CodeExecutor
    from ..llm_config.config import LLMConfig
    from ..oai.client import OpenAIWrapper
    from ..tools.tool import Tool

__all__ = ["ConversableAgent", "register_function"]

logger = logging.getLogger(__name__)

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
_HOOK_NAMES: tuple[str, ...] = HookName.__args__  # type: ignore[attr-defined]


@functools.cache
def _agent_event(name: str) -> Any:
    """An attribute of ``autogen.events.agent_events`` (imported on first use, not with the agent)."""
    from ..events import agent_events

    return getattr(agent_events, name)


def _emit(event_name: str, **fields: Any) -> None:
    """Send one event of ``autogen.events.agent_events`` to the current IO stream."""
    IOStream.get_default().send(_agent_event(event_name)._from_fields(fields))


class ConversableAgent:
    """An agent that can converse: it sends, receives, and generates replies from a pipeline of
    reply functions (termination and human input, function/tool calls, code execution, LLM)."""

    DEFAULT_CONFIG = False
    MAX_CONSECUTIVE_AUTO_REPLY = 100
    DEFAULT_SUMMARY_PROMPT = (
        "Summarize what the conversation established, as a direct answer without any introduction."
    )
    DEFAULT_SUMMARY_METHOD = "last_msg"
    llm_config: LLMConfig | Literal[False]

    def __init__(
        self,
        name: str,
        system_message: str | list | None = "You are a helpful AI Assistant.",
        is_termination_msg: Callable[[dict[str, Any]], bool] | None = None,
        max_consecutive_auto_reply: int | None = None,
        human_input_mode: Literal["ALWAYS", "NEVER", "TERMINATE"] = "TERMINATE",
        function_map: dict[str, Callable[..., Any]] | None = None,
        code_execution_config: dict[str, Any] | Literal[False] | None = False,
        llm_config: LLMConfig | dict[str, Any] | Literal[False] | None = None,
        default_auto_reply: str | dict[str, Any] = "",
        description: str | None = None,
        chat_messages: dict[Agent, list[dict[str, Any]]] | None = None,
        silent: bool | None = None,
        context_variables: ContextVariables | None = None,
        functions: list[Callable[..., Any]] | Callable[..., Any] | None = None,
        update_agent_state_before_reply: list[Callable[..., Any] | UpdateSystemMessage]
        | Callable[..., Any]
        | UpdateSystemMessage
        | None = None,
        handoffs: Any = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError("An agent needs a non-empty str name.")
        if human_input_mode not in ("ALWAYS", "NEVER", "TERMINATE"):
            raise ValueError(f"human_input_mode must be 'ALWAYS', 'TERMINATE' or 'NEVER', not {human_input_mode!r}.")
        self._name = name
        self._oai_messages: defaultdict[Agent, list[dict[str, Any]]] = defaultdict(list)
        if chat_messages is not None:
            self._oai_messages.update(chat_messages)
        self._oai_system_message = [{"content": system_message if system_message is not None else "", "role": "system"}]
        self._description = description if description is not None else (system_message or "")
        self._is_termination_msg = is_termination_msg if is_termination_msg is not None else _default_is_termination
        self.silent = silent
        self.human_input_mode = human_input_mode
        self._max_consecutive_auto_reply = (
            max_consecutive_auto_reply if max_consecutive_auto_reply is not None else self.MAX_CONSECUTIVE_AUTO_REPLY
        )
        self._consecutive_auto_reply_counter: defaultdict[Agent, int] = defaultdict(int)
        self._max_consecutive_auto_reply_dict: defaultdict[Agent, int] = defaultdict(self.max_consecutive_auto_reply)
        self._default_auto_reply = default_auto_reply
        self._reply_func_list: list[dict[str, Any]] = []
        self._ignored_sync_twins: set[str] = set()
        self._human_input: list[str] = []
        self.reply_at_receive: defaultdict[Agent, bool] = defaultdict(bool)
        self.context_variables = context_variables if context_variables is not None else ContextVariables()
        self.handoffs = handoffs if handoffs is not None else _new_handoffs()
        self.input_guardrails: list[Any] = []
        self.output_guardrails: list[Any] = []
        self.client_cache: Any = None
        self.previous_cache: Any = None
        self.run_executor: ConversableAgent | None = None
        self._finished_chats: list[ChatResult] = []
        self._tools: list[Tool] = []
        self._function_map: dict[str, Callable[..., Any]] = {}
        if function_map:
            for fname in function_map:
                validate_function_name(fname)
            self._function_map.update(function_map)

        self.hook_lists: dict[str, list[Callable[..., Any]]] = {h: [] for h in _HOOK_NAMES}

        self.llm_config = self._validate_llm_config(llm_config)
        self.client: OpenAIWrapper | None = self._create_client(self.llm_config)
        # ag2 refuses whitespace in names for OpenAI configs (the API rejects such a `name`); requests
        # here sanitise the name instead (_messages.sanitize_name), so 0.2 names like "User Proxy" work.

        # Default pipeline, as if each pair were given to register_reply (sync twin first, trigger
        # [Agent, None]); each goes to position 0, so the last registered runs first.
        self._register_stock_replies((ConversableAgent.generate_oai_reply, ConversableAgent.a_generate_oai_reply))
        self._code_executor: CodeExecutor | None = None
        self._setup_code_execution(code_execution_config)
        self._register_stock_replies(
            (ConversableAgent.generate_tool_calls_reply, ConversableAgent.a_generate_tool_calls_reply),
            (ConversableAgent.generate_function_call_reply, ConversableAgent.a_generate_function_call_reply),
            (ConversableAgent.check_termination_and_human_reply, ConversableAgent.a_check_termination_and_human_reply),
        )

        if functions is not None:
            if not self.llm_config:
                raise AssertionError("functions= needs an llm_config: the functions are offered to the LLM.")
            for func in functions if isinstance(functions, list) else [functions]:
                self.register_for_llm()(func)

        if update_agent_state_before_reply is not None:
            updaters = (
                update_agent_state_before_reply
                if isinstance(update_agent_state_before_reply, list)
                else [update_agent_state_before_reply]
            )
            for updater in updaters:
                self._register_state_updater(updater)

        if runtime_logging.is_logging:
            runtime_logging.log_new_agent(self, locals())

    # ------------------------------------------------------------------ construction helpers

    @staticmethod
    def _validate_llm_config(llm_config: Any) -> Any:
        if llm_config is False:
            return False
        from ..llm_config.config import LLMConfig

        if llm_config is None:
            # `with llm_config:` (0.9/0.10 form) makes an ambient default for agents created inside.
            current = LLMConfig.get_current_llm_config() if hasattr(LLMConfig, "get_current_llm_config") else None
            llm_config = current if current is not None else ConversableAgent.DEFAULT_CONFIG
        if llm_config is False:
            return False
        if isinstance(llm_config, dict):
            llm_config = _copy_config(llm_config)
        return LLMConfig.ensure_config(llm_config)

    @staticmethod
    def _create_client(llm_config: Any) -> OpenAIWrapper | None:
        if not llm_config:
            return None
        from ..oai.client import OpenAIWrapper

        return OpenAIWrapper(**llm_config)

    def _setup_code_execution(self, code_execution_config: Any) -> None:
        if code_execution_config is None:
            warnings.warn(
                "code_execution_config=None is deprecated; use False to disable code execution or a dict to enable it.",
                DeprecationWarning,
                stacklevel=3,
            )
            code_execution_config = {}
        if code_execution_config is False:
            self._code_execution_config: dict[str, Any] | Literal[False] = False
            return
        if not isinstance(code_execution_config, dict):
            raise ValueError("code_execution_config must be a dict or False.")
        config = dict(code_execution_config)
        self._code_execution_config = config
        if config.get("executor") is not None:
            bad = [k for k in ("use_docker", "work_dir", "timeout") if k in config]
            if bad:
                raise ValueError(
                    f"code_execution_config with an 'executor' must not also set {', '.join(bad)}: "
                    "configure those on the executor itself."
                )
            from ..coding.factory import CodeExecutorFactory

            self._code_executor = CodeExecutorFactory.create(config)
            self.register_reply([Agent, None], ConversableAgent._generate_code_execution_reply_using_executor)
        else:
            from ..code_utils import check_can_use_docker_or_throw, decide_use_docker

            config["use_docker"] = decide_use_docker(config.get("use_docker"))
            check_can_use_docker_or_throw(config["use_docker"])
            self.register_reply([Agent, None], ConversableAgent.generate_code_execution_reply)

    def _register_state_updater(self, updater: Callable[..., Any] | UpdateSystemMessage) -> None:
        if isinstance(updater, UpdateSystemMessage):

            def update_system_message(agent: ConversableAgent, messages: list[dict[str, Any]]) -> None:
                agent.update_system_message(updater.render(agent, messages))

            self.register_hook("update_agent_state", update_system_message)
        elif callable(updater):
            self.register_hook("update_agent_state", updater)
        else:
            raise ValueError("update_agent_state_before_reply takes callables or UpdateSystemMessage objects.")

    # ------------------------------------------------------------------ properties

    @property
    def name(self) -> str:
        """The agent's name."""
        return self._name

    @property
    def description(self) -> str:
        """What the agent does (defaults to its system message)."""
        return self._description

    @description.setter
    def description(self, description: str) -> None:
        self._description = description

    @property
    def system_message(self) -> str:
        """The system message sent first in every LLM request."""
        return self._oai_system_message[0]["content"]

    def update_system_message(self, system_message: str) -> None:
        """Replace the system message."""
        self._oai_system_message[0]["content"] = system_message

    @property
    def chat_messages(self) -> dict[Agent, list[dict[str, Any]]]:
        """Conversation histories, one list per peer agent."""
        return self._oai_messages

    @property
    def function_map(self) -> dict[str, Callable[..., Any]]:
        """Functions this agent executes, by name."""
        return self._function_map

    @property
    def tools(self) -> list[Tool]:
        """Tools registered for this agent's LLM (a copy)."""
        return list(self._tools)

    @property
    def code_executor(self) -> CodeExecutor | None:
        """The code executor, when code execution uses one."""
        return self._code_executor

    @property
    def use_docker(self) -> bool | str | None:
        """The resolved `use_docker` of the legacy code execution config (None when disabled)."""
        if not self._code_execution_config:
            return None
        return self._code_execution_config.get("use_docker")

    @property
    def code_execution_config(self) -> dict[str, Any] | Literal[False]:
        return self._code_execution_config

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    # ------------------------------------------------------------------ reply registration

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
        if not isinstance(trigger, (type, str, list)) and not callable(trigger) and not _is_agent(trigger):
            raise ValueError("trigger must be a class, a string, an agent, a callable or a list.")
        if remove_other_reply_funcs:
            self._reply_func_list.clear()
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
            fname = getattr(reply_func, "__name__", "")
            if fname.startswith("a_"):
                self._ignored_sync_twins.add(fname[2:])

    def _register_stock_replies(self, *pairs: tuple[Callable[..., Any], Callable[..., Any]]) -> None:
        """For each (sync reply function, its ``a_`` twin): ``register_reply([Agent, None], sync)``, then
        ``register_reply([Agent, None], twin, ignore_async_in_sync_chat=True)``, without inspecting
        which of them is a coroutine function (that is known)."""
        entries = self._reply_func_list
        for pair in pairs:
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

    def _match_trigger(self, trigger: Any, sender: Agent | None) -> bool:
        if trigger is None:
            return sender is None
        if trigger is Agent:  # the common case, without the slow protocol check
            return sender is not None and (isinstance(sender, ConversableAgent) or isinstance(sender, Agent))
        if isinstance(trigger, str):
            if sender is None:
                raise SenderRequiredError()
            return trigger == sender.name
        if isinstance(trigger, type):
            return isinstance(sender, trigger)
        if isinstance(trigger, list):
            return any(self._match_trigger(t, sender) for t in trigger)
        if _is_agent(trigger):
            return trigger is sender or trigger == sender
        if callable(trigger):
            result = trigger(sender)
            if not isinstance(result, bool):
                raise AssertionError(f"A callable trigger must return a bool, got {type(result).__name__}.")
            return result
        raise ValueError(f"Unsupported trigger type: {type(trigger).__name__}")

    def _async_reply_functions_not_ignored(self) -> list[Callable[..., Any]]:
        return [e["reply_func"] for e in self._reply_func_list if e["is_async"] and not e["ignore_async_in_sync_chat"]]

    def _raise_exception_on_async_reply_functions(self) -> None:
        funcs = self._async_reply_functions_not_ignored()
        if funcs:
            names = ", ".join(getattr(f, "__name__", repr(f)) for f in funcs)
            raise RuntimeError(
                f"Agent '{self.name}' has async reply functions ({names}) that a sync chat cannot run. "
                "Use a_initiate_chat, or register them with ignore_async_in_sync_chat=True."
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

    # ------------------------------------------------------------------ send / receive

    def _append_oai_message(
        self, message: dict[str, Any] | str, role: str, conversation_id: Agent, is_sending: bool
    ) -> bool:
        sender_name = self.name if is_sending else conversation_id.name
        stored = normalize_message(message, role, sender_name)
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
            raise ValueError(
                "Message can't be converted into a valid ChatCompletion message. "
                "Either content or function_call must be provided."
            )
        return message

    # Sending is one step: the recipient's receive is called directly, not through a flow driver.
    def send(self, message: dict[str, Any] | str, recipient: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Send ``message`` to ``recipient``, who stores it and (if asked) replies."""
        silent = bool(silent)
        # settled as the sync driver would (a custom agent's receive may be a coroutine function)
        settle(recipient.receive(self._outgoing(message, recipient, silent), self, request_reply, silent))

    async def a_send(self, message: dict[str, Any] | str, recipient: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Async twin of `send`."""
        silent = bool(silent)
        await recipient.a_receive(self._outgoing(message, recipient, silent), self, request_reply, silent)

    def _is_silent(self, silent: bool = False) -> bool:
        return self.silent if self.silent is not None else silent

    def _process_received_message(self, message: Any, sender: Agent, silent: bool) -> None:
        valid = self._append_oai_message(message, "user", sender, is_sending=False)
        if runtime_logging.is_logging:
            runtime_logging.log_event(self, "received_message", message=message, sender=sender.name, valid=valid)
        if not valid:
            raise ValueError(
                "Received message can't be converted into a valid ChatCompletion message. "
                "Either content or function_call must be provided."
            )
        sender_silent = getattr(sender, "silent", None)
        if not (sender_silent if sender_silent is not None else silent):
            self._print_received_message(message, sender)

    def _print_received_message(self, message: Any, sender: Agent, skip_head: bool = False) -> None:
        event = _agent_event("create_received_event_model")(event=message_to_dict(message), sender=sender, recipient=self)
        IOStream.get_default().send(event)

    def _receive_flow(self, message: Any, sender: Agent, request_reply: bool | None, silent: bool, is_async: bool) -> Flow[None]:
        self._process_received_message(message, sender, silent)
        if request_reply is False or (request_reply is None and not self.reply_at_receive[sender]):
            return
        reply = yield Step(self.generate_reply, self.a_generate_reply, messages=self.chat_messages[sender], sender=sender)
        if reply is not None:
            yield Step(self.send, self.a_send, reply, sender, silent=silent)

    def receive(self, message: dict[str, Any] | str, sender: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Store a message from ``sender`` and, when a reply is requested, generate and send it."""
        if request_reply is False:  # stored only (group chat relays): no flow to drive
            self._process_received_message(message, sender, bool(silent))
            return
        run_sync(self._receive_flow(message, sender, request_reply, bool(silent), False))

    async def a_receive(self, message: dict[str, Any] | str, sender: Agent, request_reply: bool | None = None, silent: bool | None = False) -> None:
        """Async twin of `receive`."""
        if request_reply is False:
            self._process_received_message(message, sender, bool(silent))
            return
        await run_async(self._receive_flow(message, sender, request_reply, bool(silent), True))

    # ------------------------------------------------------------------ generate_reply

    def _apply_reply_hooks(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for hook in self.hook_lists["update_agent_state"]:
            hook(self, messages)
        messages = self._process_last_received_message(messages)
        for hook in self.hook_lists["process_all_messages_before_reply"]:
            messages = hook(messages)
        return messages

    def _process_last_received_message(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        hooks = self.hook_lists["process_last_received_message"]
        if not hooks or not messages:
            return messages
        last = messages[-1]
        if last.get("function_call") or "context" in last:
            return messages
        content = last.get("content")
        if content is None or not isinstance(content, (str, list)) or content == "exit":
            return messages
        new_content = content
        for hook in hooks:
            new_content = hook(new_content)
        if new_content == content:
            return messages
        # Copy on write: the stored message stays as it was received.
        changed = dict(last)
        changed["content"] = new_content
        return [*messages[:-1], changed]

    def _generate_reply_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, exclude: Iterable[Callable[..., Any]], is_async: bool
    ) -> Flow[str | dict[str, Any] | None]:
        if messages is None and sender is None:
            raise AssertionError("generate_reply needs messages or a sender.")
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        messages = self._apply_reply_hooks(messages)
        from_agent = isinstance(sender, ConversableAgent)
        for entry in self._reply_func_list:
            func = entry["reply_func"]
            if exclude and func in exclude:
                continue
            if entry["is_async"]:
                if not is_async:
                    continue
            elif is_async and getattr(func, "__name__", None) in self._ignored_sync_twins:
                continue
            trigger = entry["trigger"]
            # The stock triggers (Agent, [Agent, None]) match every agent: skip the general matcher.
            if (from_agent and (trigger is Agent or (type(trigger) is list and Agent in trigger))) or self._match_trigger(
                trigger, sender
            ):
                if is_async:
                    final, reply = yield Step(func, None, self, messages=messages, sender=sender, config=entry["config"])
                else:  # a sync pipeline calls its (sync) reply functions here, as the sync driver would
                    result = func(self, messages=messages, sender=sender, config=entry["config"])
                    final, reply = result if type(result) is tuple else settle(result)
                if runtime_logging.is_logging:
                    runtime_logging.log_event(
                        self, "reply_func_executed", reply_func_module=getattr(func, "__module__", None),
                        reply_func_name=getattr(func, "__name__", str(func)), final=final, reply=reply,
                    )  # fmt: skip
                if final:
                    return reply
        return self._default_auto_reply

    def generate_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        exclude: Iterable[Callable[..., Any]] = (),
        **kwargs: Any,
    ) -> str | dict[str, Any] | None:
        """Run the reply pipeline: the first reply function that returns final=True gives the reply."""
        if "exclude" in kwargs:
            exclude = kwargs.pop("exclude")
        return run_sync(self._generate_reply_flow(messages, sender, exclude, False))

    async def a_generate_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        exclude: Iterable[Callable[..., Any]] = (),
        **kwargs: Any,
    ) -> str | dict[str, Any] | None:
        """Async twin of `generate_reply`: awaits async reply functions, calls sync ones."""
        return await run_async(self._generate_reply_flow(messages, sender, exclude, True))

    # ------------------------------------------------------------------ termination and human input

    def _termination_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any
    ) -> Flow[tuple[bool, dict[str, Any] | None]]:
        if self.human_input_mode == "NEVER":  # nothing to ask: decided without the driver
            return self._termination_without_human(messages, sender)
        if messages is None:
            messages = self._oai_messages[sender] if sender is not None else []
        if not messages:
            return False, None
        message = messages[-1]
        sender_name = "the sender" if sender is None else sender.name
        reply = ""
        no_human_input = False
        reason = ""
        is_term = self._is_termination_msg(message)
        if self.human_input_mode == "ALWAYS":
            reply = yield Step(
                self.get_human_input,
                self.a_get_human_input,
                f"Replying as {self.name}. Provide feedback to {sender_name}. "
                "Press enter to skip and use auto-reply, or type 'exit' to end the conversation: ",
            )
            no_human_input = not reply
            if not reply and is_term:
                reason = f"Termination message condition on agent '{self.name}' met and no human input provided"
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
            reply = yield Step(self.get_human_input, self.a_get_human_input, prompt)
            no_human_input = not reply
            if reply == "exit":
                reason = "User requested to end the conversation"
            elif is_term and not reply:
                reason = f"Termination message condition on agent '{self.name}' met and no human input provided"
                reply = "exit"
        elif is_term:
            reply = yield Step(
                self.get_human_input,
                self.a_get_human_input,
                f"Please give feedback to {sender_name}. Press enter or type 'exit' to stop the conversation: ",
            )
            no_human_input = not reply
            if not reply or reply == "exit":
                reason = (
                    "User requested to end the conversation"
                    if reply == "exit"
                    else f"Termination message condition on agent '{self.name}' met and no human input provided"
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
        is_term = self._is_termination_msg(message)
        if self._consecutive_auto_reply_counter[sender] >= self._max_consecutive_auto_reply_dict[sender]:
            return self._termination_outcome("exit", "Maximum number of consecutive auto-replies reached", False, message, sender)
        if is_term:
            return self._termination_outcome("exit", f"Termination message condition on agent '{self.name}' met", False, message, sender)
        return self._termination_outcome("", "", False, message, sender)

    def _termination_outcome(
        self, reply: str, reason: str, no_human_input: bool, message: dict[str, Any], sender: Agent | None
    ) -> tuple[bool, dict[str, Any] | None]:
        """The human's (or the rule's) answer turned into the reply function's result."""
        if no_human_input:
            _emit("TerminationAndHumanReplyNoInputEvent", no_human_input_msg="NO HUMAN INPUT RECEIVED.", sender=sender or self, recipient=self)

        if reply == "exit":
            self._consecutive_auto_reply_counter[sender] = 0
            if reason:
                _emit("TerminationEvent", termination_reason=reason, sender=self, recipient=sender)
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
            _emit("UsingAutoReplyEvent", human_input_mode=self.human_input_mode, sender=sender or self, recipient=self)
        return False, None

    def check_termination_and_human_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        iostream: IOStream | None = None,
    ) -> tuple[bool, dict[str, Any] | None]:
        """Decide, from the last received message, whether to stop, ask the human, or auto-reply."""
        return run_sync(self._termination_flow(messages, sender, config))

    async def a_check_termination_and_human_reply(
        self,
        messages: list[dict[str, Any]] | None = None,
        sender: Agent | None = None,
        config: Any | None = None,
        iostream: IOStream | None = None,
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `check_termination_and_human_reply`."""
        return await run_async(self._termination_flow(messages, sender, config))

    def get_human_input(self, prompt: str, *, iostream: IOStream | None = None) -> str:
        """Ask the human through the current IO stream; override to answer some other way."""
        stream = iostream or IOStream.get_default()
        reply = stream.input(prompt)
        for hook in self.hook_lists["safeguard_human_inputs"]:
            reply = hook(reply)
            if reply is None:
                raise ValueError("The safeguard_human_inputs hook returned None; it must return the input text.")
        self._human_input.append(reply)
        return reply

    async def a_get_human_input(self, prompt: str, *, iostream: IOStream | None = None) -> str:
        """Async twin of `get_human_input`: awaits an async stream, or reads a sync one in a thread."""
        stream = iostream or IOStream.get_default()
        result = stream.input(prompt) if _has_async_input(stream) else None
        if result is not None and inspect.isawaitable(result):
            reply = await result
        else:
            loop = asyncio.get_running_loop()
            ctx_stream = stream
            reply = await loop.run_in_executor(None, lambda: ctx_stream.input(prompt))
        self._human_input.append(reply)
        return reply

    # ------------------------------------------------------------------ LLM reply

    def _llm_flow(
        self, client: Any, request: list[dict[str, Any]], context: Any, cache: Any, is_async: bool = True
    ) -> Flow[str | dict[str, Any] | None]:
        """One model call on an already-built request: the reply text, a message dict (tool or
        function calls), or None when the model returned nothing."""
        if is_async:
            response = yield Step(
                client.create, getattr(client, "a_create", None), context=context, messages=request, cache=cache, agent=self
            )
        else:  # the sync driver's call, made here
            response = settle(client.create(context=context, messages=request, cache=cache, agent=self))
        extracted = client.extract_text_or_completion_object(response)[0]
        if extracted is None or isinstance(extracted, str):
            return extracted
        return _message_object_to_dict(extracted)

    def _oai_reply_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, config: Any, is_async: bool = True
    ) -> Flow[tuple[bool, Any]]:
        client = self.client if config is None else config
        if client is None:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if sender is not None and messages is self._oai_messages.get(sender):
            # A stored history grows by appending: extend its cached request form.
            request = self._api_view(messages).build(self._oai_system_message, messages)
        elif isinstance(messages, GrowingHistory):  # a hook's append-only view: one cached slot
            view = self.__dict__.get("_api_view_growing")
            if view is None or view.source is not messages:
                view = self.__dict__["_api_view_growing"] = ApiView()
            request = view.build(self._oai_system_message, messages)
        else:  # a one-off list (hook output, a selector's prompt): nothing worth keeping
            request = to_api_messages(self._oai_system_message, messages)
        if self.hook_lists["safeguard_llm_inputs"]:
            for hook in self.hook_lists["safeguard_llm_inputs"]:
                if hook(request) is None:
                    return True, {"content": "LLM call blocked by safeguard", "role": "assistant"}
        context = messages[-1].get("context") if messages else None
        reply = yield from self._llm_flow(client, request, context, self.client_cache, is_async)
        if reply is None:
            warnings.warn(f"Extracted response from the LLM is None for agent {self.name}.", UserWarning, stacklevel=2)
            return False, None
        for hook in self.hook_lists["safeguard_llm_outputs"]:
            if hook(reply) is None:
                raise ValueError("The safeguard_llm_outputs hook returned None; it must return the reply.")
        return True, reply

    def _api_view(self, messages: list[dict[str, Any]]) -> ApiView:
        """The cached API form of ``messages`` (one view per conversation with a peer)."""
        views = self.__dict__.setdefault("_api_views", {})
        view = views.get(id(messages))
        if view is None or view.source is not messages:
            view = views[id(messages)] = ApiView()
        return view

    def generate_oai_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Reply with the LLM (system message + history)."""
        return run_sync(self._oai_reply_flow(messages, sender, config, False))

    async def a_generate_oai_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | dict[str, Any] | None]:
        """Async twin of `generate_oai_reply` (uses the async client: no thread per call)."""
        return await run_async(self._oai_reply_flow(messages, sender, config))

    def _generate_oai_reply_from_client(self, llm_client: Any, messages: list[dict[str, Any]], cache: Any) -> Any:
        """Call ``llm_client`` on ``messages`` (already including any system message)."""
        context = messages[-1].get("context") if messages else None
        return run_sync(self._llm_flow(llm_client, to_api_messages([], messages), context, cache, False))

    # ------------------------------------------------------------------ function and tool calls

    def execute_function(
        self, func_call: dict[str, Any], call_id: str | None = None, verbose: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        """Run one function call; errors become the content of the result, never an exception."""
        return run_sync(self._execute_function_flow(func_call, call_id, verbose, False))

    async def a_execute_function(
        self, func_call: dict[str, Any], call_id: str | None = None, verbose: bool = False
    ) -> tuple[bool, dict[str, Any]]:
        """Async twin of `execute_function`."""
        return await run_async(self._execute_function_flow(func_call, call_id, verbose))

    def _execute_function_flow(
        self, func_call: dict[str, Any], call_id: str | None, verbose: bool, is_async: bool = True
    ) -> Flow[tuple[bool, dict[str, Any]]]:
        func_name = func_call.get("name", "") or ""
        func = self._function_map.get(func_name)
        success = False
        arguments: Any = {}
        if func is None:
            content: Any = f"Error: Function {func_name} not found."
        else:
            raw = func_call.get("arguments")
            try:
                # "{}" is what argument-less tools (e.g. handoffs) get: no parse needed
                arguments = {} if raw in (None, "", "{}") else json.loads(repair_json_arguments(raw))
            except json.JSONDecodeError as e:
                arguments = None
                content = f"Error: {e}\n The argument must be in JSON format."
            if arguments is not None and not isinstance(arguments, dict):
                content = f"Error: the arguments of {func_name} must be a JSON object, got {type(arguments).__name__}."
                arguments = None
            if arguments is not None:
                _emit("ExecuteFunctionEvent", func_name=func_name, call_id=call_id, arguments=arguments, recipient=self)
                try:
                    # the sync driver's call is made here; an async driver awaits the step
                    content = (yield Step(func, None, **arguments)) if is_async else settle(func(**arguments))
                    success = True
                except Exception as e:  # the model gets the error and can correct itself
                    content = f"Error: {e}"
                if runtime_logging.is_logging:
                    runtime_logging.log_function_use(self, func_name, arguments, content)
        _emit(
            "ExecutedFunctionEvent",
            func_name=func_name,
            call_id=call_id,
            arguments=arguments if isinstance(arguments, dict) else None,
            content=content,
            recipient=self,
            is_exec_success=success,
        )
        return success, {"name": func_name, "role": "function", "content": content}

    def _function_call_flow(
        self, messages: list[dict[str, Any]] | None, sender: Agent | None, is_async: bool = True
    ) -> Flow[tuple[bool, Any]]:
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        if not messages:
            return False, None
        message = messages[-1]
        func_call = message.get("function_call")
        if not func_call:
            return False, None
        _, result = yield from self._execute_function_flow(func_call, None, False, is_async)
        return True, result

    def generate_function_call_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Answer a legacy ``function_call`` in the last message."""
        if messages is None and sender is not None:
            messages = self._oai_messages[sender]
        if not messages or not messages[-1].get("function_call"):  # the usual case: nothing to run
            return False, None
        return run_sync(self._function_call_flow(messages, sender, False))

    async def a_generate_function_call_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `generate_function_call_reply`."""
        return await run_async(self._function_call_flow(messages, sender))

    def _tool_call_flow(self, tool_call: dict[str, Any], is_async: bool = True) -> Flow[dict[str, Any]]:
        call_id = tool_call.get("id")
        function_call = dict(tool_call.get("function") or {})
        if self.hook_lists["safeguard_tool_inputs"]:
            checked = self._run_safeguard(
                "safeguard_tool_inputs", {"name": function_call.get("name"), "arguments": function_call.get("arguments")}, "tool input"
            )
            function_call.update(checked)
        _, result = yield from self._execute_function_flow(function_call, call_id, False, is_async)
        content = result["content"]
        if self.hook_lists["safeguard_tool_outputs"]:
            content = self._run_safeguard("safeguard_tool_outputs", content, "tool output")
        response = {"tool_call_id": call_id, "role": "tool", "content": content}
        if call_id is None:
            del response["tool_call_id"]
        return response

    @staticmethod
    def _tool_reply(responses: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "role": "tool",
            "tool_responses": responses,
            "content": "\n\n".join(str(r["content"]) for r in responses),
        }

    @staticmethod
    def _pending_tool_calls(messages: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if not messages:
            return None
        return messages[-1].get("tool_calls") or None

    def generate_tool_calls_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Run every tool call of the last message, in order; one tool response per call."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        calls = self._pending_tool_calls(messages)
        if not calls:
            return False, None
        responses = []
        for call in calls:
            if (call.get("function") or {}).get("name") == "__structured_output":
                return True, (call.get("function") or {}).get("arguments")
            responses.append(run_sync(self._tool_call_flow(call, False)))
        return True, self._tool_reply(responses)

    async def a_generate_tool_calls_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, dict[str, Any] | None]:
        """Async twin of `generate_tool_calls_reply`: the calls run concurrently."""
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        calls = self._pending_tool_calls(messages)
        if not calls:
            return False, None
        for call in calls:
            if (call.get("function") or {}).get("name") == "__structured_output":
                return True, (call.get("function") or {}).get("arguments")
        responses = await asyncio.gather(*(run_async(self._tool_call_flow(call)) for call in calls))
        return True, self._tool_reply(list(responses))

    # ------------------------------------------------------------------ code execution

    def _messages_to_scan(self, messages: list[dict[str, Any]], last_n_messages: Any) -> list[dict[str, Any]]:
        if last_n_messages == "auto":
            n = 0
            for m in reversed(messages):
                if m.get("role") != "user":
                    break
                n += 1
            last_n_messages = n
        if not isinstance(last_n_messages, int) or last_n_messages < 0:
            raise ValueError("last_n_messages must be a non-negative int or 'auto'.")
        return messages[-last_n_messages:] if last_n_messages else []

    def generate_code_execution_reply(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | None]:
        """Run the code blocks of the latest received messages (legacy code_execution_config)."""
        from ..code_utils import UNKNOWN, extract_code

        code_config = config if config is not None else self._code_execution_config
        if code_config is False:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        for message in reversed(self._messages_to_scan(messages, code_config.get("last_n_messages", "auto"))):
            content = message.get("content")
            if not content:
                continue
            from ..code_utils import content_str

            code_blocks = extract_code(content_str(content))
            if len(code_blocks) == 1 and code_blocks[0][0] == UNKNOWN:
                continue
            _emit("GenerateCodeExecutionReplyEvent", code_blocks=code_blocks, sender=sender or self, recipient=self)
            exitcode, logs = self.execute_code_blocks(code_blocks)
            status = "execution succeeded" if exitcode == 0 else "execution failed"
            return True, f"exitcode: {exitcode} ({status})\nCode output: {logs}"
        return False, None

    def _generate_code_execution_reply_using_executor(
        self, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any | None = None
    ) -> tuple[bool, str | None]:
        if self._code_execution_config is False or self._code_executor is None:
            return False, None
        if messages is None:
            messages = self._oai_messages[sender]  # type: ignore[index]
        from ..code_utils import content_str

        last_n = self._code_execution_config.get("last_n_messages", "auto")
        for message in reversed(self._messages_to_scan(messages, last_n)):
            content = message.get("content")
            if not content:
                continue
            blocks = self._code_executor.code_extractor.extract_code_blocks(content_str(content))
            if not blocks:
                continue
            _emit("GenerateCodeExecutionReplyEvent", code_blocks=blocks, sender=sender or self, recipient=self)
            result = self._code_executor.execute_code_blocks(blocks)
            status = "execution succeeded" if result.exit_code == 0 else "execution failed"
            return True, f"exitcode: {result.exit_code} ({status})\nCode output: {result.output}"
        return False, None

    def execute_code_blocks(self, code_blocks: list[tuple[str, str]]) -> tuple[int, str]:
        """Run (language, code) blocks in order, stopping at the first failure."""
        from ..code_utils import infer_lang

        logs_all = ""
        exitcode = 0
        config = self._code_execution_config or {}
        for i, (lang, code) in enumerate(code_blocks):
            lang = lang or infer_lang(code)
            _emit("ExecuteCodeBlockEvent", code=code, language=lang, code_block_count=i, recipient=self)
            if lang in ("bash", "shell", "sh"):
                exitcode, logs, image = self.run_code(code, lang=lang, **config)
            elif lang in ("python", "Python", "py"):
                filename = None
                if code.startswith("# filename: "):
                    filename = code[len("# filename: ") :].split("\n")[0].strip()
                exitcode, logs, image = self.run_code(code, lang="python", filename=filename, **config)
            else:
                exitcode, logs, image = 1, f"unknown language {lang}", None
            if image is not None and isinstance(self._code_execution_config, dict):
                self._code_execution_config["use_docker"] = image
            logs_all += "\n" + logs
            if exitcode != 0:
                return exitcode, logs_all
        return exitcode, logs_all

    def run_code(self, code: str, **kwargs: Any) -> tuple[int, str, str | None]:
        """Run one code block (legacy path); override to run code elsewhere."""
        from ..code_utils import execute_code

        kwargs = {k: v for k, v in kwargs.items() if k in ("timeout", "filename", "work_dir", "use_docker", "lang")}
        return execute_code(code, **kwargs)

    # ------------------------------------------------------------------ chats

    def _prepare_chat(self, recipient: ConversableAgent, clear_history: bool, prepare_recipient: bool = True, reply_at_receive: bool = True) -> None:
        self.reset_consecutive_auto_reply_counter(recipient)
        self.reply_at_receive[recipient] = reply_at_receive
        if clear_history:
            self.clear_history(recipient)
            self._human_input = []
        if prepare_recipient:
            recipient._prepare_chat(self, clear_history, False, reply_at_receive)

    def _init_message_flow(self, message: Any, kwargs: dict[str, Any]) -> Flow[Any]:
        if message is None:
            message = yield Step(self.get_human_input, self.a_get_human_input, ">")
        return self._handle_carryover(message, kwargs)

    def _handle_carryover(self, message: Any, kwargs: dict[str, Any]) -> Any:
        carryover = kwargs.get("carryover")
        if not carryover:
            return message
        if not isinstance(carryover, (str, list)):
            raise InvalidCarryOverTypeError("Carryover should be a string or a list of strings.")
        text = carryover if isinstance(carryover, str) else "\n".join(_post_process_carryover_item(c) for c in carryover)
        if isinstance(message, str):
            return message + "\nContext: \n" + text
        if isinstance(message, dict):
            message = dict(message)
            content = message.get("content")
            if isinstance(content, str):
                message["content"] = content + "\nContext: \n" + text
                return message
            if isinstance(content, list):
                message["content"] = [{"type": "text", "text": "\nContext: \n" + text}, *content]
                return message
        raise InvalidCarryOverTypeError("When carryover is given, the message must be a str or a dict with str or list content.")

    def generate_init_message(self, message: dict[str, Any] | str | None, **kwargs: Any) -> str | dict[str, Any]:
        """The first message of a chat, with any carryover appended."""
        return run_sync(self._init_message_flow(message, kwargs))

    async def a_generate_init_message(self, message: dict[str, Any] | str | None, **kwargs: Any) -> str | dict[str, Any]:
        """Async twin of `generate_init_message`."""
        return await run_async(self._init_message_flow(message, kwargs))

    def _first_message_flow(self, message: Any, recipient: Agent, kwargs: dict[str, Any], is_async: bool) -> Flow[Any]:
        if callable(message):
            return (yield Step(message, None, self, recipient, kwargs))
        if is_async:
            return (yield Step(self.a_generate_init_message, None, message, **kwargs))
        return (yield Step(self.generate_init_message, None, message, **kwargs))

    def _chat_flow(
        self,
        recipient: ConversableAgent,
        clear_history: bool,
        silent: bool | None,
        cache: Any,
        max_turns: int | None,
        summary_method: Any,
        summary_args: dict[str, Any] | None,
        message: Any,
        kwargs: dict[str, Any],
        is_async: bool,
    ) -> Flow[ChatResult]:
        summary_args = summary_args if summary_args is not None else {}
        consolidate_chat_info(
            {"recipient": recipient, "summary_method": summary_method, "summary_args": summary_args}, uniform_sender=self
        )
        agents = [self, recipient]
        if not is_async:
            for agent in agents:
                agent._raise_exception_on_async_reply_functions()
        for agent in agents:
            agent.previous_cache = agent.client_cache
            agent.client_cache = cache
        send = self.a_send if is_async else self.send
        generate = self.a_generate_reply if is_async else self.generate_reply
        try:
            if isinstance(max_turns, int):
                self._prepare_chat(recipient, clear_history, reply_at_receive=False)
                for turn in range(max_turns):
                    if self._consecutive_auto_reply_counter[recipient] >= recipient._max_consecutive_auto_reply:
                        break
                    if turn == 0:
                        msg = yield from self._first_message_flow(message, recipient, kwargs, is_async)
                    else:
                        if recipient._is_termination_msg(self.chat_messages[recipient][-1]):
                            break
                        msg = yield Step(generate, None, messages=self.chat_messages[recipient], sender=recipient)
                    if msg is None:
                        break
                    yield Step(send, None, msg, recipient, request_reply=True, silent=silent)
                else:
                    _emit("TerminationEvent", termination_reason=f"Maximum turns ({max_turns}) reached", sender=self, recipient=recipient)
            else:
                self._prepare_chat(recipient, clear_history)
                msg = yield from self._first_message_flow(message, recipient, kwargs, is_async)
                yield Step(send, None, msg, recipient, silent=silent)
            summary = yield from self._summarize_flow(summary_method, summary_args, recipient, cache)
        finally:
            for agent in agents:
                agent.client_cache = agent.previous_cache
                agent.previous_cache = None
        result = ChatResult(
            chat_history=self.chat_messages[recipient],
            summary=summary,
            cost=gather_usage_summary([self, recipient]),
            human_input=self._human_input,
        )
        return result

    def initiate_chat(
        self,
        recipient: ConversableAgent,
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
        from ..cache.cache import Cache

        cache = Cache.get_current_cache(cache)
        return run_sync(
            self._chat_flow(recipient, clear_history, silent, cache, max_turns, summary_method, summary_args, message, kwargs, False)
        )

    async def a_initiate_chat(
        self,
        recipient: ConversableAgent,
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
            self._chat_flow(recipient, clear_history, silent, cache, max_turns, summary_method, summary_args, message, kwargs, True)
        )

    def _summarize_flow(self, summary_method: Any, summary_args: dict[str, Any], recipient: ConversableAgent, cache: Any) -> Flow[str]:
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
            client = recipient.client if recipient.client is not None else self.client
            if client is None:
                raise ValueError("reflection_with_llm needs an LLM client on the sender or the recipient.")
            messages = [*recipient.chat_messages_for_summary(self), {"role": role, "content": prompt}]
            try:
                summary = yield from self._llm_flow(client, to_api_messages([], messages), None, llm_cache)
                if summary is None:
                    warnings.warn(f"The LLM returned no reply to {self.name}.", UserWarning, stacklevel=2)
            except Exception as e:
                warnings.warn(f"Could not summarise the chat with the LLM: {e}", UserWarning, stacklevel=2)
                summary = ""
        elif callable(summary_method):
            summary = summary_method(self, recipient, summary_args)
        else:
            raise ValueError("summary_method must be None, 'last_msg', 'reflection_with_llm' or a callable.")
        if isinstance(summary, dict):
            summary = summary.get("content", "")
        return "" if summary is None else (summary if isinstance(summary, str) else str(summary))

    @staticmethod
    def _last_msg_as_summary(sender: ConversableAgent, recipient: ConversableAgent, summary_args: dict[str, Any] | None) -> str:
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
            if isinstance(content, dict):
                return str(content.get("content", content)).replace("TERMINATE", "")
            return "" if content is None else str(content).replace("TERMINATE", "")
        except (IndexError, AttributeError, KeyError, TypeError) as e:
            warnings.warn(f"Cannot extract summary using last_msg: {e}. Using an empty str as summary.", UserWarning, stacklevel=2)
            return ""

    def chat_messages_for_summary(self, agent: Agent) -> list[dict[str, Any]]:
        """The messages to summarise for the chat with ``agent``."""
        return self._oai_messages[agent]

    def initiate_chats(self, chat_queue: list[dict[str, Any]]) -> list[ChatResult]:
        """Run several chats in sequence, each with the summaries of the earlier ones as carryover."""
        for chat in chat_queue:
            chat.setdefault("sender", self)
        self._finished_chats = initiate_chats(chat_queue)
        return self._finished_chats

    async def a_initiate_chats(self, chat_queue: list[dict[str, Any]]) -> dict[int, ChatResult]:
        """Async sequential chats with prerequisites."""
        for chat in chat_queue:
            chat.setdefault("sender", self)
        self._finished_chats = await a_initiate_chats(chat_queue)  # type: ignore[assignment]
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
                    raise ValueError("With use_async=True every nested chat needs a 'chat_id'.")
            if reply_func_from_nested_chats == "summary_from_nested_chats":
                reply_func_from_nested_chats = self._a_summary_from_nested_chats
            if not inspect.iscoroutinefunction(reply_func_from_nested_chats):
                raise ValueError("With use_async=True the nested-chat reply function must be async.")

            async def wrapped_reply_func(recipient, messages=None, sender=None, config=None):  # type: ignore[no-untyped-def]
                return await reply_func_from_nested_chats(chat_queue, recipient, messages, sender, config)

        else:
            if reply_func_from_nested_chats == "summary_from_nested_chats":
                reply_func_from_nested_chats = self._summary_from_nested_chats
            if not callable(reply_func_from_nested_chats):
                raise ValueError("reply_func_from_nested_chats must be callable.")

            def wrapped_reply_func(recipient, messages=None, sender=None, config=None):  # type: ignore[no-untyped-def]
                return reply_func_from_nested_chats(chat_queue, recipient, messages, sender, config)

        functools.update_wrapper(wrapped_reply_func, reply_func_from_nested_chats)
        self.register_reply(
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
        queue = ConversableAgent._nested_chat_queue(chat_queue, recipient, messages, sender)
        if not queue:
            return True, None
        results = initiate_chats(queue)
        return True, results[-1].summary

    @staticmethod
    async def _a_summary_from_nested_chats(
        chat_queue: list[dict[str, Any]], recipient: Agent, messages: list[dict[str, Any]] | None = None, sender: Agent | None = None, config: Any = None
    ) -> tuple[bool, str | None]:
        queue = ConversableAgent._nested_chat_queue(chat_queue, recipient, messages, sender)
        if not queue:
            return True, None
        results = await a_initiate_chats(queue)
        last_id = queue[-1]["chat_id"]
        return True, results[last_id].summary

    # ------------------------------------------------------------------ history and counters

    def last_message(self, agent: Agent | None = None) -> dict[str, Any] | None:
        """The last message of the conversation with ``agent`` (or the only conversation)."""
        if agent is None:
            n = len(self._oai_messages)
            if n == 0:
                return None
            if n == 1:
                for conversation in self._oai_messages.values():
                    return conversation[-1] if conversation else None
            raise ValueError("More than one conversation is found. Please specify the sender to get the last message.")
        if agent not in self._oai_messages:
            raise KeyError(
                f"The agent '{agent.name}' is not present in any conversation. No history available for this agent."
            )
        conversation = self._oai_messages[agent]
        return conversation[-1] if conversation else None

    def clear_history(self, recipient: Agent | None = None, nr_messages_to_preserve: int | None = None) -> None:
        """Clear the history with ``recipient`` (in place), or all histories (optionally keeping the last n)."""
        if recipient is None:
            no_preserved = 0
            if nr_messages_to_preserve:
                for key in self._oai_messages:
                    conversation = self._oai_messages[key]
                    keep = nr_messages_to_preserve
                    if keep < len(conversation) and conversation[-keep].get("role") == "tool":
                        keep += 1  # keep the tool call paired with its response
                    del conversation[: max(len(conversation) - keep, 0)]
                    no_preserved = keep
                _emit("ClearConversableAgentHistoryEvent", agent=self, no_events_preserved=no_preserved)
            else:
                for conversation in self._oai_messages.values():
                    conversation.clear()
        else:
            self._oai_messages[recipient].clear()
            if nr_messages_to_preserve:
                _emit("ClearConversableAgentHistoryWarningEvent", recipient=self)

    def reset(self) -> None:
        """Forget all history, counters and usage; restore reply-function configs."""
        self.clear_history()
        self.reset_consecutive_auto_reply_counter()
        self.stop_reply_at_receive()
        if self.client is not None:
            self.client.clear_usage_summary()
        for entry in self._reply_func_list:
            if entry["reset_config"] is not None:
                entry["reset_config"](entry["config"])
            else:
                entry["config"] = copy.copy(entry["init_config"])

    def stop_reply_at_receive(self, sender: Agent | None = None) -> None:
        """Stop replying automatically when a message arrives (from ``sender`` or anyone)."""
        if sender is None:
            self.reply_at_receive.clear()
        else:
            self.reply_at_receive[sender] = False

    def reset_consecutive_auto_reply_counter(self, sender: Agent | None = None) -> None:
        """Reset the auto-reply counter for ``sender`` (or all)."""
        if sender is None:
            self._consecutive_auto_reply_counter.clear()
        else:
            self._consecutive_auto_reply_counter[sender] = 0

    def update_max_consecutive_auto_reply(self, value: int, sender: Agent | None = None) -> None:
        """Set the auto-reply limit for ``sender`` (or the default and every sender)."""
        if sender is None:
            self._max_consecutive_auto_reply = value
            for k in self._max_consecutive_auto_reply_dict:
                self._max_consecutive_auto_reply_dict[k] = value
        else:
            self._max_consecutive_auto_reply_dict[sender] = value

    def max_consecutive_auto_reply(self, sender: Agent | None = None) -> int:
        """The auto-reply limit for ``sender`` (or the default)."""
        return self._max_consecutive_auto_reply if sender is None else self._max_consecutive_auto_reply_dict[sender]

    # ------------------------------------------------------------------ tools and functions

    def _assert_llm(self, what: str) -> None:
        if not self.llm_config:
            raise AssertionError(f"{what} needs an llm_config on agent '{self.name}'.")

    def register_for_llm(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        api_style: Literal["function", "tool"] = "tool",
        silent_override: bool = False,
    ) -> Callable[[Callable[..., Any] | Tool], Tool]:
        """Decorator: offer a function (or Tool) to this agent's LLM. Returns a `Tool`."""

        def decorator(func_or_tool: Callable[..., Any] | Tool) -> Tool:
            from ..tools.tool import Tool

            self._assert_llm("register_for_llm")
            tool = Tool(name=name, description=description, func_or_tool=func_or_tool) if (name or description or not isinstance(func_or_tool, Tool)) else func_or_tool
            self._register_tool_for_llm(tool, api_style, silent_override)
            return tool

        return decorator

    def _register_tool_for_llm(self, tool: Tool, api_style: str = "tool", silent_override: bool = False) -> None:
        if api_style == "function":
            self.update_function_signature(tool.function_schema, is_remove=False, silent_override=silent_override)
        else:
            self.update_tool_signature(tool.tool_schema, is_remove=False, silent_override=silent_override)
        self._tools = [t for t in self._tools if t.name != tool.name]
        self._tools.append(tool)

    def register_for_execution(
        self,
        name: str | None = None,
        description: str | None = None,
        *,
        serialize: bool = True,
        silent_override: bool = False,
    ) -> Callable[[Callable[..., Any] | Tool], Tool]:
        """Decorator: let this agent execute a function (or Tool) when the LLM calls it. Returns a `Tool`."""

        def decorator(func_or_tool: Callable[..., Any] | Tool) -> Tool:
            from ..tools.tool import Tool

            tool = Tool(name=name, description=description, func_or_tool=func_or_tool) if (name or description or not isinstance(func_or_tool, Tool)) else func_or_tool
            if tool.name in self._function_map and not silent_override:
                warnings.warn(f"Function '{tool.name}' is being overridden.", UserWarning, stacklevel=2)
            self.register_function({tool.name: tool.make_executable(agent=self, serialize=serialize)}, silent_override=True)
            return tool

        return decorator

    def register_function(self, function_map: dict[str, Callable[..., Any] | None], silent_override: bool = False) -> None:
        """Add (or, with None, remove) functions this agent can execute."""
        for fname, func in function_map.items():
            validate_function_name(fname)
            if fname in self._function_map and func is not None and not silent_override:
                warnings.warn(f"Function '{fname}' is being overridden.", UserWarning, stacklevel=2)
        for fname, func in function_map.items():
            if func is None:
                self._function_map.pop(fname, None)
            else:
                self._function_map[fname] = func

    def update_tool_signature(self, tool_sig: str | dict[str, Any], is_remove: bool, silent_override: bool = False) -> None:
        """Add, replace or (``is_remove``) drop one tool schema in the LLM config, then rebuild the client."""
        self._assert_llm("update_tool_signature")
        tools = list(self.llm_config.get("tools") or [])
        if is_remove:
            name = tool_sig if isinstance(tool_sig, str) else tool_sig["function"]["name"]
            new_tools = [t for t in tools if t["function"]["name"] != name]
            if len(new_tools) == len(tools):
                logger.error("The tool signature '%s' is not registered on agent '%s'.", name, self.name)
            tools = new_tools
        else:
            if not isinstance(tool_sig, dict):
                raise ValueError("update_tool_signature needs a tool schema dict to add a tool.")
            name = tool_sig["function"]["name"]
            if any(t["function"]["name"] == name for t in tools):
                if not silent_override:
                    warnings.warn(f"Function '{name}' is being overridden.", UserWarning, stacklevel=2)
                tools = [t for t in tools if t["function"]["name"] != name]
            tools.append(tool_sig)
        self._set_llm_option("tools", tools)

    def update_function_signature(self, func_sig: str | dict[str, Any], is_remove: bool = False, silent_override: bool = False) -> None:
        """Legacy ``functions`` counterpart of `update_tool_signature`."""
        self._assert_llm("update_function_signature")
        funcs = list(self.llm_config.get("functions") or [])
        name = func_sig if isinstance(func_sig, str) else func_sig["name"]
        if any(f["name"] == name for f in funcs) and not is_remove and not silent_override:
            warnings.warn(f"Function '{name}' is being overridden.", UserWarning, stacklevel=2)
        funcs = [f for f in funcs if f["name"] != name]
        if not is_remove:
            funcs.append(func_sig)
        self._set_llm_option("functions", funcs)

    def _set_llm_option(self, key: str, value: list[Any]) -> None:
        if value:
            self.llm_config[key] = value
        else:
            try:
                del self.llm_config[key]
            except (KeyError, TypeError, AttributeError):
                self.llm_config[key] = []
        # As in the original, the wrapper is rebuilt (custom model clients must be registered again).
        self.client = self._create_client(self.llm_config)

    def remove_tool_for_llm(self, tool: Tool) -> None:
        """Withdraw a tool from the LLM."""
        self.update_tool_signature(tool.name, is_remove=True)
        self._tools = [t for t in self._tools if t.name != tool.name]

    def set_ui_tools(self, tools: list[Tool]) -> None:
        """Offer UI-side tools to the LLM (their calls are answered by the UI)."""
        for tool in tools:
            self._register_tool_for_llm(tool, silent_override=True)

    def unset_ui_tools(self, tools: list[Tool]) -> None:
        """Withdraw UI-side tools."""
        for tool in tools:
            self.remove_tool_for_llm(tool)

    def can_execute_function(self, name: list[str] | str) -> bool:
        """True when every named function is in the function map."""
        names = name if isinstance(name, list) else [name]
        return all(n in self._function_map for n in names)

    def register_model_client(self, model_client_cls: type, **kwargs: Any) -> None:
        """Register a custom ModelClient class for config entries naming it in `model_client_cls`."""
        if self.client is None:
            raise ValueError(f"Agent '{self.name}' has no llm_config, so it has no model client to register.")
        self.client.register_model_client(model_client_cls, **kwargs)

    # ------------------------------------------------------------------ usage

    def print_usage_summary(self, mode: str | list[str] = ["actual", "total"]) -> None:
        """Print this agent's LLM usage and cost."""
        if self.client is None:
            _emit("ConversableAgentUsageSummaryNoCostIncurredEvent", recipient=self)
        else:
            _emit("ConversableAgentUsageSummaryEvent", recipient=self)
            self.client.print_usage_summary(mode)

    def get_actual_usage(self) -> dict[str, Any] | None:
        """Usage excluding cache hits (None without a client)."""
        return None if self.client is None else self.client.actual_usage_summary

    def get_total_usage(self) -> dict[str, Any] | None:
        """Usage including cache hits (None without a client)."""
        return None if self.client is None else self.client.total_usage_summary

    # ------------------------------------------------------------------ run(): chats in the background with an event stream

    def _run_plan(
        self,
        recipient: ConversableAgent | None,
        tools: Any,
        executor_kwargs: dict[str, Any] | None,
        user_input: bool,
        msg_to: str,
    ) -> tuple[ConversableAgent, ConversableAgent, list[Tool]]:
        """Who initiates and who receives, plus tools added to this agent's LLM for the run only."""
        if recipient is not None:
            return self, recipient, []
        from ..tools.tool import Tool

        extra = [t if isinstance(t, Tool) else Tool(func_or_tool=t) for t in (tools or [])]
        if self.run_executor is None:
            self.run_executor = ConversableAgent(
                name="user",
                human_input_mode="ALWAYS" if user_input else "NEVER",
                is_termination_msg=lambda m: "TERMINATE" in str(m.get("content") or ""),
                **(executor_kwargs or {}),
            )
        executor = self.run_executor
        for tool in [*self._tools, *extra]:
            executor.register_for_execution(serialize=True, silent_override=True)(tool)
        added = [t for t in extra if t.name not in {x.name for x in self._tools}]
        for tool in added:
            self._register_tool_for_llm(tool, silent_override=True)
        if msg_to == "agent":
            return executor, self, added
        if msg_to == "user":
            return self, executor, added
        raise ValueError("msg_to must be 'agent' or 'user'.")

    @staticmethod
    def _run_result(initiator: ConversableAgent, receiver: ConversableAgent, result: ChatResult) -> dict[str, Any]:
        history = result.chat_history
        last_speaker = None
        if history:
            last = history[-1]
            last_speaker = last.get("name") or (initiator.name if last.get("role") == "assistant" else receiver.name)
        return {
            "summary": result.summary,
            "history": history,
            "cost": result.cost,
            "last_speaker": last_speaker,
            "context_variables": initiator.context_variables,
        }

    def _run_flow(
        self, initiator: ConversableAgent, receiver: ConversableAgent, added: list[Tool], chat_kwargs: dict[str, Any]
    ) -> Flow[dict[str, Any]]:
        try:
            result = yield Step(initiator.initiate_chat, initiator.a_initiate_chat, receiver, **chat_kwargs)
        finally:
            for tool in added:  # tools given to run() were offered for this run only
                self.remove_tool_for_llm(tool)
        return self._run_result(initiator, receiver, result)

    def run(
        self,
        recipient: ConversableAgent | None = None,
        clear_history: bool = True,
        silent: bool | None = False,
        cache: Any = None,
        max_turns: int | None = None,
        summary_method: str | Callable[..., Any] | None = DEFAULT_SUMMARY_METHOD,
        summary_args: dict[str, Any] | None = {},
        message: dict[str, Any] | str | Callable[..., Any] | None = None,
        executor_kwargs: dict[str, Any] | None = None,
        tools: Any = None,
        user_input: bool = False,
        msg_to: str = "agent",
        **kwargs: Any,
    ) -> Any:
        """Run a chat in a background thread; returns a `RunResponse` whose events you iterate
        (or `process()`), answering input requests with ``event.content.respond(text)``."""
        from ..io.run_response import RunResponse

        initiator, receiver, added = self._run_plan(recipient, tools, executor_kwargs, user_input, msg_to)
        chat_kwargs = dict(
            kwargs, clear_history=clear_history, silent=silent, cache=cache, max_turns=max_turns,
            summary_method=summary_method, summary_args=summary_args, message=message,
        )  # fmt: skip
        return RunResponse.start(
            lambda: run_sync(self._run_flow(initiator, receiver, added, chat_kwargs)), agents=[initiator, receiver]
        )

    async def a_run(
        self,
        recipient: ConversableAgent | None = None,
        clear_history: bool = True,
        silent: bool | None = False,
        cache: Any = None,
        max_turns: int | None = None,
        summary_method: str | Callable[..., Any] | None = DEFAULT_SUMMARY_METHOD,
        summary_args: dict[str, Any] | None = {},
        message: dict[str, Any] | str | Callable[..., Any] | None = None,
        executor_kwargs: dict[str, Any] | None = None,
        tools: Any = None,
        user_input: bool = False,
        msg_to: str = "agent",
        **kwargs: Any,
    ) -> Any:
        """Async twin of `run`: the chat runs as a task; returns an `AsyncRunResponse`."""
        from ..io.run_response import AsyncRunResponse

        initiator, receiver, added = self._run_plan(recipient, tools, executor_kwargs, user_input, msg_to)
        chat_kwargs = dict(
            kwargs, clear_history=clear_history, silent=silent, cache=cache, max_turns=max_turns,
            summary_method=summary_method, summary_args=summary_args, message=message,
        )  # fmt: skip
        return AsyncRunResponse.start(
            lambda: run_async(self._run_flow(initiator, receiver, added, chat_kwargs)), agents=[initiator, receiver]
        )

    def run_iter(self, recipient: ConversableAgent | None = None, *, yield_on: Any = None, **kwargs: Any) -> Any:
        """Stepped `run`: the chat advances only as you iterate its events."""
        from ..io.run_response import RunIterResponse

        tools = kwargs.pop("tools", None)
        executor_kwargs = kwargs.pop("executor_kwargs", None)
        user_input = kwargs.pop("user_input", False)
        msg_to = kwargs.pop("msg_to", "agent")
        initiator, receiver, added = self._run_plan(recipient, tools, executor_kwargs, user_input, msg_to)
        return RunIterResponse(
            lambda: run_sync(self._run_flow(initiator, receiver, added, kwargs)), agents=[initiator, receiver], yield_on=yield_on
        )

    # ------------------------------------------------------------------ group-chat hooks (filled in by autogen.agentchat.group)

    def register_handoff(self, condition: Any) -> None:
        """Add one handoff condition."""
        self.handoffs.add(condition)

    def register_handoffs(self, conditions: list[Any]) -> None:
        """Add several handoff conditions."""
        self.handoffs.add_many(conditions)

    def register_input_guardrail(self, guardrail: Any) -> None:
        self.input_guardrails.append(guardrail)

    def register_input_guardrails(self, guardrails: list[Any]) -> None:
        self.input_guardrails.extend(guardrails)

    def register_output_guardrail(self, guardrail: Any) -> None:
        self.output_guardrails.append(guardrail)

    def register_output_guardrails(self, guardrails: list[Any]) -> None:
        self.output_guardrails.extend(guardrails)

    def run_input_guardrails(self, messages: list[dict[str, Any]] | None = None) -> Any:
        """The first activated input guardrail result, or None."""
        for guardrail in self.input_guardrails:
            result = guardrail.check(context=messages)
            if getattr(result, "activated", False):
                return result
        return None

    def run_output_guardrails(self, reply: Any) -> Any:
        """The first activated output guardrail result, or None."""
        for guardrail in self.output_guardrails:
            result = guardrail.check(context=reply)
            if getattr(result, "activated", False):
                return result
        return None


def _copy_config(value: Any) -> Any:
    """``copy.deepcopy`` of an llm_config dict, with its dicts and lists (nearly all of it) copied
    directly and only other values handed to deepcopy."""
    kind = type(value)
    if kind is dict:
        return {k: _copy_config(v) for k, v in value.items()}
    if kind is list:
        return [_copy_config(v) for v in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def _default_is_termination(message: dict[str, Any]) -> bool:
    content = message.get("content")
    if isinstance(content, str):
        return content == "TERMINATE"
    if content is None:
        return False
    from ..code_utils import content_str

    try:
        return content_str(content) == "TERMINATE"
    except (TypeError, ValueError):
        return False


def _user_interrupted_responses(message: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    function_call = message.get("function_call")
    if function_call:
        out.append({"role": "function", "name": function_call.get("name", ""), "content": "USER INTERRUPTED"})
    for call in message.get("tool_calls") or []:
        out.append({"role": "tool", "tool_call_id": call.get("id", ""), "content": "USER INTERRUPTED"})
    return out


def _message_object_to_dict(message: Any) -> dict[str, Any]:
    data = _openai_message_dump(message) if type(message).__module__.startswith("openai.") else None
    if data is None:
        data = message.model_dump() if hasattr(message, "model_dump") else dict(message)
    function_call = data.get("function_call")
    if function_call and function_call.get("name"):
        function_call["name"] = normalize_function_name(function_call["name"])
    tool_calls = data.get("tool_calls")
    if tool_calls:
        for call in tool_calls:
            fn = call.get("function") or {}
            if fn.get("name"):
                fn["name"] = normalize_function_name(fn["name"])
            # Mistral-style servers may send id/type as None; drop those keys.
            for key in ("id", "type"):
                if key in call and call[key] is None:
                    del call[key]
    return data


@functools.cache
def _openai_message_types() -> tuple[type, type, type] | None:
    """openai's ChatCompletionMessage, function tool call and Function classes (None if it has none)."""
    try:
        from openai.types.chat import ChatCompletionMessage
        from openai.types.chat.chat_completion_message_function_tool_call import (
            ChatCompletionMessageFunctionToolCall,
            Function,
        )
    except ImportError:
        return None
    return ChatCompletionMessage, ChatCompletionMessageFunctionToolCall, Function


def _openai_message_dump(message: Any) -> dict[str, Any] | None:
    """``message.model_dump()`` for the common shapes of openai's ChatCompletionMessage (text and/or
    function tool calls, no extra fields, annotations, audio or legacy function_call), built from
    the fields directly; None for anything else (the caller then uses model_dump)."""
    types = _openai_message_types()
    if types is None or type(message) is not types[0]:
        return None
    if message.__pydantic_extra__ or message.annotations is not None or message.audio is not None:
        return None
    if message.function_call is not None:
        return None
    _, call_type, function_type = types
    data = dict(message.__dict__)
    calls = data.get("tool_calls")
    if calls:
        dumped = []
        for call in calls:
            if type(call) is not call_type or call.__pydantic_extra__:
                return None
            function = call.function
            if type(function) is not function_type or function.__pydantic_extra__:
                return None
            entry = dict(call.__dict__)
            entry["function"] = dict(function.__dict__)
            dumped.append(entry)
        data["tool_calls"] = dumped
    elif calls is not None:
        data["tool_calls"] = []
    return data


def _is_agent(obj: Any) -> bool:
    return isinstance(obj, ConversableAgent) or (not isinstance(obj, type) and isinstance(obj, Agent))


def _has_async_input(stream: Any) -> bool:
    return inspect.iscoroutinefunction(getattr(stream, "input", None))


@functools.lru_cache(maxsize=1)
def _handoffs_class() -> type:
    try:
        from .group.handoffs import Handoffs
    except ImportError:  # the group orchestration package is not built yet
        return _NoHandoffs
    return Handoffs


def _new_handoffs() -> Any:
    return _handoffs_class()()


class _NoHandoffs:
    """Stand-in when autogen.agentchat.group.handoffs is not available."""

    def add(self, condition: Any) -> None:
        raise NotImplementedError("Handoffs need autogen.agentchat.group, which is not available in this build.")

    add_many = add


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


def register_function(
    f: Callable[..., Any],
    *,
    caller: ConversableAgent,
    executor: ConversableAgent,
    name: str | None = None,
    description: str,
) -> None:
    """Offer ``f`` to ``caller``'s LLM and let ``executor`` run it."""
    tool = caller.register_for_llm(name=name, description=description)(f)
    executor.register_for_execution(name=name)(tool)
