"""The protocol every cache backend implements."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["AbstractCache"]


@runtime_checkable
class AbstractCache(Protocol):
    """A key-value store for model responses.

    Rules for implementations:
    - Thread-safe: ``get``/``set`` may be called from several threads at once.
    - Never corrupts: a crash or a concurrent writer (thread or process) can lose a write,
      but never leave the store unreadable. Values are written whole or not at all.
    - A value that cannot be read back (damaged, from an incompatible version) is a miss,
      reported with a warning, never an exception.
    - Keys are strings; values are arbitrary picklable objects.
    - ``close`` releases resources and may be called more than once.
    """

    def get(self, key: str, default: Any | None = None) -> Any | None:
        """Return the value stored under ``key``, or ``default`` when there is none."""
        ...

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``, replacing any previous value."""
        ...

    def close(self) -> None:
        """Release the resources held by the cache (connections, files)."""
        ...

    def __enter__(self) -> Self:
        """Enter a ``with`` block; returns the cache itself."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Leave a ``with`` block and close the cache."""
        ...


class CloseOnExitMixin:
    """The ``with`` block of a cache backend: entering returns the cache, leaving calls ``close()``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
