"""Runtime loggers: destinations for ``autogen.runtime_logging`` (SQLite database or JSON-lines file)."""

from .base_logger import BaseLogger
from .file_logger import FileLogger
from .logger_factory import LoggerFactory
from .sqlite_logger import SqliteLogger

__all__ = ["BaseLogger", "FileLogger", "LoggerFactory", "SqliteLogger"]
