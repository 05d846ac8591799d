"""Console processors: print each event of a run and answer input requests from the terminal."""

from __future__ import annotations

import asyncio
import getpass
from typing import Any

from .base import AsyncEventSource, EventSource

__all__ = ["AsyncConsoleEventProcessor", "ConsoleEventProcessor"]


def _read_answer(prompt: str, password: bool) -> str:
    if password:
        return getpass.getpass(prompt if prompt != "" else "Password: ")
    return input(prompt)


class ConsoleEventProcessor:
    """Print every event of a run to stdout; ask the terminal when the run needs input."""

    def process(self, response: EventSource) -> None:
        """Consume ``response.events`` to the end (errors of the run are raised)."""
        for event in response.events:
            self.process_event(event)

    def process_event(self, event: Any) -> None:
        """Answer an ``InputRequestEvent`` from the terminal, print anything else."""
        from ...events.agent_events import InputRequestEvent

        if isinstance(event, InputRequestEvent):
            answer = _read_answer(event.content.prompt, event.content.password)  # type: ignore[attr-defined]
            event.content.respond(answer)  # type: ignore[attr-defined]
        else:
            event.print()


class AsyncConsoleEventProcessor:
    """Async twin of ``ConsoleEventProcessor``; terminal reads run in a thread."""

    async def process(self, response: AsyncEventSource) -> None:
        """Consume ``response.events`` to the end (errors of the run are raised)."""
        async for event in response.events:
            await self.process_event(event)

    async def process_event(self, event: Any) -> None:
        """Answer an ``InputRequestEvent`` from the terminal, print anything else."""
        from ...events.agent_events import InputRequestEvent

        if isinstance(event, InputRequestEvent):
            answer = await asyncio.to_thread(_read_answer, event.content.prompt, event.content.password)  # type: ignore[attr-defined]
            result = event.content.respond(answer)  # type: ignore[attr-defined]
            if hasattr(result, "__await__"):
                await result
        else:
            event.print()
