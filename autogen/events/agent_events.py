"""Events emitted by agents and chats: received messages, tool/function calls, banners, run results.

Agent-like arguments (``sender``, ``recipient``, ``agent``, ``speaker``, ``agents``) accept an agent
or a name and are stored as the name, so every event serialises to JSON. Printing goes through the
``f`` argument of ``print`` (default: built-in ``print``); colours come from termcolor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)

from .base_event import AgentName, BaseEvent, agent_name, wrap_event

__all__ = [
    "AsyncInputRequestEvent",
    "ClearAgentsHistoryEvent",
    "ClearConversableAgentHistoryEvent",
    "ClearConversableAgentHistoryWarningEvent",
    "ConversableAgentUsageSummaryEvent",
    "ConversableAgentUsageSummaryNoCostIncurredEvent",
    "ErrorEvent",
    "EventRole",
    "ExecuteCodeBlockEvent",
    "ExecuteFunctionEvent",
    "ExecutedFunctionEvent",
    "FunctionCall",
    "FunctionCallEvent",
    "FunctionResponseEvent",
    "GenerateCodeExecutionReplyEvent",
    "GroupChatResumeEvent",
    "GroupChatRunChatEvent",
    "InputRequestEvent",
    "InputResponseEvent",
    "PostCarryoverProcessingEvent",
    "RunCompletionEvent",
    "SelectSpeakerEvent",
    "SelectSpeakerInvalidInputEvent",
    "SelectSpeakerTryCountExceededEvent",
    "SpeakerAttemptFailedMultipleAgentsEvent",
    "SpeakerAttemptFailedNoAgentsEvent",
    "SpeakerAttemptSuccessfulEvent",
    "TerminationAndHumanReplyNoInputEvent",
    "TerminationEvent",
    "TextEvent",
    "ToolCall",
    "ToolCallEvent",
    "ToolResponse",
    "ToolResponseEvent",
    "UsingAutoReplyEvent",
    "create_received_event_model",
]

_RULE = "-" * 80

EventRole = Literal["assistant", "function", "tool"]
"""The ``role`` of a received function/tool response or message event."""


def _colored(text: str, color: str) -> str:
    from termcolor import colored  # imported on first print so `import autogen` stays light

    return colored(text, color)


def printable_content(content: Any) -> str:
    """Render message content for humans: text parts as-is, images as ``<image>``."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for item in content:
            if not isinstance(item, Mapping):
                parts.append(str(item))
                continue
            kind = item.get("type")
            if kind in ("text", "input_text"):
                parts.append(str(item.get("text", "")))
            elif kind in ("image_url", "input_image", "image"):
                parts.append("<image>")
            elif kind in ("function", "tool_call", "tool_calls"):
                parts.append(f"<function: {item['name']}>" if "name" in item else "<function>")
            else:
                parts.append(str(dict(item)))
        return "\n".join(parts)
    return str(content)


def _result_for_print(content: Any) -> Any:
    """A function/tool result as printed: numbers and booleans as they are, anything else as text."""
    return content if isinstance(content, (int, float)) else printable_content(content)


def _jsonable(value: Any) -> Any:
    """Make message content JSON-safe: images and other objects become placeholders/strings."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if type(value).__module__.startswith("PIL."):
        return "<image>"
    return str(value)


class _ContentJsonMixin(BaseModel):
    """Serialise free-form ``content`` safely to JSON (it may hold images or arbitrary objects)."""

    @field_serializer("content", check_fields=False)
    def _content_json(self, value: Any, info: SerializationInfo) -> Any:
        return _jsonable(value) if info.mode == "json" else value


# --------------------------------------------------------------------------- received messages


class BasePrintReceivedEvent(_ContentJsonMixin, BaseEvent):
    """Common part of the events shown when an agent receives a message."""

    content: Any = None
    sender: AgentName
    recipient: AgentName

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the ``<sender> (to <recipient>):`` header followed by a blank line."""
        f = f or print
        f(f"{_colored(self.sender, 'yellow')} (to {self.recipient}):\n", flush=True)


