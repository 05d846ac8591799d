"""An observer that logs the user's audio as it is sent."""

from logging import Logger

from .realtime_events import InputAudioBufferDelta, RealtimeEvent
from .realtime_observer import RealtimeObserver

__all__ = ["AudioObserver"]


class AudioObserver(RealtimeObserver):
    """Logs each chunk of the user's voice input."""

    def __init__(self, *, logger: Logger | None = None) -> None:
        """Create the observer."""
        super().__init__(logger=logger)

    async def on_event(self, event: RealtimeEvent) -> None:
        """Log ``InputAudioBufferDelta`` events."""
        if isinstance(event, InputAudioBufferDelta):
            self.logger.info("Received audio buffer delta")

    async def initialize_session(self) -> None:
        """No session settings needed."""

    async def run_loop(self) -> None:
        """Nothing runs beside the event stream."""
