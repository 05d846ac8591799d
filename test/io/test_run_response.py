"""run()-style responses: a worker thread/task talks to the consumer only through events."""

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from autogen.events.agent_events import (
    ErrorEvent,
    InputRequestEvent,
    RunCompletionEvent,
    TerminationEvent,
    TextEvent,
    ToolCallEvent,
)
from autogen.events.print_event import PrintEvent
from autogen.io import IOConsole, IOStream
from autogen.io.processors import ConsoleEventProcessor
from autogen.io.run_response import AsyncRunIterResponse, AsyncRunResponse, Cost, RunIterResponse, RunResponse
from autogen.io.thread_io_stream import ThreadIOStream

COST = {
    "usage_including_cached_inference": {
        "total_cost": 0.25,
        "gpt-x": {"cost": 0.25, "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    },
    "usage_excluding_cached_inference": {"total_cost": 0.0},
}


class Agent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.ui_tools: list[Any] = []

    def set_ui_tools(self, tools: list[Any]) -> None:
        self.ui_tools = tools


def chat_with_a_question() -> dict[str, Any]:
    """What a chat does in the worker: print through the default stream and ask the human once."""
    stream = IOStream.get_default()
    stream.send(TextEvent(content="What is your name?", sender=Agent("bot"), recipient=Agent("human")))
    name = stream.input("Your name: ")
    stream.print("got", name)
    stream.send(TerminationEvent(termination_reason="done", sender="bot"))
    history = [{"role": "assistant", "content": "What is your name?"}, {"role": "user", "content": name}]
    return {"summary": f"name is {name}", "history": history, "cost": COST, "last_speaker": Agent("human")}


def test_events_stream_from_worker_and_input_is_answered_with_respond() -> None:
    response = RunResponse.start(chat_with_a_question, agents=[Agent("bot"), Agent("human")])
    assert response.summary is None  # nothing is known before the events are consumed
    kinds = []
    for event in response.events:
        kinds.append(type(event).__name__)
        if isinstance(event, InputRequestEvent):
            assert event.content.prompt == "Your name: "
            event.content.respond("Ada")
        if isinstance(event, PrintEvent):
            assert event.content.objects == ["got", "Ada"]
    assert kinds == ["TextEvent", "InputRequestEvent", "PrintEvent", "TerminationEvent", "RunCompletionEvent"]
    assert response.summary == "name is Ada"
    assert response.messages[-1] == {"role": "user", "content": "Ada"}
    assert response.last_speaker == "human"
    assert isinstance(response.cost, Cost)
    assert response.cost.usage_including_cached_inference.total_cost == 0.25
    assert response.cost.usage_including_cached_inference.models["gpt-x"].total_tokens == 15
    assert response.cost.usage_excluding_cached_inference.models == {}


def test_worker_output_does_not_reach_the_console(capsys: pytest.CaptureFixture[str]) -> None:
    response = RunResponse.start(lambda: IOStream.get_default().print("hidden"))
    events = list(response.events)
    assert capsys.readouterr().out == ""
    assert isinstance(events[0], PrintEvent) and isinstance(events[-1], RunCompletionEvent)
    assert isinstance(IOStream.get_default(), IOConsole)  # the caller's stream is untouched


def test_error_in_worker_is_raised_from_the_iterator() -> None:
    def failing() -> None:
        IOStream.get_default().send(TextEvent(content="before", sender="a", recipient="b"))
        raise ValueError("model exploded")

    response = RunResponse.start(failing)
    seen = []
    with pytest.raises(ValueError, match="model exploded"):
        seen.extend(response.events)
    assert isinstance(seen[0], TextEvent)
    assert isinstance(seen[-1], ErrorEvent)  # the error event is seen before it is raised
    assert response.summary is None


def test_process_prints_events_and_answers_input_from_console(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, plain: Callable[[str], str]
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": "Grace")
    response = RunResponse.start(chat_with_a_question)
    response.process()
    out = plain(capsys.readouterr().out)
    assert "bot (to human):\n\nWhat is your name?\n" in out
    assert "got Grace\n" in out
    assert "TERMINATING RUN" in out and ": done" in out
    assert response.summary == "name is Grace"


def test_custom_processor_is_used() -> None:
    class Collect:
        def __init__(self) -> None:
            self.events: list[Any] = []

        def process(self, response: RunResponse) -> None:
            self.events.extend(response.events)

    collector = Collect()
    RunResponse.start(lambda: {"summary": "s"}).process(collector)
    assert isinstance(collector.events[-1], RunCompletionEvent)


def test_work_may_return_a_chat_result_like_object() -> None:
    class ChatResultLike:
        def __init__(self) -> None:
            self.chat_history = [{"role": "user", "content": "hi"}]
            self.summary = "hi"
            self.cost = COST

    response = RunResponse.start(ChatResultLike)
    list(response.events)
    assert response.messages == [{"role": "user", "content": "hi"}]
    assert response.cost is not None and response.cost.usage_including_cached_inference.total_cost == 0.25


def test_bad_work_result_becomes_a_clear_error() -> None:
    response = RunResponse.start(lambda: 42)
    with pytest.raises(TypeError, match="ChatResult"):
        list(response.events)


def test_manual_contract_with_a_thread_and_a_thread_stream() -> None:
    stream = ThreadIOStream()

    def worker() -> None:
        with IOStream.set_default(stream):
            answer = IOStream.get_default().input("continue?")
            IOStream.get_default().send(RunCompletionEvent(summary=answer, history=[], cost={}, last_speaker=None))

    thread = threading.Thread(target=worker, daemon=True)
    response = RunResponse(stream, [], thread=thread)
    thread.start()
    for event in response.events:
        if isinstance(event, InputRequestEvent):
            event.content.respond("yes")
    assert response.summary == "yes"
    assert response.cost is not None and response.cost.usage_including_cached_inference.total_cost == 0.0


def test_worker_that_dies_silently_does_not_hang_the_consumer() -> None:
    stream = ThreadIOStream()
    thread = threading.Thread(target=lambda: stream.send(TextEvent(content="x", sender="a", recipient="b")))
    thread.start()
    thread.join()
    with pytest.raises(RuntimeError, match="without sending a RunCompletionEvent"):
        list(RunResponse(stream, [], thread=thread).events)


def test_respond_rejects_non_text_answers() -> None:
    with pytest.raises(TypeError, match="str"):
        ThreadIOStream().respond(123)


def test_set_ui_tools_reaches_every_agent() -> None:
    agents = [Agent("a"), Agent("b")]
    response = RunResponse.start(lambda: None, agents=agents)
    response.set_ui_tools(["tool"])
    assert [a.ui_tools for a in agents] == [["tool"], ["tool"]]
    list(response.events)


def test_run_iter_pauses_the_worker_until_the_consumer_advances() -> None:
    progress: list[str] = []

    def work() -> dict[str, Any]:
        stream = IOStream.get_default()
        for i in range(3):
            progress.append(f"sent {i}")
            stream.send(TextEvent(content=str(i), sender="a", recipient="b"))
        return {"summary": "ok"}

    response = RunIterResponse.start(work, yield_on=[TextEvent])
    assert progress == []  # the thread starts with the iteration
    seen = []
    for event in response:
        seen.append(event.content.content)
        # the worker is paused right after the event we hold
        assert progress[-1] == f"sent {event.content.content}"
    assert seen == ["0", "1", "2"]
    assert response.summary == "ok"


def test_run_iter_yields_only_chosen_types_and_input_requests() -> None:
    def work() -> dict[str, Any]:
        stream = IOStream.get_default()
        stream.send(TextEvent(content="skip me", sender="a", recipient="b"))
        stream.send(
            ToolCallEvent(
                tool_calls=[{"id": "1", "function": {"name": "f", "arguments": "{}"}}], sender="a", recipient="b"
            )
        )
        return {"summary": stream.input("ok?")}

    response = RunIterResponse(work, yield_on=[ToolCallEvent])
    kinds = []
    for event in response:
        kinds.append(type(event).__name__)
        if isinstance(event, InputRequestEvent):
            event.content.respond("fine")
    assert kinds == ["ToolCallEvent", "InputRequestEvent"]
    assert response.summary == "fine"


def test_breaking_out_of_run_iter_lets_the_worker_finish() -> None:
    finished = threading.Event()

    def work() -> None:
        for i in range(5):
            IOStream.get_default().send(TextEvent(content=str(i), sender="a", recipient="b"))
        finished.set()

    response = RunIterResponse(work)
    for _ in response:
        break
    assert finished.wait(5)


async def test_async_run_response_end_to_end() -> None:
    async def work() -> dict[str, Any]:
        stream = IOStream.get_default()
        stream.send(TextEvent(content="hello", sender="bot", recipient="human"))
        answer = await stream.input("name?")
        await asyncio.sleep(0)
        return {"summary": answer, "history": [{"content": answer}], "cost": COST, "last_speaker": "bot"}

    response = AsyncRunResponse.start(work, agents=[Agent("bot")])
    kinds = []
    async for event in response.events:
        kinds.append(type(event).__name__)
        if isinstance(event, InputRequestEvent):
            await event.content.respond("Linus")
    assert kinds == ["TextEvent", "InputRequestEvent", "RunCompletionEvent"]
    assert await response.summary == "Linus"
    assert await response.messages == [{"content": "Linus"}]
    assert await response.last_speaker == "bot"
    cost = await response.cost
    assert cost is not None and cost.usage_including_cached_inference.models["gpt-x"].cost == 0.25
    assert await response.context_variables is None


async def test_async_run_response_raises_worker_error() -> None:
    async def work() -> None:
        raise KeyError("missing")

    response = AsyncRunResponse.start(work)
    with pytest.raises(KeyError, match="missing"):
        async for _ in response.events:
            pass


async def test_async_process_prints_and_answers_from_console(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt="": "from console")

    async def work() -> dict[str, Any]:
        IOStream.get_default().print("working")
        return {"summary": await IOStream.get_default().input("? ")}

    response = AsyncRunResponse.start(work)
    await response.process()
    assert capsys.readouterr().out == "working\n"
    assert await response.summary == "from console"


async def test_async_events_sent_from_another_thread_arrive() -> None:
    async def work() -> dict[str, Any]:
        stream = IOStream.get_default()
        await asyncio.to_thread(stream.send, TextEvent(content="from thread", sender="a", recipient="b"))
        return {"summary": "done"}

    response = AsyncRunResponse.start(work)
    contents = [e.content.content async for e in response.events if isinstance(e, TextEvent)]
    assert contents == ["from thread"]


def test_console_processor_prints_non_input_events(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleEventProcessor().process_event(PrintEvent("plain", "text"))
    assert capsys.readouterr().out == "plain text\n"


def test_consuming_a_finished_run_again_yields_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    response = RunResponse.start(lambda: IOStream.get_default().print("once") or {"summary": "s"})
    response.process()
    response.process()  # must neither hang nor print again
    assert list(response.events) == []
    assert capsys.readouterr().out == "once\n"
    assert response.summary == "s"


async def test_async_run_iter_steps_without_blocking_the_loop() -> None:
    def work() -> dict[str, Any]:
        for i in range(2):
            IOStream.get_default().send(TextEvent(content=str(i), sender="a", recipient="b"))
        return {"summary": "stepped"}

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    tick_task = asyncio.create_task(ticker())
    response = AsyncRunIterResponse(work, yield_on=[TextEvent])
    seen = []
    async for event in response:
        seen.append(event.content.content)
        await asyncio.sleep(0.05)
    tick_task.cancel()
    assert seen == ["0", "1"]
    assert response.summary == "stepped"
    assert ticks >= 5  # the loop kept running while we waited for events
