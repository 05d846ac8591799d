"""What ``agent.run()`` / ``a_run()`` / ``run_iter()`` return: a live view of a chat running elsewhere.

Contract for code that starts a run (the agents):

1. Call ``RunResponse.start(work, agents=[...])`` where ``work()`` runs the chat synchronously and
   returns its result. ``start`` creates a ``ThreadIOStream``, runs ``work`` in a daemon thread
   with that stream installed as the default IO stream (``IOStream.set_default``), and when
   ``work`` returns sends a ``RunCompletionEvent`` built from its result; if it raises, it sends an
   ``ErrorEvent`` carrying the exception instead. ``work`` may return:

   - a mapping with any of ``summary``, ``history``, ``cost``, ``last_speaker``,
     ``context_variables`` (the ``RunCompletionEvent`` fields);
   - an object with ``chat_history``, ``summary`` and ``cost`` attributes (a ``ChatResult``);
   - a ready ``RunCompletionEvent``; or ``None`` (empty results).

   ``AsyncRunResponse.start(work, agents=[...])`` is the same for an ``async`` ``work`` (run as an
   asyncio task on the current loop) and ``RunIterResponse(work, agents=[...], yield_on=...)`` for
   stepped runs (the thread starts on first iteration). ag2's form ``RunIterResponse(start_thread_func=f,
   yield_on=..., agents=[...])`` is accepted too: ``f(iostream)`` returns the (not started) worker thread.

2. Doing it by hand is equivalent: create a ``ThreadIOStream``, build ``RunResponse(stream, agents,
   thread=thread)``, and in the thread run the chat inside ``with IOStream.set_default(stream):``,
   then ``stream.send(RunCompletionEvent(...))`` or ``stream.send(ErrorEvent(error=exc))``.

Consumers iterate ``response.events`` (or call ``response.process()``); results (``summary``,
``messages``, ``cost``, ``last_speaker``, ``context_variables``) are filled in when the completion
event is consumed. An ``ErrorEvent``'s exception is raised from the iterator. Each
``InputRequestEvent`` must be answered with ``event.content.respond(text)``.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable
from uuid import UUID, uuid4

from pydantic import BaseModel, Field

from ..events.agent_events import ErrorEvent, InputRequestEvent, RunCompletionEvent
from .base import IOStream
from .processors import (
    AsyncConsoleEventProcessor,
    AsyncEventProcessorProtocol,
    ConsoleEventProcessor,
    EventProcessorProtocol,
)
from .step_controller import StepController
from .thread_io_stream import AsyncThreadIOStream, ThreadIOStream

__all__ = [
    "AsyncRunIterResponse",
    "AsyncRunResponse",
    "AsyncRunResponseProtocol",
    "Cost",
    "CostBreakdown",
    "Message",
    "RunInfoProtocol",
    "RunIterResponse",
    "RunResponse",
    "RunResponseProtocol",
    "Usage",
]

_POLL_SECONDS = 0.1

Message = dict[str, Any]
"""A chat message as the responses hand it out (a plain dict)."""


class Usage(BaseModel):
    """Tokens and cost spent on one model."""

    cost: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class CostBreakdown(BaseModel):
    """Total cost and per-model usage."""

    total_cost: float = 0.0
    models: dict[str, Usage] = Field(default_factory=dict)

    @classmethod
    def from_raw(cls, data: Mapping[str, Any] | None) -> CostBreakdown:
        """Build from the client's ``{"total_cost": x, "<model>": {...}}`` dict."""
        data = data or {}
        models = {name: Usage(**usage) for name, usage in data.items() if isinstance(usage, Mapping)}
        return cls(total_cost=data.get("total_cost", 0.0) or 0.0, models=models)


class Cost(BaseModel):
    """Cost of a run, with and without completions served from the cache."""

    usage_including_cached_inference: CostBreakdown = Field(default_factory=CostBreakdown)
    usage_excluding_cached_inference: CostBreakdown = Field(default_factory=CostBreakdown)

    @classmethod
    def from_raw(cls, data: Mapping[str, Any] | None) -> Cost:
        """Build from a ``ChatResult.cost``-style dict."""
        data = data or {}
        return cls(
            usage_including_cached_inference=CostBreakdown.from_raw(data.get("usage_including_cached_inference")),
            usage_excluding_cached_inference=CostBreakdown.from_raw(data.get("usage_excluding_cached_inference")),
        )


