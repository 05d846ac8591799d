"""Runtime logging: record agents, model clients, model calls, events and tool calls while a program runs.

``start()`` picks a destination (a SQLite database by default, a JSON-lines file, or your own
:class:`autogen.logger.BaseLogger`); agents and ``OpenAIWrapper`` call the ``log_*`` hooks below
only while logging is on, so a program that never starts logging pays one flag check per hook.
Logging never breaks the program: a failure to start or to write is reported through the
``logging`` module and otherwise ignored.

Besides what ag2 records (model calls, agents, wrappers, clients, events, function calls), the
built-in loggers record, for two-agent, group and pattern chats alike: every chat (kind, who,
parent chat, termination reason), failed model calls with their retries and fallbacks, each tool
call (call id, arguments, result or error, duration), each code execution and each speaker
selection. Rows written while a chat runs carry its ``chat_id`` (:func:`current_chat_id`). The
schema is described in ``autogen/logger/SCHEMA.md``.

This module imports only the standard library; the logger classes load when ``start()`` runs.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import sqlite3
    import uuid

    from .logger.base_logger import BaseLogger

__all__ = [
    "ChatLog",
    "begin_chat",
    "current_chat_id",
    "end_chat",
    "get_connection",
    "get_current_ts",
    "log_chat_completion",
    "log_code_execution",
    "log_event",
    "log_function_use",
    "log_model_call_failure",
    "log_new_agent",
    "log_new_client",
    "log_new_wrapper",
    "log_speaker_selection",
    "log_tool_call",
    "logging_enabled",
    "note_termination",
    "noting_selections",
    "noting_terminations",
    "start",
    "stop",
]

logger = logging.getLogger(__name__)

autogen_logger: BaseLogger | None = None
is_logging = False  # per-message code reads this flag directly (a read, not a call, when logging is off)


def start(
    logger: BaseLogger | None = None,
    logger_type: Literal["sqlite", "file"] = "sqlite",
    config: dict[str, Any] | None = None,
) -> str:
    """Start runtime logging and return the session id (a uuid string).

    Args:
        logger: your own ``BaseLogger`` instance; when given, ``logger_type`` and ``config`` are ignored.
        logger_type: ``"sqlite"`` (config ``{"dbname": "logs.db"}``) or ``"file"`` (config
            ``{"filename": "runtime.log"}``, written under ``./autogen_logs/``).
        config: options of the chosen logger type.

    A logger that fails to start (e.g. the database path cannot be opened) is reported with
    ``logging.error`` and logging stays off. An unknown ``logger_type`` raises ValueError.
    A session that is still running is stopped first.
    """
    global autogen_logger, is_logging
    if autogen_logger is not None:
        stop()
    if logger is None:
        from .logger.logger_factory import LoggerFactory

        new_logger = LoggerFactory.get_logger(logger_type=logger_type, config=config)
    else:
        new_logger = logger
    session_id = str(getattr(new_logger, "session_id", "") or "")
    try:
        session_id = new_logger.start()
    except Exception as e:  # noqa: BLE001 - logging must never break the program
        _log_error("start", e)
        return session_id
    autogen_logger = new_logger
    is_logging = True
    return session_id


def stop() -> None:
    """Stop runtime logging and close its destination (nothing happens when logging is off)."""
    global autogen_logger, is_logging
    current, autogen_logger, is_logging = autogen_logger, None, False
    if current is not None:
        try:
            current.stop()
        except Exception as e:  # noqa: BLE001 - logging must never break the program
            _log_error("stop", e)


def logging_enabled() -> bool:
    """Whether runtime logging is on."""
    return is_logging


def get_connection() -> sqlite3.Connection | None:
    """The SQLite connection of the running SQLite logger; None for other loggers or when logging is off."""
    if autogen_logger is None:
        return None
    try:
        return autogen_logger.get_connection()
    except Exception as e:  # noqa: BLE001 - logging must never break the program
        _log_error("get_connection", e)
        return None


def get_current_ts() -> str:
    """The current UTC time in the logs' text format (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def log_chat_completion(
    invocation_id: uuid.UUID | str | None,
    client_id: int,
    wrapper_id: int,
    agent: str | Any,
    request: dict[str, Any],
    response: str | Any,
    is_cached: int,
    cost: float,
    start_time: str,
) -> None:
    """Record one answered model call; ``invocation_id=None`` gets a fresh uuid."""
    if autogen_logger is None:
        return
    if invocation_id is None:
        import uuid

        invocation_id = uuid.uuid4()
    _forward(
        "log_chat_completion",
        invocation_id,
        client_id,
        wrapper_id,
        agent,
        request,
        response,
        is_cached,
        cost,
        start_time,
    )


