"""The observer that runs the agent's realtime functions when the model calls them."""

import json
from logging import Logger
from typing import Any

from pydantic import BaseModel

from ....fast_depends.utils import asyncify
from .realtime_events import FunctionCall, RealtimeEvent
from .realtime_observer import RealtimeObserver

__all__ = ["FunctionObserver"]

FUNCTION_CALL_DONE = FunctionCall.model_fields["type"].default


class FunctionObserver(RealtimeObserver):
    """Announces the agent's tools to the session and answers each ``FunctionCall`` with the function's result."""

    def __init__(self, *, logger: Logger | None = None) -> None:
        """Create the observer (every ``RealtimeAgent`` adds one)."""
        super().__init__(logger=logger)

    async def on_event(self, event: RealtimeEvent) -> None:
        """Run the function a ``FunctionCall`` event asks for."""
        if isinstance(event, FunctionCall):
            self.logger.info("Received function call event")
            await self.call_function(call_id=event.call_id, name=event.name, kwargs=event.arguments)
        elif event.raw_message.get("type") == FUNCTION_CALL_DONE and "call_id" in event.raw_message:
            # arguments that are not a JSON object: tell the model, so it can call again
            raw = event.raw_message
            self.logger.warning(f"Function {raw.get('name')} called with arguments that are not a JSON object")
            await self.realtime_client.send_function_result(
                raw["call_id"],
                f"Error: the arguments of {raw.get('name')} must be a JSON object: {raw.get('arguments')}",
            )

    async def call_function(self, call_id: str, name: str, kwargs: dict[str, Any]) -> None:
        """Call the registered function ``name`` and send its result as a string.

        A failing function answers "Function call failed", so the model can go on; pydantic models are sent as
        JSON, other non-strings as JSON when possible. An unknown name is answered with an error naming the
        available functions.
        """
        tools = self.agent.registered_realtime_tools
        if name not in tools:
            self.logger.warning(f"Function {name} called, but is not registered with the realtime agent.")
            # answered, so the model is not left waiting for the result
            await self.realtime_client.send_function_result(
                call_id, f"Error: function {name} is not available; available functions: {', '.join(tools) or 'none'}."
            )
            return
        try:
            result: Any = await asyncify(tools[name].func)(**kwargs)
        except Exception:
            self.logger.info(f"Function call failed: {name=}, {kwargs=}", exc_info=True)
            result = "Function call failed"
        await self.realtime_client.send_function_result(call_id, _as_text(result))

    async def initialize_session(self) -> None:
        """Send the registered tools' schemas with ``tool_choice`` "auto"."""
        tools = [tool.realtime_tool_schema for tool in self.agent.registered_realtime_tools.values()]
        await self.realtime_client.session_update({"tools": tools, "tool_choice": "auto"})

    async def run_loop(self) -> None:
        """Nothing runs beside the event stream."""


def _as_text(result: Any) -> str:
    if isinstance(result, BaseModel):
        return result.model_dump_json()
    if isinstance(result, str):
        return result
    try:
        return json.dumps(result)
    except (TypeError, ValueError):
        return str(result)