@wrap_event
class FunctionResponseEvent(BasePrintReceivedEvent):
    """A ``role: function`` message (result of a legacy function call) was received."""

    name: str | None = None
    role: str = "function"

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the header, the function's result between green star lines, then a rule."""
        f = f or print
        super().print(f)
        banner = f"***** Response from calling {self.role} ({self.name or 'No id found'}) *****"
        f(_colored(banner, "green"), flush=True)
        f(_result_for_print(self.content), flush=True)
        f(_colored("*" * len(banner), "green"), flush=True)
        f("\n", _RULE, flush=True, sep="")


class ToolResponse(_ContentJsonMixin, BaseModel):
    """One tool result inside a ``role: tool`` message."""

    tool_call_id: str | None = None
    role: str = "tool"
    content: Any = None

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the tool result between green star lines."""
        f = f or print
        banner = f"***** Response from calling {self.role} ({self.tool_call_id or 'No id found'}) *****"
        f(_colored(banner, "green"), flush=True)
        f(printable_content(self.content), flush=True)
        f(_colored("*" * len(banner), "green"), flush=True)


@wrap_event
class ToolResponseEvent(BasePrintReceivedEvent):
    """A ``role: tool`` message carrying one or more tool results was received."""

    role: str = "tool"
    tool_responses: list[ToolResponse] = Field(default_factory=list)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the header and every tool result, each followed by a rule."""
        f = f or print
        super().print(f)
        for response in self.tool_responses:
            response.print(f)
            f("\n", _RULE, flush=True, sep="")


class FunctionCall(BaseModel):
    """The function a model asked to call, with its JSON-encoded arguments."""

    name: str | None = None
    arguments: str | None = None

    @field_validator("arguments", mode="before")
    @classmethod
    def _encode_arguments(cls, value: Any) -> Any:
        # Hand-written messages sometimes carry the arguments as a dict rather than a JSON string.
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return value

    def _print_as(self, title: str, f: Callable[..., Any]) -> None:
        banner = f"***** {title}: {self.name or '(No function name found)'} *****"
        f(_colored(banner, "green"), flush=True)
        f("Arguments: \n", self.arguments or "(No arguments found)", flush=True, sep="")
        f(_colored("*" * len(banner), "green"), flush=True)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the suggested call and its arguments between green star lines."""
        self._print_as("Suggested function call", f or print)


class ToolCall(BaseModel):
    """One entry of a message's ``tool_calls``."""

    id: str | None = None
    function: FunctionCall
    type: str = "function"

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the suggested tool call (with its id) and its arguments."""
        self.function._print_as(f"Suggested tool call ({self.id or 'No tool call id found'})", f or print)


@wrap_event
class FunctionCallEvent(BasePrintReceivedEvent):
    """A message asking for a legacy ``function_call`` was received."""

    function_call: FunctionCall

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the header, any accompanying text, the suggested call, then a rule."""
        f = f or print
        super().print(f)
        if self.content is not None:
            f(printable_content(self.content), flush=True)
        self.function_call.print(f)
        f("\n", _RULE, flush=True, sep="")


@wrap_event
class ToolCallEvent(BasePrintReceivedEvent):
    """A message with ``tool_calls`` was received."""

    refusal: str | None = None
    role: str | None = None
    audio: Any = None
    function_call: FunctionCall | None = None
    tool_calls: list[ToolCall]

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the header, any accompanying text, every suggested tool call, then a rule."""
        f = f or print
        super().print(f)
        if self.content is not None:
            f(printable_content(self.content), flush=True)
        for call in self.tool_calls:
            call.print(f)
        f("\n", _RULE, flush=True, sep="")


@wrap_event
class TextEvent(BasePrintReceivedEvent):
    """A plain message (text or multimodal content) was received."""

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the header, the content (images as ``<image>``), a blank line and a rule."""
        f = f or print
        super().print(f)
        if self.content is not None:
            f(printable_content(self.content), flush=True)
        f("\n", _RULE, flush=True, sep="")