def log_new_agent(agent: Any, init_args: dict[str, Any]) -> None:
    """Record a new agent (``init_args`` may be the constructor's ``locals()``)."""
    _forward("log_new_agent", agent, init_args)


def log_event(source: str | Any, name: str, **kwargs: Any) -> None:
    """Record a named event of ``source`` (an agent or a name) with its details."""
    _forward("log_event", source, name, **kwargs)


def log_function_use(agent: str | Any, function: Any, args: dict[str, Any], returns: Any) -> None:
    """Record one tool/function execution by ``agent`` (``function`` may be the callable or its name)."""
    _forward("log_function_use", agent, function, args, returns)


def log_new_wrapper(wrapper: Any, init_args: dict[str, Any]) -> None:
    """Record a new ``OpenAIWrapper`` and its configuration."""
    _forward("log_new_wrapper", wrapper, init_args)


def log_new_client(client: Any, wrapper: Any, init_args: dict[str, Any]) -> None:
    """Record a new model client of ``wrapper`` and its configuration."""
    _forward("log_new_client", client, wrapper, init_args)


def log_model_call_failure(
    invocation_id: str,
    client_id: int,
    wrapper_id: int,
    agent: str | Any,
    failure: dict[str, Any],
) -> None:
    """Record one failed model call attempt of ``OpenAIWrapper.create`` and what happens next.

    ``failure`` holds ``config_index``, ``model``, ``base_url``, ``attempt``, ``max_attempts``,
    ``error_type``, ``error_message``, ``failure_kind``, ``action`` (``"retry"``: the same config
    again after ``wait_seconds``; ``"fallback"``: the next config, ``next_config_index``;
    ``"give_up"``: the call fails; ``"raise"``: an error that is never retried) and
    ``start_time``. The call's answer, if one comes, is logged with the same ``invocation_id``.
    """
    _forward("log_model_call_failure", invocation_id, client_id, wrapper_id, agent, failure)


def log_tool_call(
    agent: str | Any,
    function_name: str,
    call_id: str | None,
    args: dict[str, Any] | None,
    result: Any,
    *,
    is_success: bool,
    error: str | None,
    start_time: str,
    duration_ms: float,
    ran: bool,
) -> None:
    """Record one tool (or legacy function) call answered by ``agent``; ``ran`` is False when the
    function was not run (unknown function, arguments that are not a JSON object)."""
    current = autogen_logger
    if current is None:
        return
    if getattr(getattr(type(current), "log_tool_call", None), "_ag2_fallback", False):
        # a logger written for ag2: it gets ag2's call, and its errors are reported under that name
        if ran:
            _forward("log_function_use", agent, function_name, args if args is not None else {}, result)
        return
    _forward(
        "log_tool_call",
        agent,
        function_name,
        call_id,
        args,
        result,
        is_success=is_success,
        error=error,
        start_time=start_time,
        duration_ms=duration_ms,
        ran=ran,
    )


def log_code_execution(agent: str | Any, execution: dict[str, Any]) -> None:
    """Record one code execution by ``agent``: ``executor``, ``language``, ``code``, ``code_blocks``
    (list of [language, code]), ``exit_code``, ``output``, ``error``, ``start_time``, ``duration_ms``."""
    _forward("log_code_execution", agent, execution)


def log_speaker_selection(manager: str | Any, selection: dict[str, Any]) -> None:
    """Record one speaker selection of a group chat run by ``manager``: ``round``,
    ``previous_speaker``, ``method``, ``candidates``, ``chosen`` (None: nobody), ``attempts``,
    ``reason`` and ``details`` (see ``autogen/logger/SCHEMA.md``)."""
    _forward("log_speaker_selection", manager, selection)


