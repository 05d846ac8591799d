"""`LoggerFactory`: builds the runtime logger named by ``runtime_logging.start(logger_type=...)``."""

from __future__ import annotations

from typing import Any, Literal

from .base_logger import BaseLogger

__all__ = ["LoggerFactory"]

LOGGER_TYPES = ("sqlite", "file")


class LoggerFactory:
    """Maps a logger type name to a logger instance."""

    @staticmethod
    def get_logger(
        logger_type: Literal["sqlite", "file"] = "sqlite", config: dict[str, Any] | None = None
    ) -> BaseLogger:
        """A new ``SqliteLogger`` (``"sqlite"``) or ``FileLogger`` (``"file"``) with ``config``."""
        if config is None:
            config = {}
        if logger_type == "sqlite":
            from .sqlite_logger import SqliteLogger

            return SqliteLogger(config)
        if logger_type == "file":
            from .file_logger import FileLogger

            return FileLogger(config)
        raise ValueError(
            f"[logger_factory] Unknown logger type {logger_type!r}; use one of {', '.join(map(repr, LOGGER_TYPES))} "
            "or pass your own BaseLogger instance as logger=."
        )