@runtime_checkable
class RunInfoProtocol(Protocol):
    """Identity of a run."""

    @property
    def uuid(self) -> UUID:
        """Identifier of the run."""
        ...

    @property
    def above_run(self) -> Any:
        """The run this one is part of, or None."""
        ...


@runtime_checkable
class RunResponseProtocol(RunInfoProtocol, Protocol):
    """What ``run()`` returns: its events, and its results once the run completed."""

    @property
    def events(self) -> Iterable[Any]:
        """The run's events, in order."""
        ...

    @property
    def messages(self) -> Iterable[Message]:
        """The chat history."""
        ...

    @property
    def summary(self) -> str | None:
        """The chat summary."""
        ...

    @property
    def context_variables(self) -> Any:
        """The final context variables, if any."""
        ...

    @property
    def last_speaker(self) -> str | None:
        """Name of the agent that spoke last."""
        ...

    @property
    def cost(self) -> Cost | None:
        """The run's cost."""
        ...

    def process(self, processor: EventProcessorProtocol | None = None) -> None:
        """Consume every event with ``processor``."""
        ...

    def set_ui_tools(self, tools: list[Any]) -> None:
        """Give UI tools to the run's agents."""
        ...


@runtime_checkable
class AsyncRunResponseProtocol(RunInfoProtocol, Protocol):
    """What ``a_run()`` returns: async events, and awaitable results."""

    @property
    def events(self) -> AsyncIterable[Any]:
        """The run's events, in order."""
        ...

    @property
    async def messages(self) -> Iterable[Message]:
        """The chat history."""
        ...

    @property
    async def summary(self) -> str | None:
        """The chat summary."""
        ...

    @property
    async def context_variables(self) -> Any:
        """The final context variables, if any."""
        ...

    @property
    async def last_speaker(self) -> str | None:
        """Name of the agent that spoke last."""
        ...

    @property
    async def cost(self) -> Cost | None:
        """The run's cost."""
        ...

    async def process(self, processor: AsyncEventProcessorProtocol | None = None) -> None:
        """Consume every event with ``processor``."""
        ...

    def set_ui_tools(self, tools: list[Any]) -> None:
        """Give UI tools to the run's agents."""
        ...


def completion_event(result: Any) -> Any:
    """Turn what a run's ``work`` returned into a ``RunCompletionEvent`` (see the module docstring)."""
    if isinstance(result, RunCompletionEvent):
        return result
    if result is None:
        return RunCompletionEvent()
    if isinstance(result, Mapping):
        return RunCompletionEvent(**result)
    if hasattr(result, "chat_history"):
        return RunCompletionEvent(
            history=list(result.chat_history or []),
            summary=getattr(result, "summary", None),
            cost=getattr(result, "cost", None) or {},
            last_speaker=getattr(result, "last_speaker", None),
            context_variables=getattr(result, "context_variables", None),
        )
    raise TypeError(
        f"A run's work returned {type(result).__name__}; return a ChatResult, a dict of RunCompletionEvent "
        "fields (summary, history, cost, last_speaker, context_variables), a RunCompletionEvent or None."
    )


def _run_work(stream: Any, work: Callable[[], Any]) -> None:
    with IOStream.set_default(stream):
        try:
            event = completion_event(work())
        except BaseException as e:  # noqa: BLE001 - the consumer must always learn how the run ended
            if not stream.completed:
                stream.send(ErrorEvent(error=e))
            return
        if not stream.completed:
            stream.send(event)


def _fail_open_streams(streams: Sequence[Any], error: BaseException) -> None:
    for stream in streams:
        if not stream.completed:
            stream.send(ErrorEvent(error=error))


def _start_thread(stream: ThreadIOStream, work: Callable[[], Any]) -> threading.Thread:
    # The worker sees the caller's context (ambient cache, logging...), with its own IO stream on top.
    context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(_run_work, stream, work), name="ag2-run", daemon=True)
    thread.start()
    return thread