def _allows_format_templates(agent: Any) -> bool:
    config = getattr(agent, "llm_config", None)
    if not config:
        return False
    try:
        return bool(config.get("allow_format_str_template", False))
    except AttributeError:
        return bool(getattr(config, "allow_format_str_template", False))


def _instantiate(content: Any, context: Any, allow_format_str_template: bool) -> Any:
    # Same rule the LLM client applies before a call: callables get the context, str templates
    # are formatted only when the agent's llm_config allows it.
    if not context or content is None:
        return content
    if isinstance(content, str):
        return content.format(**context) if allow_format_str_template else content
    if callable(content):
        return content(context)
    return content


def create_received_event_model(
    *, uuid: UUID | None = None, event: Mapping[str, Any], sender: Any, recipient: Any
) -> Any:
    """Pick the event that shows a received message ``event`` (a message dict).

    ``role: function`` -> FunctionResponseEvent; ``role: tool`` -> ToolResponseEvent; otherwise a
    ``function_call`` -> FunctionCallEvent, ``tool_calls`` -> ToolCallEvent, else TextEvent (with a
    template/callable content instantiated from the message's ``context``).
    """
    names = {"sender": agent_name(sender), "recipient": agent_name(recipient)}
    if uuid is not None:
        names["uuid"] = uuid
    role = event.get("role")
    if role == "function":
        return FunctionResponseEvent._from_fields({**event, **names})
    if role == "tool":
        fields = {**event, **names}
        if not fields.get("tool_responses"):
            # A bare tool message (one result, no `tool_responses` list) is shown as one response.
            fields["tool_responses"] = [
                {"tool_call_id": event.get("tool_call_id"), "role": "tool", "content": event.get("content")}
            ]
        return ToolResponseEvent._from_fields(fields)
    if event.get("function_call"):
        return FunctionCallEvent._from_fields({**event, **names})
    if event.get("tool_calls"):
        return ToolCallEvent._from_fields({**event, **names})
    content = event.get("content")
    if "context" in event:
        content = _instantiate(content, event["context"], _allows_format_templates(recipient))
    return TextEvent._from_fields({"content": content, **names})


# --------------------------------------------------------------------------- chat flow banners


def _summary_method_name(method: Any) -> str:
    if method is None:
        return ""
    if callable(method):
        return getattr(method, "__name__", repr(method))
    return str(method)


def _describe_message(message: Any) -> str:
    if isinstance(message, str):
        return message
    if message is None:
        return "None"
    if isinstance(message, Mapping):
        return "Dict: " + str(dict(message))
    if callable(message):
        return "Callable: " + getattr(message, "__name__", repr(message))
    return str(message)


