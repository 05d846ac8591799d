"""The effect interceptor of a durable chat: each model call, tool call, code execution, speaker
choice and human input becomes a DBOS step (or a durable ``recv``), recorded on its first run and
returned from the record on a replay.

The chat itself is replayed from the start after a crash: every routine of the library is a flow
whose effects go through one driver (``autogen._effects``), so code between steps — appending to
histories, counting usage and cost, picking the next speaker from a reply — runs again on the
recorded results and rebuilds the agents' state. What a step's user code changed in memory is
saved with it: the `ContextVariables` created in the chat (tools of a pattern write there).
"""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Awaitable, Callable
from typing import Any

from dbos import DBOS
from dbos._error import DBOSUnexpectedStepError

from .._effects import (
    Call,
    CallModel,
    Parallel,
    Sleep,
    intercept_effects,
    run_async,
    run_coroutine_sync,
    run_effect_async,
    run_sync,
)
from ..io.base import IOStream
from . import _fresh
from ._codec import (
    StepNotSavableError,
    StepRecord,
    decode_agents,
    dump_record,
    encode_agents,
    load_record,
    pack_exception,
    unpack_exception,
)

__all__ = ["INPUT_TOPIC", "PROMPT_EVENT", "DurableSteps", "NonDeterministicChatError"]

#: The DBOS message topic human input is sent on (see `autogen.durable.send_input`).
INPUT_TOPIC = "autogen.human_input"
#: The DBOS event holding the prompt of the input a chat waits for (None when it waits for none).
PROMPT_EVENT = "autogen.input_prompt"
# How long one durable recv waits before waiting again (each wait is recorded; a restart resumes it).
_INPUT_WAIT_SECONDS = 24 * 3600.0


class NonDeterministicChatError(RuntimeError):
    """A durable chat took a different path on replay than when it was recorded."""


class _Diverged(BaseException):
    """Raised inside the chat when a replay diverges: a BaseException so that no ``except Exception``
    of user code (a tool's error handling) turns it into chat content; the workflow wrapper turns it
    into `NonDeterministicChatError`."""


def _fn_name(fn: Any) -> str:
    fn = getattr(fn, "__func__", fn)
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__


def step_name(effect: Any, asynchronous: bool) -> str:
    """The recorded identity of a step: the effect's kind and the function it runs."""
    if type(effect) is CallModel:
        return f"llm:{type(effect.client).__name__}"
    fn = (effect.async_fn or effect.sync_fn) if asynchronous else effect.sync_fn
    return f"{effect.kind}:{_fn_name(fn if fn is not None else effect.async_fn)}"