def _raise_error(response: _Results, event: Any) -> None:
    response._finished = True
    error = event.content.error
    if isinstance(error, BaseException):
        raise error
    raise RuntimeError(f"The run failed: {error}")


class _Results:
    """Results of a run, filled in from its ``RunCompletionEvent``."""

    def __init__(self, agents: Sequence[Any]) -> None:
        self.agents = list(agents)
        self._uuid = uuid4()
        self._summary: Any = None
        self._messages: list[Any] = []
        self._context_variables: Any = None
        self._last_speaker: str | None = None
        self._cost: Cost | None = None
        self._finished = False  # a RunCompletionEvent or ErrorEvent was consumed

    @property
    def uuid(self) -> UUID:
        """Identifier of this run."""
        return self._uuid

    @property
    def above_run(self) -> Any:
        """The run this one is part of (always None here)."""
        return None

    def _complete(self, event: Any) -> None:
        self._finished = True
        content = event.content
        self._summary = content.summary
        self._messages = list(content.history or [])
        self._last_speaker = content.last_speaker
        self._context_variables = content.context_variables
        cost = content.cost
        self._cost = cost if isinstance(cost, Cost) else Cost.from_raw(cost)

    def set_ui_tools(self, tools: list[Any]) -> None:
        """Give ``tools`` to every agent of the run (agents must support ``set_ui_tools``)."""
        for agent in self.agents:
            agent.set_ui_tools(tools)


class RunResponse(_Results):
    """A chat running in a background thread, seen through its events.

    Iterate ``events`` (or call ``process()``) to drive it to the end; ``summary``, ``messages``,
    ``last_speaker``, ``context_variables`` and ``cost`` are available once it completed.
    """

    def __init__(self, iostream: ThreadIOStream, agents: Sequence[Any] = (), *, thread: threading.Thread | None = None):
        super().__init__(agents)
        self.iostream = iostream
        self._thread = thread

    @classmethod
    def start(cls, work: Callable[[], Any], *, agents: Sequence[Any] = ()) -> RunResponse:
        """Run ``work()`` in a daemon thread with a fresh ``ThreadIOStream`` and return the response."""
        stream = ThreadIOStream()
        thread = _start_thread(stream, work)
        return cls(stream, agents, thread=thread)

    @classmethod
    def start_sequence(
        cls, work: Callable[[list[ThreadIOStream]], Any], agents: Sequence[Sequence[Any]]
    ) -> list[RunResponse]:
        """Run a sequence of chats in one daemon thread, one response per chat (``sequential_run``).

        ``work(streams)`` gets one ``ThreadIOStream`` per entry of ``agents`` (the agents of each
        chat), makes each the default stream while its chat runs and ends it with that chat's
        ``RunCompletionEvent``. If ``work`` raises, every stream not ended yet gets an ``ErrorEvent``
        with the exception (later chats of the sequence never ran)."""
        streams = [ThreadIOStream() for _ in agents]

        def run_all() -> None:
            try:
                work(streams)
            except BaseException as e:  # noqa: BLE001 - each consumer must learn how its chat ended
                _fail_open_streams(streams, e)

        context = contextvars.copy_context()
        thread = threading.Thread(target=context.run, args=(run_all,), name="ag2-sequential-run", daemon=True)
        thread.start()
        return [cls(stream, chat_agents, thread=thread) for stream, chat_agents in zip(streams, agents)]

    def _next_event(self, q: queue.Queue[Any]) -> Any:
        while True:
            try:
                return q.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                thread = self._thread
                if thread is not None and not thread.is_alive():
                    try:
                        return q.get_nowait()  # it may have sent its last event while we were waiting
                    except queue.Empty:
                        raise RuntimeError(
                            "The run's worker thread stopped without sending a RunCompletionEvent or ErrorEvent."
                        ) from None

    def _generate(self) -> Iterator[Any]:
        q = self.iostream.input_stream
        while not self._finished:  # a finished run has no more events (e.g. process() called twice)
            event = self._next_event(q)
            if isinstance(event, InputRequestEvent) and event.content.respond is None:  # type: ignore[attr-defined]
                event.content.respond = self.iostream.respond  # type: ignore[attr-defined]
            yield event
            if isinstance(event, RunCompletionEvent):
                self._complete(event)
                return
            if isinstance(event, ErrorEvent):
                _raise_error(self, event)

    @property
    def events(self) -> Iterator[Any]:
        """Events of the run, in order, ending with the ``RunCompletionEvent``; raises on ``ErrorEvent``."""
        return self._generate()

    @property
    def messages(self) -> list[Any]:
        """The chat history (after completion)."""
        return self._messages

    @property
    def summary(self) -> Any:
        """The chat summary (after completion)."""
        return self._summary

    @property
    def context_variables(self) -> Any:
        """The final context variables, if the run had any (after completion)."""
        return self._context_variables

    @property
    def last_speaker(self) -> str | None:
        """Name of the agent that spoke last (after completion)."""
        return self._last_speaker

    @property
    def cost(self) -> Cost | None:
        """The run's cost (after completion)."""
        return self._cost

    @cost.setter
    def cost(self, value: Cost | Mapping[str, Any]) -> None:
        self._cost = value if isinstance(value, Cost) else Cost.from_raw(value)

    def process(self, processor: EventProcessorProtocol | None = None) -> None:
        """Consume all events with ``processor`` (default: print them and ask the console for input)."""
        (processor or ConsoleEventProcessor()).process(self)


