"""Launching DBOS for this process, the ``@chat`` decorator, and starting, queueing and answering chats."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import inspect
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..import_utils import optional_import

optional_import("dbos", "durable", feature="autogen.durable")

from dbos import DBOS, DBOSClient, SetWorkflowID

from .._effects import intercept_effects
from ._steps import INPUT_TOPIC, PROMPT_EVENT, DurableSteps, NonDeterministicChatError, _Diverged

__all__ = [
    "DEFAULT_QUEUE",
    "ChatHandle",
    "ChatInfo",
    "chat",
    "enqueue",
    "launch",
    "list_chats",
    "retrieve",
    "send_input",
    "shutdown",
    "start",
]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: The queue `enqueue` puts chats on unless told otherwise.
DEFAULT_QUEUE = "chats"
_APP_NAME = "ag2"
# One version for every process: a chat recorded by one build is resumed by the next (replay checks
# each step's identity, so a change of path is an error, not a silent divergence).
_APP_VERSION = "ag2-durable-1"
_DEFAULT_SQLITE = "ag2_durable.sqlite"


def _database_url(database_url: str | None) -> str:
    if database_url is None:
        return f"sqlite:///{Path.cwd() / _DEFAULT_SQLITE}"
    return database_url


def _use_wal(url: str) -> None:
    """Put an SQLite database in write-ahead-log mode (a setting kept in the file): a commit then syncs
    one log append instead of a rollback journal and the database (synchronous stays FULL, so a
    committed step survives a power cut as before), and readers do not wait for the writer."""
    import sqlite3

    from sqlalchemy.engine import make_url

    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or not Path(path).resolve().parent.is_dir():
        return  # DBOS reports a path it cannot open
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


_launched_url: str | None = None


def launch(
    database_url: str | None = None,
    *,
    queues: Sequence[str] | None = None,
    concurrency: int | None = None,
    executor_id: str | None = None,
    application_version: str | None = None,
    log_level: str = "WARNING",
) -> None:
    """Configure and launch DBOS for this process, then resume this process's unfinished chats.

    Args:
        database_url: where chats are recorded: ``None`` for an SQLite file ``ag2_durable.sqlite`` in the
            working directory (one process), or a PostgreSQL URL (any number of processes and machines).
        queues: the queues this process runs chats from: ``None`` for all of them (the default queue
            "chats" is created), ``[]`` for none (a process that only starts and enqueues chats).
        concurrency: at most this many chats of each of ``queues`` at once in one process.
        executor_id: this process's identity; a process relaunched with the same id resumes the
            chats the previous one left unfinished (default: ``$DBOS__VMID``, else "local").
        application_version: the version chats are recorded under; only a process of the same
            version resumes them (default: one version for all).
        log_level: DBOS's log level.
    """
    global _launched_url
    url = _database_url(database_url)
    if _launched_url is not None:
        if _launched_url == url:
            return
        raise RuntimeError(
            f"autogen.durable is already launched on {_launched_url}; call autogen.durable.shutdown() first."
        )
    config: dict[str, Any] = {
        "name": _APP_NAME,
        "system_database_url": url,
        "application_version": application_version or _APP_VERSION,
        "log_level": log_level,
        "run_admin_server": False,
    }
    if executor_id is not None:
        config["executor_id"] = executor_id
    if url.startswith("sqlite"):
        _use_wal(url)
    DBOS(config=config)  # type: ignore[arg-type]
    if queues is not None:
        DBOS.listen_queues(list(queues))
    DBOS.launch()
    _launched_url = url
    for name in [DEFAULT_QUEUE] if queues is None else list(queues):
        if concurrency is None:
            DBOS.register_queue(name, on_conflict="never_update", polling_interval_sec=0.2)
        else:
            DBOS.register_queue(
                name, worker_concurrency=concurrency, on_conflict="always_update", polling_interval_sec=0.2
            )


def shutdown(wait_seconds: int = 0) -> None:
    """Stop DBOS in this process (unfinished chats stay recorded and resume at the next launch)."""
    global _launched_url
    DBOS.destroy(workflow_completion_timeout_sec=wait_seconds)
    _launched_url = None


def _durable_body(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` run with a fresh step recorder installed; a diverging replay becomes an error of the chat."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def body_async(*args: Any, **kwargs: Any) -> Any:
            try:
                with intercept_effects(DurableSteps()):
                    return await fn(*args, **kwargs)
            except _Diverged as e:
                raise NonDeterministicChatError(str(e)) from None

        return body_async

    @functools.wraps(fn)
    def body(*args: Any, **kwargs: Any) -> Any:
        try:
            with intercept_effects(DurableSteps()):
                return fn(*args, **kwargs)
        except _Diverged as e:
            raise NonDeterministicChatError(str(e)) from None

    return body


def chat(fn: F | None = None, *, name: str | None = None, max_recovery_attempts: int = 100) -> Any:
    """Make a function that runs a chat (sync or async) a durable DBOS workflow.

    Every LLM call, tool call, code execution, speaker choice and human input inside it is a
    recorded step. Calling the function runs it durably in the caller; `start` runs it in the
    background, `enqueue` on a queue. Create the agents inside the function: a resumed chat replays
    it from the start on the recorded steps. Its arguments and return value are pickled (return
    the `ChatResult`, not agents). ``name`` (default ``module.qualname``) is how workers find it.
    """

    def decorate(func: F) -> F:
        workflow_name = name or f"{func.__module__}.{func.__qualname__}"
        workflow = DBOS.workflow(name=workflow_name, max_recovery_attempts=max_recovery_attempts)(_durable_body(func))
        workflow.__autogen_durable_chat__ = workflow_name  # type: ignore[attr-defined]
        return workflow  # type: ignore[no-any-return]

    return decorate(fn) if fn is not None else decorate


def _check_chat(fn: Any) -> None:
    if not hasattr(fn, "__autogen_durable_chat__"):
        raise TypeError(
            f"{getattr(fn, '__qualname__', fn)!r} is not a durable chat: decorate it with @autogen.durable.chat."
        )
    if _launched_url is None:
        raise RuntimeError("autogen.durable is not launched: call autogen.durable.launch() first.")


def _off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)``, in a helper thread when this thread runs an event loop.

    DBOS's synchronous API refuses to run while an event loop is running in the calling thread (it
    would block the loop); a notebook or an async web app has one. The call blocks the caller either
    way, as a synchronous call does; from the helper thread DBOS accepts it.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="autogen-durable") as pool:
        return pool.submit(contextvars.copy_context().run, fn, *args, **kwargs).result()


@dataclass
class ChatHandle:
    """A durable chat started, queued or retrieved by id."""

    chat_id: str

    def status(self) -> str:
        """DBOS's status of the chat: ENQUEUED, PENDING (running or waiting), SUCCESS, ERROR, CANCELLED,
        MAX_RECOVERY_ATTEMPTS_EXCEEDED; "UNKNOWN" for an id never used."""
        status = _off_loop(DBOS.get_workflow_status, self.chat_id)
        return "UNKNOWN" if status is None else str(status.status)

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the chat to end and return what the chat function returned (or raise its error)."""
        if timeout is None:
            return _off_loop(lambda: DBOS.retrieve_workflow(self.chat_id).get_result(polling_interval_sec=0.1))
        return _off_loop(_result_within, self.chat_id, timeout)

    def input_prompt(self) -> str | None:
        """The prompt of the human input the chat waits for, or None."""
        return _off_loop(DBOS.get_event, self.chat_id, PROMPT_EVENT, timeout_seconds=0)  # type: ignore[no-any-return]

    def send_input(self, text: str) -> None:
        """Answer the human input the chat waits for (or will wait for next)."""
        send_input(self.chat_id, text)


