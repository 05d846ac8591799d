"""Step-by-step execution for ``run_iter``: the worker pauses after each chosen event until the consumer advances."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["StepController"]


class StepController:
    """Pause the producer (worker thread) after each event of the chosen types.

    The producer calls ``before_send(event)`` before queueing an event and, when it returned True,
    ``wait()`` after queueing it. The consumer calls ``step()`` to let the producer continue and
    ``terminate()`` to stop pausing altogether (e.g. when it stops iterating).
    """

    def __init__(self, yield_on: Sequence[type] | None = None) -> None:
        self._yield_on: tuple[type, ...] | None = tuple(yield_on) if yield_on else None
        self._advance = threading.Event()
        self._terminated = False

    def should_block(self, event: Any) -> bool:
        """True if the producer pauses after ``event`` (every event when no types were chosen)."""
        if self._terminated:
            return False
        return self._yield_on is None or isinstance(event, self._yield_on)

    def before_send(self, event: Any) -> bool:
        """Arm the pause for ``event`` before it becomes visible to the consumer."""
        if not self.should_block(event):
            return False
        # Cleared before the event is queued, so the consumer's step() for it can never be lost.
        self._advance.clear()
        return True

    def wait(self) -> None:
        """Block the producer until the consumer steps (or terminates)."""
        if not self._terminated:
            self._advance.wait()

    def step(self) -> None:
        """Let the producer continue past the event it paused on."""
        self._advance.set()

    def terminate(self) -> None:
        """Stop pausing for good and release a paused producer."""
        self._terminated = True
        self._advance.set()