class RunIterResponse(RunResponse):
    """A stepped run: the worker pauses after each yielded event until iteration continues.

    Only events of the ``yield_on`` types (all when None) are yielded - plus input requests, which
    must always be answered. Leaving the loop early lets the worker run on unattended.
    """

    def __init__(
        self,
        work: Callable[[], Any] | None = None,
        *,
        agents: Sequence[Any] = (),
        yield_on: Sequence[type] | None = None,
        start_thread_func: Callable[[ThreadIOStream], threading.Thread] | None = None,
    ) -> None:
        if (work is None) == (start_thread_func is None):
            raise TypeError("RunIterResponse needs exactly one of work or start_thread_func")
        self._step_controller = StepController(yield_on)
        super().__init__(ThreadIOStream(step_controller=self._step_controller), agents)
        self._work = work
        self._start_thread_func = start_thread_func
        self._started = False

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        if self._start_thread_func is not None:
            self._thread = self._start_thread_func(self.iostream)
            self._thread.start()
        else:
            assert self._work is not None
            self._thread = _start_thread(self.iostream, self._work)

    @classmethod
    def start(  # type: ignore[override]
        cls, work: Callable[[], Any], *, agents: Sequence[Any] = (), yield_on: Sequence[type] | None = None
    ) -> RunIterResponse:
        """Prepare a stepped run of ``work()``; its thread starts when iteration begins."""
        return cls(work, agents=agents, yield_on=yield_on)

    def __iter__(self) -> Iterator[Any]:
        return self._generate()

    def _accept(self, event: Any) -> bool:
        """Handle the end of the run; tell whether ``event`` is handed to the consumer."""
        if isinstance(event, RunCompletionEvent):
            self._complete(event)
            return False
        if isinstance(event, ErrorEvent):
            _raise_error(self, event)
        if isinstance(event, InputRequestEvent):  # always handed over: someone must answer it
            if event.content.respond is None:  # type: ignore[attr-defined]
                event.content.respond = self.iostream.respond  # type: ignore[attr-defined]
            return True
        return self._step_controller.should_block(event)

    def _generate(self) -> Iterator[Any]:
        self._start()
        q = self.iostream.input_stream
        try:
            while not self._finished:
                self._step_controller.step()
                event = self._next_event(q)
                if self._accept(event):
                    yield event
        finally:
            self._step_controller.terminate()


class AsyncRunIterResponse(RunIterResponse):
    """``RunIterResponse`` consumed with ``async for``; the chat still runs in a worker thread.

    Waiting for the next event happens in the default executor, so the event loop is never blocked.
    """

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._agenerate()

    async def _agenerate(self) -> AsyncIterator[Any]:
        self._start()
        loop = asyncio.get_running_loop()
        q = self.iostream.input_stream
        try:
            while not self._finished:
                self._step_controller.step()
                event = await loop.run_in_executor(None, self._next_event, q)
                if self._accept(event):
                    yield event
        finally:
            self._step_controller.terminate()


