"""Queue-backed IO streams used by ``run()`` / ``a_run()``.

The chat runs in a worker (thread or asyncio task) with one of these streams as its default IO
stream. Everything the agents print becomes an event on a queue the ``RunResponse`` reads; a call
to ``input()`` sends an ``InputRequestEvent`` whose ``content.respond(text)`` supplies the answer.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .step_controller import StepController

__all__ = ["AsyncThreadIOStream", "ThreadIOStream"]


def _is_final(event: Any) -> bool:
    from ..events.agent_events import ErrorEvent, RunCompletionEvent

    return isinstance(event, (RunCompletionEvent, ErrorEvent))


def _answer_text(answer: Any) -> str:
    # Accept an InputResponseEvent as well as the plain string.
    value = getattr(getattr(answer, "content", None), "value", None)
    if isinstance(value, str):
        return value
    if not isinstance(answer, str):
        raise TypeError(f"respond() takes the human's answer as a str, got {type(answer).__name__}")
    return answer


class ThreadIOStream:
    """An IO stream for a worker thread: output goes to a queue, input waits for ``respond``."""

    def __init__(self, step_controller: StepController | None = None) -> None:
        self._input_stream: queue.Queue[Any] = queue.Queue()  # events, read by the consumer
        self._output_stream: queue.Queue[str] = queue.Queue()  # answers to input requests
        self._step_controller = step_controller
        self.completed = False  # set once a RunCompletionEvent or ErrorEvent was sent

    @property
    def input_stream(self) -> queue.Queue[Any]:
        """The queue of events the consumer reads."""
        return self._input_stream

    def send(self, event: Any) -> None:
        """Queue ``event`` for the consumer (pausing afterwards when stepping is on)."""
        controller = self._step_controller
        pause = controller.before_send(event) if controller is not None else False
        if _is_final(event):
            self.completed = True
        self._input_stream.put(event)
        if pause and controller is not None:
            controller.wait()

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Queue a ``PrintEvent``."""
        from ..events.print_event import PrintEvent

        self.send(PrintEvent(*objects, sep=sep, end=end, flush=flush))

    def respond(self, answer: Any) -> None:
        """Answer the pending ``input()`` call with ``answer`` (a str)."""
        self._output_stream.put(_answer_text(answer))

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        """Send an ``InputRequestEvent`` and block until someone calls its ``respond``."""
        from ..events.agent_events import InputRequestEvent

        self.send(InputRequestEvent(prompt=prompt, password=password, respond=self.respond))
        return self._output_stream.get()


class _Answered:
    """Returned by async ``respond``: the answer is already delivered, awaiting it is optional."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # pragma: no cover - makes this a generator


class AsyncThreadIOStream:
    """An IO stream for a worker asyncio task: output goes to an ``asyncio.Queue``.

    ``send``/``print`` are plain (synchronous) methods so the agents' shared code can call them;
    they are safe to call from other threads too. ``input`` is a coroutine.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if loop is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None  # bound on first use inside a loop
        self._loop = loop
        self._queue: asyncio.Queue[Any] | None = None
        self._answers: asyncio.Queue[str] | None = None
        self.completed = False

    def _bind(self) -> asyncio.Queue[Any]:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        if self._queue is None:
            self._queue = asyncio.Queue()
        return self._queue

    @property
    def output_stream(self) -> asyncio.Queue[str]:
        """The queue of answers to input requests (ag2's ``_output_stream``): putting a str here
        answers the pending ``input()`` as its event's ``respond`` does."""
        self._bind()
        if self._answers is None:
            self._answers = asyncio.Queue()
        return self._answers

    _output_stream = output_stream

    @property
    def input_stream(self) -> asyncio.Queue[Any]:
        """The queue of events the consumer reads (must be used on the stream's loop)."""
        return self._bind()

    def _on_loop_thread(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def send(self, event: Any) -> None:
        """Queue ``event`` for the consumer; thread-safe."""
        if _is_final(event):
            self.completed = True
        if self._loop is None or self._on_loop_thread():
            self._bind().put_nowait(event)
        else:
            self._loop.call_soon_threadsafe(lambda: self._bind().put_nowait(event))

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        """Queue a ``PrintEvent``."""
        from ..events.print_event import PrintEvent

        self.send(PrintEvent(*objects, sep=sep, end=end, flush=flush))

    async def input(self, prompt: str = "", *, password: bool = False) -> str:
        """Send an ``InputRequestEvent`` and wait until its ``respond`` is called (awaited or not)."""
        from ..events.agent_events import InputRequestEvent

        answers = self.output_stream
        loop = self._loop

        def respond(text: Any) -> _Answered:
            value = _answer_text(text)
            if self._on_loop_thread():
                answers.put_nowait(value)
            else:
                loop.call_soon_threadsafe(answers.put_nowait, value)  # type: ignore[union-attr]
            return _Answered()

        self.send(InputRequestEvent(prompt=prompt, password=password, respond=respond))
        return await answers.get()