def _result_within(chat_id: str, timeout: float) -> Any:
    import time

    deadline = time.monotonic() + timeout
    handle = DBOS.retrieve_workflow(chat_id)
    while True:
        status = handle.get_status().status
        if status not in ("PENDING", "ENQUEUED", "DELAYED"):
            return handle.get_result()
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Durable chat {chat_id!r} did not finish within {timeout} s (status {status}).")
        time.sleep(0.05)


def start(fn: Callable[..., Any], *args: Any, chat_id: str | None = None, **kwargs: Any) -> ChatHandle:
    """Run the durable chat ``fn(*args, **kwargs)`` in the background in this process. Starting an id
    that exists returns a handle to that chat (it is not run twice)."""
    _check_chat(fn)
    chat_id = chat_id or str(uuid.uuid4())
    with SetWorkflowID(chat_id):
        DBOS.start_workflow(fn, *args, **kwargs)
    return ChatHandle(chat_id)


def enqueue(
    fn: Callable[..., Any], *args: Any, chat_id: str | None = None, queue: str = DEFAULT_QUEUE, **kwargs: Any
) -> ChatHandle:
    """Put the durable chat ``fn(*args, **kwargs)`` on ``queue``; a process listening to it (a worker:
    ``python -m autogen.durable worker``) runs it, exactly once."""
    _check_chat(fn)
    chat_id = chat_id or str(uuid.uuid4())
    with SetWorkflowID(chat_id):
        DBOS.enqueue_workflow(queue, fn, *args, **kwargs)
    return ChatHandle(chat_id)


def retrieve(chat_id: str) -> ChatHandle:
    """A handle to the chat ``chat_id``."""
    return ChatHandle(chat_id)


def send_input(chat_id: str, text: str) -> None:
    """Give the chat ``chat_id`` the human input it waits for; kept until it asks, across restarts."""
    if not isinstance(text, str):
        raise TypeError(f"send_input() takes the human's text as a str, got {type(text).__name__}.")
    _off_loop(DBOS.send, chat_id, text, topic=INPUT_TOPIC)


@dataclass(frozen=True)
class ChatInfo:
    """One line of `list_chats`."""

    chat_id: str
    name: str
    status: str
    queue: str | None
    executor_id: str | None
    created_at: int | None
    updated_at: int | None


def list_chats(database_url: str | None = None, *, limit: int | None = None) -> list[ChatInfo]:
    """The chats recorded in ``database_url`` (default: this process's database), newest first. Works
    without `launch` (nothing is resumed)."""
    url = _launched_url if database_url is None else _database_url(database_url)
    url = url or _database_url(None)
    client = DBOSClient(system_database_url=url, application_name=_APP_NAME)
    try:
        rows = client.list_workflows(limit=limit, sort_desc=True, load_input=False, load_output=False)
    finally:
        client.destroy()
    return [
        ChatInfo(r.workflow_id, r.name, str(r.status), r.queue_name, r.executor_id, r.created_at, r.updated_at)
        for r in rows
    ]