@wrap_event
class PostCarryoverProcessingEvent(BaseEvent):
    """A chat of a sequence (``initiate_chats``) is about to start, with its carryover."""

    carryover: Any = ""
    message: str = ""
    verbose: bool = False
    sender: AgentName
    recipient: AgentName
    summary_method: str = ""
    summary_args: dict[str, Any] | None = None
    max_turns: int | None = None

    def __init__(self, *, uuid: UUID | None = None, chat_info: Mapping[str, Any] | None = None, **fields: Any):
        # Agents pass the chat's `chat_info` dict; the JSON form (flat fields) is accepted too.
        if chat_info is not None:
            fields = {
                "carryover": chat_info.get("carryover", ""),
                "message": chat_info.get("message"),
                "verbose": chat_info.get("verbose", False),
                "sender": chat_info.get("sender"),
                "recipient": chat_info.get("recipient"),
                "summary_method": chat_info.get("summary_method", ""),
                "summary_args": chat_info.get("summary_args"),
                "max_turns": chat_info.get("max_turns"),
            }
        if "message" in fields:
            fields["message"] = _describe_message(fields["message"])
        if "summary_method" in fields:
            fields["summary_method"] = _summary_method_name(fields["summary_method"])
        super().__init__(uuid=uuid, **fields)

    @model_validator(mode="before")
    @classmethod
    def _from_chat_info(cls, data: Any) -> Any:
        # the dumped form nests the fields under "chat_info" (as ag2 dumps it)
        if isinstance(data, Mapping) and isinstance(data.get("chat_info"), Mapping):
            data = {**data["chat_info"], **{k: v for k, v in data.items() if k != "chat_info"}}
        return data

    @model_serializer(mode="wrap")
    def _as_chat_info(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> dict[str, Any]:
        fields = handler(self)
        if info.mode == "json":
            fields["carryover"] = _jsonable(self.carryover)
        uuid = fields.pop("uuid", None)
        return {"uuid": uuid, "chat_info": fields}

    def _process_carryover(self) -> str:
        if not isinstance(self.carryover, list):
            return str(self.carryover)
        lines = []
        for item in self.carryover:
            if isinstance(item, Mapping) and "content" in item:
                lines.append(str(item["content"]))
            else:
                lines.append(str(item))
        return "\n".join(lines)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the blue "Starting a new chat...." banner (with message and carryover when verbose)."""
        f = f or print
        f(_colored("\n" + "*" * 80, "blue"), flush=True, sep="")
        f(_colored("Starting a new chat....", "blue"), flush=True)
        if self.verbose:
            f(_colored("Event:\n" + self.message, "blue"), flush=True)
            f(_colored("Carryover:\n" + self._process_carryover(), "blue"), flush=True)
        f(_colored("\n" + "*" * 80, "blue"), flush=True, sep="")


@wrap_event
class ClearAgentsHistoryEvent(BaseEvent):
    """A human asked (``clear history``) to clear the conversation history in a group chat."""

    agent: AgentName | None = None
    nr_events_to_preserve: int | None = None

    def __init__(self, *, uuid: UUID | None = None, nr_messages_to_preserve: int | None = None, **fields: Any):
        if nr_messages_to_preserve is not None:  # 0.2 keyword
            fields.setdefault("nr_events_to_preserve", nr_messages_to_preserve)
        super().__init__(uuid=uuid, **fields)

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print which history is cleared and how many messages are kept."""
        f = f or print
        who = self.agent if self.agent else "all agents"
        if self.nr_events_to_preserve:
            f(f"Clearing history for {who} except last {self.nr_events_to_preserve} events.")
        else:
            f(f"Clearing history for {who}.")


class _SpeakerAttemptEvent(BaseEvent):
    """Outcome of one attempt of the group chat's auto speaker selection."""

    mentions: dict[str, int]
    attempt: int
    attempts_left: int
    select_speaker_auto_verbose: bool | None = False

    @property
    def verbose(self) -> bool:
        """Whether the group chat asked for verbose speaker selection output."""
        return bool(self.select_speaker_auto_verbose)

    @field_validator("mentions", mode="before")
    @classmethod
    def _copy_mentions(cls, value: Any) -> Any:
        return dict(value) if isinstance(value, Mapping) else value


@wrap_event
class SpeakerAttemptSuccessfulEvent(_SpeakerAttemptEvent):
    """The selector's answer named exactly one agent."""

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the green success line with the selected agent."""
        f = f or print
        selected = next(iter(self.mentions), "")
        total = self.attempt + self.attempts_left
        f(
            _colored(
                f">>>>>>>> Select speaker attempt {self.attempt} of {total} successfully selected: {selected}", "green"
            ),
            flush=True,
        )


@wrap_event
class SpeakerAttemptFailedMultipleAgentsEvent(_SpeakerAttemptEvent):
    """The selector's answer named more than one agent."""

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red failure line."""
        f = f or print
        total = self.attempt + self.attempts_left
        f(
            _colored(
                f">>>>>>>> Select speaker attempt {self.attempt} of {total} failed as it included multiple agent names.",
                "red",
            ),
            flush=True,
        )


@wrap_event
class SpeakerAttemptFailedNoAgentsEvent(_SpeakerAttemptEvent):
    """The selector's answer named no agent."""

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red failure line."""
        f = f or print
        f(
            _colored(
                f">>>>>>>> Select speaker attempt #{self.attempt} failed as it did not include any agent names.", "red"
            ),
            flush=True,
        )


@wrap_event
class GroupChatResumeEvent(BaseEvent):
    """A group chat was prepared to resume from earlier messages."""

    last_speaker_name: str
    events: list[dict[str, Any]] = Field(default_factory=list)
    silent: bool | None = False

    def __init__(self, *, uuid: UUID | None = None, messages: list[Any] | None = None, **fields: Any):
        if messages is not None:  # 0.2 keyword
            fields.setdefault("events", messages)
        super().__init__(uuid=uuid, **fields)

    @property
    def verbose(self) -> bool:
        """True unless the resume was silent."""
        return not self.silent

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print how many messages were restored and who spoke last."""
        f = f or print
        f(
            f"Prepared group chat with {len(self.events)} events, the last speaker is",
            _colored(self.last_speaker_name, "yellow"),
            flush=True,
        )


@wrap_event
class GroupChatRunChatEvent(BaseEvent):
    """The group chat manager picked the next speaker."""

    speaker: AgentName
    silent: bool | None = False

    @property
    def verbose(self) -> bool:
        """True unless the manager is silent."""
        return not self.silent

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the green "Next speaker: <name>" line."""
        f = f or print
        f(_colored(f"\nNext speaker: {self.speaker}\n", "green"), flush=True)


@wrap_event
class TerminationAndHumanReplyNoInputEvent(BaseEvent):
    """A human was asked for input and gave none."""

    no_human_input_msg: str = "NO HUMAN INPUT RECEIVED."
    sender: AgentName = "No sender"
    recipient: AgentName

    @field_validator("sender", mode="before")
    @classmethod
    def _default_sender(cls, value: Any) -> Any:
        return value or "No sender"

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red notice."""
        f = f or print
        f(_colored(f"\n>>>>>>>> {self.no_human_input_msg}", "red"), flush=True)


@wrap_event
class UsingAutoReplyEvent(BaseEvent):
    """The agent goes on with its automatic reply (no human input taken)."""

    human_input_mode: str
    sender: AgentName = "No sender"
    recipient: AgentName

    @field_validator("sender", mode="before")
    @classmethod
    def _default_sender(cls, value: Any) -> Any:
        return value or "No sender"

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red "USING AUTO REPLY..." line."""
        f = f or print
        f(_colored("\n>>>>>>>> USING AUTO REPLY...", "red"), flush=True)


@wrap_event
class TerminationEvent(BaseEvent):
    """A chat stopped; ``termination_reason`` says why."""

    termination_reason: str
    sender: AgentName | None = None
    recipient: AgentName | None = None

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red "TERMINATING RUN (<uuid>): <reason>" banner."""
        f = f or print
        f(_colored(f"\n>>>>>>>> TERMINATING RUN ({self.uuid}): {self.termination_reason}", "red"), flush=True)


# --------------------------------------------------------------------------- code and function execution


@wrap_event
class ExecuteCodeBlockEvent(BaseEvent):
    """A code block is about to be executed (legacy ``code_execution_config`` path)."""

    code: str
    language: str
    code_block_count: int
    recipient: AgentName

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red "EXECUTING CODE BLOCK <n> (inferred language is <lang>)..." line."""
        f = f or print
        f(
            _colored(
                f"\n>>>>>>>> EXECUTING CODE BLOCK {self.code_block_count} (inferred language is {self.language})...",
                "red",
            ),
            flush=True,
        )


@wrap_event
class ExecuteFunctionEvent(BaseEvent):
    """A function/tool is about to be executed."""

    func_name: str
    call_id: str | None = None
    arguments: Any = Field(default_factory=dict)
    recipient: AgentName

    @field_serializer("arguments")
    def _arguments_json(self, value: Any, info: SerializationInfo) -> Any:
        return _jsonable(value) if info.mode == "json" else value

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the magenta "EXECUTING FUNCTION <name>..." banner with call id and arguments."""
        f = f or print
        f(
            _colored(
                f"\n>>>>>>>> EXECUTING FUNCTION {self.func_name}...\nCall ID: {self.call_id}\n"
                f"Input arguments: {self.arguments}",
                "magenta",
            ),
            flush=True,
        )


@wrap_event
class ExecutedFunctionEvent(_ContentJsonMixin, BaseEvent):
    """A function/tool finished; ``content`` is its (stringified) output."""

    func_name: str
    call_id: str | None = None
    arguments: Any = Field(default_factory=dict)
    content: Any = None
    recipient: AgentName
    is_exec_success: bool = True

    @field_serializer("arguments")
    def _arguments_json(self, value: Any, info: SerializationInfo) -> Any:
        return _jsonable(value) if info.mode == "json" else value

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the magenta "EXECUTED FUNCTION <name>..." banner with arguments and output."""
        f = f or print
        f(
            _colored(
                f"\n>>>>>>>> EXECUTED FUNCTION {self.func_name}...\nCall ID: {self.call_id}\n"
                f"Input arguments: {self.arguments}\nOutput:\n{printable_content(self.content)}",
                "magenta",
            ),
            flush=True,
        )


def _block_language(block: Any) -> str:
    language = getattr(block, "language", None)
    if isinstance(language, str):
        return language
    if isinstance(block, (tuple, list)) and block:  # (language, code) pairs from extract_code
        return str(block[0])
    return str(block)


@wrap_event
class GenerateCodeExecutionReplyEvent(BaseEvent):
    """Code blocks found in a message are about to be executed; ``code_blocks`` holds their languages."""

    code_blocks: list[str]
    sender: AgentName = "No sender"
    recipient: AgentName

    @field_validator("code_blocks", mode="before")
    @classmethod
    def _languages(cls, value: Any) -> Any:
        return [_block_language(b) for b in value] if isinstance(value, (list, tuple)) else value

    @field_validator("sender", mode="before")
    @classmethod
    def _default_sender(cls, value: Any) -> Any:
        return value or "No sender"

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the red "EXECUTING CODE BLOCK ..." line naming the inferred language(s)."""
        f = f or print
        if len(self.code_blocks) == 1:
            text = f"\n>>>>>>>> EXECUTING CODE BLOCK (inferred language is {self.code_blocks[0]})..."
        else:
            languages = ", ".join(self.code_blocks)
            text = f"\n>>>>>>>> EXECUTING {len(self.code_blocks)} CODE BLOCKS (inferred languages are [{languages}])..."
        f(_colored(text, "red"), flush=True)


# --------------------------------------------------------------------------- manual speaker selection


class _AgentListEvent(BaseEvent):
    agents: list[AgentName] | None = None

    @field_validator("agents", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return value or None


@wrap_event
class SelectSpeakerEvent(_AgentListEvent):
    """A human is asked to pick the next speaker from a numbered list."""

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the numbered list of agents."""
        f = f or print
        f("Please select the next speaker from the following list:")
        for i, name in enumerate(self.agents or [], start=1):
            f(f"{i}: {name}")


@wrap_event
class SelectSpeakerTryCountExceededEvent(_AgentListEvent):
    """The human gave too many invalid choices; selection falls back to automatic."""

    try_count: int

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the fallback notice."""
        f = f or print
        f(f"You have tried {self.try_count} times. The next speaker will be selected automatically.")


@wrap_event
class SelectSpeakerInvalidInputEvent(_AgentListEvent):
    """The human's choice was not a valid number."""

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the valid range."""
        f = f or print
        f(f"Invalid input. Please enter a number between 1 and {len(self.agents or [])}.")


# --------------------------------------------------------------------------- history and usage


@wrap_event
class ClearConversableAgentHistoryEvent(BaseEvent):
    """History with an agent was cleared; extra messages were kept to keep tool call/response pairs."""

    agent: AgentName
    recipient: AgentName | None = None
    no_events_preserved: int = 0

    def __init__(self, *, uuid: UUID | None = None, no_messages_preserved: int | None = None, **fields: Any):
        if no_messages_preserved is not None:  # 0.2 keyword
            fields.setdefault("no_events_preserved", no_messages_preserved)
        if fields.get("no_events_preserved") is None:
            fields["no_events_preserved"] = 0
        if fields.get("recipient") is None and "agent" in fields:
            fields["recipient"] = fields["agent"]
        super().__init__(uuid=uuid, **fields)

    @model_serializer(mode="wrap")
    def _without_recipient(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # `recipient` always equals `agent`; the dump leaves it out (as ag2's does)
        fields = handler(self)
        fields.pop("recipient", None)
        return fields

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print one line per message kept to avoid splitting a tool call from its response."""
        f = f or print
        for _ in range(self.no_events_preserved):
            f(f"Preserving one more event for {self.agent} to not divide history between tool call and tool response.")


@wrap_event
class ClearConversableAgentHistoryWarningEvent(BaseEvent):
    """``nr_messages_to_preserve`` was given together with a specific agent and is ignored."""

    recipient: AgentName

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the yellow warning."""
        f = f or print
        f(
            _colored(
                "WARNING: `nr_preserved_events` is ignored when clearing chat history with a specific agent.",
                "yellow",
            ),
            flush=True,
        )


@wrap_event
class ConversableAgentUsageSummaryNoCostIncurredEvent(BaseEvent):
    """An agent's usage summary was asked for but it spent nothing."""

    recipient: AgentName

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the no-cost line."""
        f = f or print
        f(f"No cost incurred from agent '{self.recipient}'.")


@wrap_event
class ConversableAgentUsageSummaryEvent(BaseEvent):
    """Heading printed before an agent's usage table."""

    recipient: AgentName

    def print(self, f: Callable[..., Any] | None = None) -> None:
        """Print the agent heading."""
        f = f or print
        f(f"Agent '{self.recipient}':")


# --------------------------------------------------------------------------- human input and run results


@wrap_event
class InputRequestEvent(BaseEvent):
    """The run needs human input: call ``event.content.respond(text)`` to answer.

    ``respond`` is attached by the stream that asked; it is not serialised.
    """

    prompt: str = ""
    password: bool = False
    respond: Callable[[str], Any] | None = Field(default=None, exclude=True)


@wrap_event
class AsyncInputRequestEvent(BaseEvent):
    """Async variant of ``InputRequestEvent``: ``await event.content.respond(text)``."""

    prompt: str = ""
    password: bool = False
    respond: Callable[[str], Any] | None = Field(default=None, exclude=True)

    async def a_respond(self, response: Any) -> None:
        """Answer the request; accepts a string or an ``InputResponseEvent``."""
        value = getattr(getattr(response, "content", response), "value", response)
        if self.respond is None:
            raise RuntimeError("This input request has no responder attached; it was not sent by a run stream.")
        result = self.respond(str(value))
        if hasattr(result, "__await__"):
            await result


@wrap_event
class InputResponseEvent(BaseEvent):
    """A human's answer to an input request."""

    value: str


@wrap_event
class ErrorEvent(BaseEvent):
    """The run failed; iterating a run response raises ``error``."""

    error: Any

    @field_serializer("error")
    def _error_json(self, value: Any, info: SerializationInfo) -> Any:
        if info.mode != "json":
            return value
        if isinstance(value, BaseException):
            return f"{type(value).__name__}: {value}"
        return _jsonable(value)


@wrap_event
class RunCompletionEvent(BaseEvent):
    """The run finished: its summary, message history, cost, last speaker and context variables."""

    summary: Any = None
    history: list[Any] = Field(default_factory=list)
    cost: Any = Field(default_factory=dict)
    last_speaker: AgentName | None = None
    context_variables: Any = None

    @field_serializer("summary", "history", "cost", "context_variables")
    def _results_json(self, value: Any, info: SerializationInfo) -> Any:
        return _jsonable(value) if info.mode == "json" else value
