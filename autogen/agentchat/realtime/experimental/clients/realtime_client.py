"""What a realtime client offers (``RealtimeClientProtocol``), a base with the event queue, and the registry
that picks a client for an ``llm_config`` (``get_client``)."""

import asyncio
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from logging import Logger
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from ..realtime_events import InputAudioBufferDelta, RealtimeEvent

__all__ = ["RealtimeClientProtocol", "Role", "get_client", "register_realtime_client"]

Role = Literal["user", "assistant", "system"]


@runtime_checkable
class RealtimeClientProtocol(Protocol):
    """A connection to a speech-to-speech API that a ``RealtimeAgent`` drives."""

    async def send_function_result(self, call_id: str, result: str) -> None:
        """Answer the function call ``call_id`` with ``result`` and let the model go on."""
        ...

    async def send_text(self, *, role: Role, text: str) -> None:
        """Add a text message from ``role`` to the conversation and ask for a response."""
        ...

    async def send_audio(self, audio: str) -> None:
        """Append a base64 chunk of the user's audio."""
        ...

    async def truncate_audio(self, audio_end_ms: int, content_index: int, item_id: str) -> None:
        """Cut the model's audio item ``item_id`` at ``audio_end_ms`` (the user interrupted it)."""
        ...

    async def session_update(self, session_options: dict[str, Any]) -> None:
        """Change session settings (instructions, tools, voice, audio formats, ...)."""
        ...

    def connect(self) -> AbstractAsyncContextManager[None]:
        """Open the connection for the duration of the ``async with`` block."""
        ...

    def read_events(self) -> AsyncGenerator[RealtimeEvent, None]:
        """The events of the session, until the connection closes."""
        ...

    async def _read_from_connection(self) -> AsyncGenerator[RealtimeEvent, None]:
        """The events parsed from the connection only."""
        ...

    def _parse_message(self, message: dict[str, Any]) -> list[RealtimeEvent]:
        """The events one provider message stands for."""
        ...

    @classmethod
    def get_factory(
        cls, llm_config: Any, logger: Logger, **kwargs: Any
    ) -> Callable[[], "RealtimeClientProtocol"] | None:
        """A constructor for this client if it serves ``llm_config`` (and ``kwargs``), else None."""
        ...


class RealtimeClientBase:
    """Merges the connection's events with locally queued ones (the user's audio) into one stream."""

    def __init__(self) -> None:
        self._eventQueue: asyncio.Queue[RealtimeEvent | None] = asyncio.Queue()

    async def add_event(self, event: RealtimeEvent | None) -> None:
        """Queue an event for ``read_events`` (None ends the stream)."""
        await self._eventQueue.put(event)

    async def get_event(self) -> RealtimeEvent | None:
        """The next queued event."""
        return await self._eventQueue.get()

    async def _read_from_connection(self) -> AsyncGenerator[RealtimeEvent, None]:  # pragma: no cover - abstract
        raise NotImplementedError
        yield

    async def _read_from_connection_task(self) -> None:
        """Copy the connection's events into the queue, then end the stream."""
        try:
            async for event in self._read_from_connection():
                await self.add_event(event)
        finally:
            self._eventQueue.put_nowait(None)

    async def _read_events(self) -> AsyncGenerator[RealtimeEvent, None]:
        """Yield queued events while a task feeds the queue from the connection."""
        pump = asyncio.ensure_future(self._read_from_connection_task())
        try:
            while (event := await self._eventQueue.get()) is not None:
                yield event
            await pump  # re-raises what broke the connection, if anything did
        finally:
            if not pump.done():
                pump.cancel()

    async def queue_input_audio_buffer_delta(self, audio: str) -> None:
        """Report the user's audio chunk to observers as an ``InputAudioBufferDelta``."""
        await self.add_event(InputAudioBufferDelta(delta=audio, item_id=None, raw_message={}))


def config_entry(llm_config: Any) -> Mapping[str, Any]:
    """The first entry of ``llm_config``'s config list (a dict or an ``LLMConfig`` entry)."""
    return llm_config["config_list"][0]


def secret(value: Any) -> Any:
    """The plain value of a pydantic secret (other values unchanged)."""
    return value.get_secret_value() if hasattr(value, "get_secret_value") else value


_realtime_client_classes: dict[str, type[RealtimeClientProtocol]] = {}

T = TypeVar("T", bound=RealtimeClientProtocol)


def register_realtime_client() -> Callable[[type[T]], type[T]]:
    """Class decorator that makes ``get_client`` consider the client (in registration order)."""

    def decorator(client_cls: type[T]) -> type[T]:
        _realtime_client_classes[f"{client_cls.__module__}.{client_cls.__name__}"] = client_cls
        return client_cls

    return decorator


def get_client(llm_config: Any, logger: Logger, **kwargs: Any) -> RealtimeClientProtocol:
    """The first registered client whose ``get_factory`` accepts ``llm_config`` and ``kwargs``.

    ``api_type`` "openai" (the default) gives ``OpenAIRealtimeClient``, or ``OpenAIRealtimeWebRTCClient`` when a
    ``websocket=`` is passed; "google" gives ``GeminiRealtimeClient``.
    """
    from . import gemini, oai  # noqa: F401  (registers the built-in clients)

    for client_cls in _realtime_client_classes.values():
        factory = client_cls.get_factory(llm_config=llm_config, logger=logger, **kwargs)
        if factory:
            return factory()
    raise ValueError("Realtime API client not found.")