# ---------------------------------------------------------------------------------------- chats

_current_chat: contextvars.ContextVar[ChatLog | None] = contextvars.ContextVar("ag2_logged_chat", default=None)


def _name(agent: Any) -> str | None:
    if agent is None or isinstance(agent, str):
        return agent
    name = getattr(agent, "name", None)
    return name if isinstance(name, str) else type(agent).__name__


class ChatLog:
    """The logging record of one running chat (only made while logging is on).

    Layers that run inside one chat share it: a two-agent chat with a `GroupChatManager` becomes a
    ``"group"`` chat when the manager's loop starts, and a pattern run (``"pattern"``) is the chat
    its initiator opens with the pattern's manager.
    """

    __slots__ = (
        "_token",
        "awaiting",
        "chat_id",
        "group_seen",
        "groupchat",
        "info",
        "initiator",
        "kind",
        "manager",
        "parent_chat_id",
        "participants",
        "reason",
        "reason_code",
        "recipient",
        "start_time",
    )

    def __init__(self, kind: str, initiator: Any, recipient: Any, parent: ChatLog | None) -> None:
        import uuid

        self.chat_id = str(uuid.uuid4())
        self.kind = kind
        self.initiator = initiator
        self.recipient = recipient
        self.parent_chat_id = parent.chat_id if parent is not None else None
        self.participants: list[str] = [n for n in (_name(initiator), _name(recipient)) if n]
        self.info: dict[str, Any] = {}
        self.reason_code: str | None = None
        self.reason: str | None = None
        self.groupchat: Any = None
        self.manager: Any = None
        self.awaiting: Any = None  # an agent whose chat, when it starts, is this one
        self.group_seen = False
        self.start_time = get_current_ts()
        self._token: contextvars.Token[ChatLog | None] | None = None

    def as_record(self) -> dict[str, Any]:
        """The chat's fields as logged (``autogen/logger/SCHEMA.md``, table ``chats``)."""
        messages = getattr(self.groupchat, "messages", None)
        if messages is None and self.initiator is not None and self.recipient is not None:
            try:
                messages = self.initiator.chat_messages.get(self.recipient)
            except Exception:  # noqa: BLE001 - a user agent may not keep chat_messages
                messages = None
        last = getattr(self.manager, "last_speaker", None) if self.manager is not None else None
        if last is None and messages:
            last = messages[-1].get("name") if isinstance(messages[-1], dict) else None
        return {
            "chat_id": self.chat_id,
            "parent_chat_id": self.parent_chat_id,
            "kind": self.kind,
            "initiator": _name(self.initiator),
            "recipient": _name(self.recipient),
            "participants": list(self.participants),
            "info": dict(self.info),
            "start_time": self.start_time,
            "termination_code": self.reason_code,
            "termination_reason": self.reason,
            "message_count": len(messages) if messages is not None else None,
            "last_speaker": _name(last),
        }


def current_chat_id() -> str | None:
    """The id of the chat running in this context (None outside chats or when logging is off)."""
    chat = _current_chat.get()
    return chat.chat_id if chat is not None else None


def begin_chat(
    kind: str,
    initiator: Any,
    recipient: Any,
    *,
    participants: list[Any] | None = None,
    info: dict[str, Any] | None = None,
    groupchat: Any = None,
    awaiting: Any = None,
) -> ChatLog | None:
    """A chat starts in this context: its record, or None when it continues the current chat.

    ``kind`` is ``"two_agent"``, ``"group"`` (a group chat manager's loop) or ``"pattern"``.
    A chat that the current one was waiting for (``awaiting``: the pattern's manager), and a group
    loop run by the recipient of the current chat, continue the current chat. Pass the result to
    :func:`end_chat`; call only while logging is on.
    """
    current = _current_chat.get()
    if current is not None:
        if kind == "two_agent" and current.awaiting is not None and current.awaiting is recipient:
            current.awaiting = None
            return None
        if kind == "group" and not current.group_seen and recipient in (current.recipient, current.initiator):
            current.group_seen = True
            if current.kind == "two_agent":
                current.kind = "group"
            _join_group(current, participants, groupchat, recipient, info)
            return None
    chat = ChatLog(kind, initiator, recipient, current)
    chat.awaiting = awaiting
    if kind in ("group", "pattern"):
        chat.group_seen = kind == "group"
        _join_group(chat, participants, groupchat, recipient if kind == "group" else awaiting, info)
    elif info:
        chat.info.update(info)
    chat._token = _current_chat.set(chat)
    record = chat.as_record()
    for key in ("termination_code", "termination_reason", "message_count", "last_speaker"):  # known at the end
        record.pop(key)
    _forward("log_chat_start", record)
    return chat


