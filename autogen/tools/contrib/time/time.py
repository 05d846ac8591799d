"""TimeTool: the computer's current date and time, formatted with ``strftime``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ...tool import Tool

__all__ = ["TimeTool"]


class TimeTool(Tool):
    """Tell the current date and time of this computer (a reference for writing tools)."""

    def __init__(self, *, date_time_format: str = "%Y-%m-%d %H:%M:%S") -> None:
        """Create the tool.

        Args:
            date_time_format: the default ``strftime`` format, which the model may override per call.
        """
        self._date_time_format = date_time_format

        async def get_date_and_time(
            date_time_format: Annotated[str, "date/time Python format"] = date_time_format,
        ) -> str:
            return datetime.now().strftime(date_time_format)

        super().__init__(
            name="date_time",
            description="Get the current computer's date and time.",
            func_or_tool=get_date_and_time,
        )
