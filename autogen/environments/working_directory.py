"""WorkingDirectory: a context manager that enters a directory and makes it the current one for tools."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from contextvars import ContextVar, Token

__all__ = ["WorkingDirectory"]


class WorkingDirectory:
    """Change into ``path`` (created if needed) for the duration of a ``with`` block."""

    _current_working_directory: ContextVar[WorkingDirectory] = ContextVar("_current_working_directory")

    def __init__(self, path: str) -> None:
        self.path = path
        self.original_path: str | None = None
        self.created_tmp = False
        self._token: Token[WorkingDirectory] | None = None

    def __enter__(self) -> WorkingDirectory:  # noqa: PYI034 - typing.Self needs 3.11
        self.original_path = os.getcwd()
        if self.path:
            os.makedirs(self.path, exist_ok=True)
            os.chdir(self.path)
        self._token = WorkingDirectory._current_working_directory.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            WorkingDirectory._current_working_directory.reset(self._token)
            self._token = None
        if self.original_path:
            os.chdir(self.original_path)
        if self.created_tmp and self.path and os.path.exists(self.path):
            with contextlib.suppress(OSError):
                shutil.rmtree(self.path)

    @classmethod
    def create_tmp(cls) -> WorkingDirectory:
        """A working directory in a new temporary folder, removed when the block ends."""
        instance = cls(tempfile.mkdtemp(prefix="ag2_work_dir_"))
        instance.created_tmp = True
        return instance

    @classmethod
    def get_current_working_directory(
        cls, working_directory: WorkingDirectory | None = None
    ) -> WorkingDirectory | None:
        """``working_directory`` if given, else the one whose block is active, else None."""
        if working_directory is not None:
            return working_directory
        return cls._current_working_directory.get(None)
