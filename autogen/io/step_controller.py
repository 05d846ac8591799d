"""Step-by-step execution for ``run_iter``: the worker pauses after each chosen event until the consumer advances."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["AsyncStepController", "StepController"]


class _Filter:
    """Which events pause the producer: those of the ``yield_on`` types (every event when None)."""

    def __init__(self, yield_on: Sequence[type] | None) -> None:
        self._yield_on: tuple[type, ...] | None = tuple(yield_on) if yield_on else None
        self._terminated = False

    def should_block(self, event: Any) -> bool:
        """True if the producer pauses after ``event`` (never once terminated)."""
        if self._terminated:
            return False
        return self._yield_on is None or isinstance(event, self._yield_on)


class StepController(_Filter):
    """Pause the producer (worker thread) after each event of the chosen types.

    The producer calls ``before_send(event)`` before queueing an event and, when it returned True,
    ``wait()`` after queueing it; arming the pause before the event is visible means a ``step()``
    for it is never lost. ``wait_for_step(event)`` (ag2's form, called after queueing) arms the
    pause itself when ``before_send`` was not used. The consumer calls ``step()`` to let the
    producer continue and ``terminate()`` to stop pausing altogether (e.g. when it stops iterating).
    """

    def __init__(self, yield_on: Sequence[type] | None = None) -> None:
        super().__init__(yield_on)
        self._advance = threading.Event()
        self._armed = False

    def before_send(self, event: Any) -> bool:
        """Arm the pause for ``event`` before it becomes visible to the consumer."""
        if not self.should_block(event):
            return False
        self._advance.clear()
        self._armed = True
        return True

    def wait(self) -> None:
        """Block the producer until the consumer steps (or terminates)."""
        self._armed = False
        if not self._terminated:
            self._advance.wait()

    def wait_for_step(self, event: Any) -> None:
        """Block the producer after it queued ``event``, if ``event`` is one to pause on."""
        if not self.should_block(event):
            self._armed = False
            return
        if not self._armed:
            self._advance.clear()
        self.wait()

    def step(self) -> None:
        """Let the producer continue past the event it paused on."""
        self._advance.set()

    def terminate(self) -> None:
        """Stop pausing for good and release a paused producer."""
        self._terminated = True
        self._advance.set()


class AsyncStepController(_Filter):
    """``StepController`` for a producer running as an asyncio task on the consumer's loop."""

    def __init__(self, yield_on: Sequence[type] | None = None) -> None:
        super().__init__(yield_on)
        self._advance = asyncio.Event()

    async def wait_for_step(self, event: Any) -> None:
        """Wait (after queueing ``event``) until the consumer steps, if ``event`` is one to pause on."""
        if not self.should_block(event):
            return
        self._advance.clear()
        await self._advance.wait()

    def step(self) -> None:
        """Let the producer continue past the event it paused on."""
        self._advance.set()

    def terminate(self) -> None:
        """Stop pausing for good and release a paused producer."""
        self._terminated = True
        self._advance.set()