class AsyncRunResponse(_Results):
    """A chat running as an asyncio task, seen through its events.

    ``events`` is an async iterator; ``summary``, ``messages``, ``last_speaker``,
    ``context_variables`` and ``cost`` are awaitable properties (``await response.summary``).
    """

    def __init__(
        self,
        iostream: AsyncThreadIOStream,
        agents: Sequence[Any] = (),
        *,
        task: asyncio.Task[Any] | None = None,
    ) -> None:
        super().__init__(agents)
        self.iostream = iostream
        self._task = task  # kept so the task is not garbage-collected while running
        if task is not None:
            task.add_done_callback(self._on_task_done)

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        # A task that ended without reporting (e.g. cancelled) must still end the iteration.
        if self.iostream.completed:
            return
        error: BaseException = (
            asyncio.CancelledError("The run's task was cancelled.")
            if task.cancelled()
            else (task.exception() or RuntimeError("The run's task ended without sending a RunCompletionEvent."))
        )
        self.iostream.send(ErrorEvent(error=error))

    @classmethod
    def start(cls, work: Callable[[], Awaitable[Any]], *, agents: Sequence[Any] = ()) -> AsyncRunResponse:
        """Run ``await work()`` as a task on the running loop with a fresh stream; return the response."""
        loop = asyncio.get_running_loop()
        stream = AsyncThreadIOStream(loop)

        async def runner() -> None:
            with IOStream.set_default(stream):
                try:
                    event = completion_event(await work())
                except BaseException as e:
                    if not stream.completed:
                        stream.send(ErrorEvent(error=e))
                    if isinstance(e, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                        raise
                    return
                if not stream.completed:
                    stream.send(event)

        task = loop.create_task(runner(), name="ag2-a_run")
        return cls(stream, agents, task=task)

    @classmethod
    def start_sequence(
        cls, work: Callable[[list[AsyncThreadIOStream]], Awaitable[Any]], agents: Sequence[Sequence[Any]]
    ) -> list[AsyncRunResponse]:
        """Async twin of `RunResponse.start_sequence`: ``await work(streams)`` runs as one task on
        the running loop; one response per chat."""
        loop = asyncio.get_running_loop()
        streams = [AsyncThreadIOStream(loop) for _ in agents]

        async def runner() -> None:
            try:
                await work(streams)
            except BaseException as e:
                _fail_open_streams(streams, e)
                if isinstance(e, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                    raise

        task = loop.create_task(runner(), name="ag2-a_sequential_run")
        return [cls(stream, chat_agents, task=task) for stream, chat_agents in zip(streams, agents)]

    async def _generate(self) -> AsyncIterator[Any]:
        q = self.iostream.input_stream
        while not self._finished:
            event = await q.get()
            yield event
            if isinstance(event, RunCompletionEvent):
                self._complete(event)
                return
            if isinstance(event, ErrorEvent):
                _raise_error(self, event)

    @property
    def events(self) -> AsyncIterator[Any]:
        """Events of the run, in order, ending with the ``RunCompletionEvent``; raises on ``ErrorEvent``."""
        return self._generate()

    @property
    async def messages(self) -> list[Any]:
        """The chat history (after completion)."""
        return self._messages

    @property
    async def summary(self) -> Any:
        """The chat summary (after completion)."""
        return self._summary

    @property
    async def context_variables(self) -> Any:
        """The final context variables (after completion)."""
        return self._context_variables

    @property
    async def last_speaker(self) -> str | None:
        """Name of the agent that spoke last (after completion)."""
        return self._last_speaker

    @property
    async def cost(self) -> Cost | None:
        """The run's cost (after completion)."""
        return self._cost

    async def process(self, processor: AsyncEventProcessorProtocol | None = None) -> None:
        """Consume all events with ``processor`` (default: print them and ask the console for input)."""
        await (processor or AsyncConsoleEventProcessor()).process(self)
