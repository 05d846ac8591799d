"""`ConversableAgent`: an agent whose replies come from a pipeline of registered reply functions.

The agent is composed of one part per concept, each in ``autogen/agentchat/conversable/``: the
reply registry and hooks, sending/receiving and the reply pipeline, termination and human input,
the LLM reply, tool execution, code execution, chats, runs, and tool registration. Every
conversation routine is written once as a flow (see ``autogen/_effects.py``); each public method
and its ``a_`` twin drive the same flow with the sync or the async driver.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from .. import runtime_logging
from ._messages import message_to_dict, normalize_function_name, validate_function_name
from .agent import Agent
from .chat import ChatResult
from .context_variables import ContextVariables
from .conversable.chats import Chats
from .conversable.code_reply import CodeExecutionReply
from .conversable.events import emit as _emit
from .conversable.llm_reply import LLMReply
from .conversable.messaging import Messaging
from .conversable.registry import HOOK_NAMES as _HOOK_NAMES
from .conversable.registry import HookName
from .conversable.runs import Runs
from .conversable.termination import TerminationAndHumanInput
from .conversable.tool_execution import ToolExecution
from .conversable.tool_registration import ToolRegistration
from .update_system_message import UpdateSystemMessage

if TYPE_CHECKING:
    from ..coding.base import CodeExecutor
    from ..llm_config.config import LLMConfig
    from ..oai.client import OpenAIWrapper
    from ..tools.tool import Tool

__all__ = ["ConversableAgent", "HookName", "register_function"]

logger = logging.getLogger(__name__)
_WHITESPACE = re.compile(r"\s")


class ConversableAgent(
    Messaging,
    TerminationAndHumanInput,
    LLMReply,
    ToolExecution,
    CodeExecutionReply,
    Chats,
    Runs,
    ToolRegistration,
):
    """An agent that can converse: it sends, receives, and generates replies from a pipeline of
    reply functions (termination and human input, function/tool calls, code execution, LLM)."""

    DEFAULT_CONFIG = False
    MAX_CONSECUTIVE_AUTO_REPLY = 100
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
        self._context_variables = context_variables  # an empty one is made on first use (most agents never use it)
        self.handoffs = handoffs if handoffs is not None else _new_handoffs()
        self.input_guardrails: list[Any] = []
        self.output_guardrails: list[Any] = []
        self.client_cache: Any = None
        self.previous_cache: Any = None
        self.run_executor: ConversableAgent | None = None
        self._finished_chats: list[ChatResult] = []
        self._tools: list[Tool] = []
        self._ui_tools: list[Tool] = []
        self._function_map: dict[str, Callable[..., Any]] = {}
        if function_map:
            for fname in function_map:
                validate_function_name(fname)
            self._function_map.update(function_map)

        self.hook_lists: dict[str, list[Callable[..., Any]]] = {h: [] for h in _HOOK_NAMES}

        self.llm_config = self._validate_llm_config(llm_config)
        self.client: OpenAIWrapper | None = self._create_client(self.llm_config)
        self._validate_name(name)

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

        if isinstance(functions, list):
            if not all(callable(f) for f in functions):
                raise TypeError("All elements in the functions list must be callable")
            for func in functions:
                self._add_single_function(func)
        elif callable(functions):
            self._add_single_function(functions)
        elif functions is not None:
            raise TypeError("Functions must be a callable or a list of callables")

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

    def _validate_name(self, name: str) -> None:
        """Refuse a name with whitespace when an entry of the LLM config is OpenAI's: its API refuses
        such a message ``name``. (Other providers get the name as it is; see _messages.sanitize_name.)"""
        if not self.llm_config or _WHITESPACE.search(name) is None:
            return
        if any(getattr(entry, "api_type", None) == "openai" for entry in self.llm_config.config_list):
            raise ValueError(f"The name of the agent cannot contain any whitespace. The name provided is: '{name}'")

    @staticmethod
    def _create_client(llm_config: Any) -> OpenAIWrapper | None:
        if not llm_config:
            return None
        from ..oai.client import OpenAIWrapper

        return OpenAIWrapper(**llm_config)

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
    def context_variables(self) -> ContextVariables:
        """The agent's context variables (shared by the agents of a pattern chat)."""
        variables = self._context_variables
        if variables is None:
            variables = self._context_variables = ContextVariables()
        return variables

    @context_variables.setter
    def context_variables(self, value: ContextVariables) -> None:
        self._context_variables = value

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

    def _get_display_name(self) -> str:
        """How the agent shows as a string (its name); replace it on an instance to change ``str(agent)``."""
        return self.name

    def __str__(self) -> str:
        return self._get_display_name()

    @staticmethod
    def _message_to_dict(message: dict[str, Any] | str) -> dict[str, Any]:
        """A message as a dict: a str becomes ``{"content": str}``, a dict is returned as it is."""
        return message_to_dict(message)

    @staticmethod
    def _normalize_name(name: str) -> str:
        """A function name a model produced, made valid: other characters than letters, digits,
        "_" and "-" become "_", cut to 64 characters."""
        return normalize_function_name(name)

    @staticmethod
    def _assert_valid_name(name: str) -> str:
        """``name`` if it is a valid function name (letters, digits, "_", "-"; at most 64), else ValueError."""
        validate_function_name(name)
        return name

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

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
                # forget the conversations (as ag2), without emptying lists handed out earlier
                # (a ChatResult.chat_history is the history list itself)
                self._oai_messages.clear()
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


@functools.lru_cache(maxsize=1)
def _handoffs_class() -> type:
    # The handoffs of pattern chats; imported with the first agent, not with this module.
    from .group.handoffs import Handoffs

    return Handoffs


def _new_handoffs() -> Any:
    return _handoffs_class()()


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