def _join_group(
    chat: ChatLog, participants: list[Any] | None, groupchat: Any, manager: Any, info: dict[str, Any] | None
) -> None:
    for agent in participants or ():
        name = _name(agent)
        if name and name not in chat.participants:
            chat.participants.append(name)
    if groupchat is not None:
        chat.groupchat = groupchat
    if manager is not None:
        chat.manager = manager
    if info:
        chat.info.update(info)


#: Callables told of every group chat speaker selection (the record the ``speaker_selections`` table
#: gets: round, method, candidates, chosen, reason, details such as a pattern's transition), whether or
#: not logging is on; they run in the chat's thread and context. The OpenTelemetry instrumentation
#: adds one (span events for the selections that are not spans of their own).
SELECTION_OBSERVERS: list[Callable[[dict[str, Any]], None]] = []


def noting_selections() -> bool:
    """Whether the selection steps should note why a speaker was chosen (logging, or an observer)."""
    return is_logging or bool(SELECTION_OBSERVERS)


#: Callables told why a chat ends, ``(code, reason)``, whether or not logging is on; they run in
#: the chat's thread and context. The OpenTelemetry instrumentation adds one (conversation spans).
TERMINATION_OBSERVERS: list[Callable[[str, str | None], None]] = []


def noting_terminations() -> bool:
    """Whether a chat's end should be noted (`note_termination`): logging, or an observer."""
    return is_logging or bool(TERMINATION_OBSERVERS)


def note_termination(code: str, reason: str | None = None) -> None:
    """Why the current chat ends (the first reason noted wins): ``code`` is a short identifier
    (``"max_turns"``, ``"termination_message"``, ...), ``reason`` the human-readable text.
    Callers skip it unless `noting_terminations`."""
    chat = _current_chat.get()
    if chat is not None and chat.reason_code is None:
        chat.reason_code = code
        chat.reason = reason
    for observer in TERMINATION_OBSERVERS:
        observer(code, reason)


def end_chat(chat: ChatLog | None, error: BaseException | None = None, default_code: str = "no_reply") -> None:
    """The chat of :func:`begin_chat` ended (``error``: by an exception); nothing for None."""
    if chat is None:
        return
    token, chat._token = chat._token, None
    if token is not None:
        try:
            _current_chat.reset(token)
        except ValueError:  # ended in another context than it began (should not happen)
            _current_chat.set(None)
    if error is not None and chat.reason_code is None:
        chat.reason_code = "error"
        chat.reason = f"{type(error).__name__}: {error}"
    if chat.reason_code is None:
        chat.reason_code = default_code
        chat.reason = _DEFAULT_REASONS.get(default_code, default_code)
    if autogen_logger is None:
        return
    record = chat.as_record()
    record["end_time"] = get_current_ts()
    _forward("log_chat_end", record)


_DEFAULT_REASONS = {
    "no_reply": "The recipient generated no reply",
    "finished": "The chat finished",
}


def _forward(method: str, /, *args: Any, **kwargs: Any) -> None:
    """Call ``method`` of the running logger, if any; a failure is logged, never raised."""
    current = autogen_logger
    if current is None:
        return
    try:
        getattr(current, method)(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - logging must never break the program
        _log_error(method, e)


def _log_error(what: str, error: BaseException) -> None:
    logger.error("[runtime logging] %s failed: %s: %s", what, type(error).__name__, error)
