"""ag2's stepping API: wait_for_step after queueing, start_thread_func, the async controller, protocols."""

from __future__ import annotations

import asyncio
import threading

from autogen.events.agent_events import RunCompletionEvent, TextEvent
from autogen.io.run_response import RunIterResponse, RunResponse, RunResponseProtocol
from autogen.io.step_controller import AsyncStepController, StepController
from autogen.io.thread_io_stream import ThreadIOStream


def test_run_iter_response_from_a_thread_factory_pauses_after_each_event() -> None:
    progress: list[str] = []

    def start_thread_func(stream: ThreadIOStream) -> threading.Thread:
        def produce() -> None:
            for text in ("one", "two"):
                event = TextEvent(content=text, sender="a", recipient="b")
                stream._input_stream.put(event)
                stream._step_controller.wait_for_step(event)
                progress.append(text)
            stream.send(RunCompletionEvent(summary="done", history=[], cost={}, last_speaker="a"))

        return threading.Thread(target=produce, daemon=True)

    response = RunIterResponse(start_thread_func=start_thread_func, yield_on=None, agents=[])
    assert not response._started and response._thread is None
    seen = []
    for event in response:
        seen.append(event.content.content)
        assert len(progress) == len(seen) - 1  # the producer waits until we step on
    assert seen == ["one", "two"] and response.summary == "done"


def test_wait_for_step_returns_at_once_for_events_not_chosen() -> None:
    controller = StepController(yield_on=[RunCompletionEvent])
    controller.wait_for_step(TextEvent(content="x", sender="a", recipient="b"))  # does not block
    controller.terminate()
    controller.wait_for_step(RunCompletionEvent())  # terminated: never blocks


async def test_async_step_controller_waits_until_stepped() -> None:
    controller = AsyncStepController()
    waiter = asyncio.ensure_future(controller.wait_for_step(object()))
    await asyncio.sleep(0.01)
    assert not waiter.done()
    controller.step()
    await asyncio.wait_for(waiter, 1)


def test_run_response_satisfies_the_protocol() -> None:
    response = RunResponse.start(lambda: None)
    assert isinstance(response, RunResponseProtocol)
    response.process(processor=type("Quiet", (), {"process": lambda self, r: list(r.events)})())