def _stock_input_functions() -> set[Any]:
    from ..agentchat.conversable.termination import TerminationAndHumanInput
    from ..agentchat.groupchat.selection import SpeakerSelection

    return {
        TerminationAndHumanInput.get_human_input,
        TerminationAndHumanInput.a_get_human_input,
        SpeakerSelection.manual_select_speaker,
    }


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class DurableSteps:
    """An `autogen._effects.EffectInterceptor` recording the effects of one durable chat execution."""

    def __init__(self) -> None:
        self._tracked: list[Any] = []  # ContextVariables created in this chat, in creation order
        self._stock_inputs = _stock_input_functions()
        # A step of this execution ran afresh, so no later one has a record: they skip DBOS's read (see _fresh).
        self._ran_afresh = False

    # ---- the interceptor protocol

    def track(self, state: Any) -> None:
        self._tracked.append(state)

    def claims(self, effect: Any) -> bool:
        cls = type(effect)
        if cls is Call:
            return effect.kind is not None
        return cls is CallModel or cls is Sleep or cls is Parallel

    def run_sync(self, effect: Any, run: Callable[[Any], Any]) -> Any:
        cls = type(effect)
        if cls is Parallel:  # one after another, as the sync driver does
            return [run_sync(sub) for sub in effect.flows]
        if _loop_running():  # sync user code inside an async chat: DBOS's sync calls refuse a running loop
            return run_coroutine_sync(self.run_async(effect, run_effect_async))
        if cls is Sleep:  # a back-off pause: its end is recorded, a replay does not wait again
            DBOS.sleep(max(0.0, effect.seconds))
            return None
        if cls is Call and effect.kind == "input" and self._asks_human(effect.sync_fn):
            with IOStream.set_default(DurableInput(IOStream.get_default())):
                return run(effect)
        name = step_name(effect, asynchronous=False)

        def body() -> bytes:
            self._ran_afresh = True
            with intercept_effects(None):  # what the step runs inside is part of the step
                before = self._snapshot(cls)
                try:
                    record = StepRecord(name, True, self._encode(effect, run(effect)))
                except Exception as exc:  # noqa: BLE001 - recorded, and raised into the chat on every run
                    record = StepRecord(name, False, pack_exception(exc))
                return self._finish(record, before)

        if self._ran_afresh and _fresh.AVAILABLE and _fresh.in_workflow():
            return self._apply(name, effect, _fresh.run_fresh(name, body))
        try:
            data = DBOS.run_step({"name": name}, body)
        except DBOSUnexpectedStepError as e:
            raise _Diverged(_divergence_message(e)) from e
        return self._apply(name, effect, data)

    async def run_async(self, effect: Any, run: Callable[[Any], Awaitable[Any]]) -> Any:
        cls = type(effect)
        if cls is Parallel:  # one after another: the order of steps must not depend on timing
            return [await run_async(sub) for sub in effect.flows]
        if cls is Sleep:
            await DBOS.sleep_async(max(0.0, effect.seconds))
            return None
        fn = (effect.async_fn or effect.sync_fn) if cls is Call else None
        if cls is Call and effect.kind == "input" and self._asks_human(fn):
            with IOStream.set_default(AsyncDurableInput(IOStream.get_default())):
                return await run(effect)
        name = step_name(effect, asynchronous=True)

        async def body() -> bytes:
            self._ran_afresh = True
            with intercept_effects(None):
                before = self._snapshot(cls)
                try:
                    record = StepRecord(name, True, self._encode(effect, await run(effect)))
                except Exception as exc:  # noqa: BLE001 - recorded, and raised into the chat on every run
                    record = StepRecord(name, False, pack_exception(exc))
                return self._finish(record, before)

        if self._ran_afresh and _fresh.AVAILABLE and _fresh.in_workflow():
            return self._apply(name, effect, await _fresh.run_fresh_async(name, body))
        try:
            data = await DBOS.run_step_async({"name": name}, body)
        except DBOSUnexpectedStepError as e:
            raise _Diverged(_divergence_message(e)) from e
        return self._apply(name, effect, data)

    # ---- records

    def _asks_human(self, fn: Any) -> bool:
        """The library's own input methods read the IO stream: a durable recv answers them. A user's
        override is user code, recorded as a step."""
        return getattr(fn, "__func__", fn) in self._stock_inputs

    @staticmethod
    def _encode(effect: Any, value: Any) -> Any:
        return encode_agents(value) if type(effect) is Call and effect.kind == "select" else value

    def _snapshot(self, cls: type) -> list[bytes] | None:
        """The pickled data of every tracked ContextVariables before a step of user code (a model call
        changes none)."""
        if cls is not Call or not self._tracked:
            return None
        return [_dump_state(state) for state in self._tracked]

    def _finish(self, record: StepRecord, before: list[bytes] | None) -> bytes:
        """The record as bytes; one that cannot be saved becomes a recorded `StepNotSavableError`."""
        if before:
            changed = []
            for index, old in enumerate(before):
                state = self._tracked[index]
                if _dump_state(state) != old:
                    changed.append((index, dict(state.data)))
            if changed:
                record = StepRecord(record.name, record.ok, record.value, tuple(changed))
        try:
            return dump_record(record)
        except StepNotSavableError as e:
            return dump_record(StepRecord(record.name, False, pack_exception(e)))

    def _apply(self, name: str, effect: Any, data: bytes) -> Any:
        """The step's result from its record (fresh or replayed), with its state changes applied."""
        record = load_record(data)
        if record.name != name:  # DBOS checks the step's name too; this guards a record of ours
            raise _Diverged(f"The durable chat replayed step {name!r} where {record.name!r} was recorded.")
        for index, values in record.state:
            if index >= len(self._tracked):
                raise _Diverged(
                    f"Step {name!r} recorded a change to ContextVariables #{index}, but the replay created only "
                    f"{len(self._tracked)}: create the chat's agents and context inside the durable chat function."
                )
            target = self._tracked[index].data
            target.clear()
            target.update(values)
        if not record.ok:
            raise unpack_exception(record.value)
        if type(effect) is Call and effect.kind == "select":
            fn = effect.sync_fn or effect.async_fn
            return decode_agents(record.value, (getattr(fn, "__self__", None), *effect.args, *effect.kwargs.values()))
        return record.value


def _dump_state(state: Any) -> bytes:
    try:
        return pickle.dumps(state.data, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not picklable: compared by identity of its values, saved (and refused) later
        return repr(sorted(map(id, state.data.values()))).encode()


def _divergence_message(e: DBOSUnexpectedStepError) -> str:
    workflow_id, step_id, expected, recorded = e.inputs
    return (
        f"Durable chat {workflow_id!r} took a different path on replay: its step #{step_id} is now {expected!r}, "
        f"but {recorded!r} was recorded there. Code between steps must do the same on every run: make random "
        "choices, clock reads and outside reads inside tools, or start a new chat."
    )


# ---------------------------------------------------------------------------------------- human input


def _ask(prompt: str) -> str:
    DBOS.set_event(PROMPT_EVENT, prompt)
    reply = None
    while reply is None:
        reply = DBOS.recv(INPUT_TOPIC, timeout_seconds=_INPUT_WAIT_SECONDS)
    DBOS.set_event(PROMPT_EVENT, None)
    return str(reply)


async def _ask_async(prompt: str) -> str:
    await DBOS.set_event_async(PROMPT_EVENT, prompt)
    reply = None
    while reply is None:
        reply = await DBOS.recv_async(INPUT_TOPIC, timeout_seconds=_INPUT_WAIT_SECONDS)
    await DBOS.set_event_async(PROMPT_EVENT, None)
    return str(reply)


class DurableInput:
    """The IO stream a durable chat's human input goes through: output goes to ``inner``; input
    waits (durably, across restarts) for `autogen.durable.send_input`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def print(self, *objects: Any, sep: str = " ", end: str = "\n", flush: bool = False) -> None:
        self._inner.print(*objects, sep=sep, end=end, flush=flush)

    def send(self, event: Any) -> None:
        self._inner.send(event)

    def input(self, prompt: str = "", *, password: bool = False) -> str:
        if _loop_running():
            return run_coroutine_sync(_ask_async(prompt))
        return _ask(prompt)


class AsyncDurableInput(DurableInput):
    """`DurableInput` for async chats (``input`` is awaited)."""

    async def input(self, prompt: str = "", *, password: bool = False) -> str:  # type: ignore[override]
        return await _ask_async(prompt)
