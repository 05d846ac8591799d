"""Retry policies for calls to remote agents.

A policy is a factory of context managers, one per call; the caller runs the attempt inside it in a loop
and stops once the block ends without an error::

    manager = policy()
    while True:
        with manager:
            reply = send(request)
            break

The manager swallows a failure (after waiting) while retries remain and lets the last one propagate.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import Protocol

__all__ = ["NoRetryPolicy", "RetryPolicy", "RetryPolicyManager", "SleepRetryPolicy"]


class RetryPolicyManager(Protocol):
    """Context manager around one attempt; returning True from ``__exit__`` means "retry"."""

    def __enter__(self) -> None: ...

    async def __aenter__(self) -> None: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None: ...


class RetryPolicy(Protocol):
    """Builds a fresh :class:`RetryPolicyManager` for each call."""

    def __call__(self) -> RetryPolicyManager: ...


class _SleepRetryPolicy:
    """Counts failed attempts; waits ``retry_interval`` after each and suppresses all but the last."""

    def __init__(self, retry_interval: float = 10.0, retry_count: int = 3) -> None:
        self.retry_interval = retry_interval
        self.retry_count = retry_count
        self.errors_count = 0

    def _failed(self) -> bool:
        self.errors_count += 1
        return self.errors_count < self.retry_count

    def __enter__(self) -> None:
        return None

    async def __aenter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:
        if exc_type is None:
            return None
        retry = self._failed()
        time.sleep(self.retry_interval)
        return retry

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:
        if exc_type is None:
            return None
        retry = self._failed()
        await asyncio.sleep(self.retry_interval)
        return retry


class SleepRetryPolicy:
    """Up to ``retry_count`` attempts in all, ``retry_interval`` seconds apart."""

    def __init__(self, retry_interval: float = 10.0, retry_count: int = 3) -> None:
        self.retry_interval = retry_interval
        self.retry_count = retry_count

    def __call__(self) -> RetryPolicyManager:
        return _SleepRetryPolicy(self.retry_interval, self.retry_count)


class NoRetryPolicy:
    """A manager that never retries: every error propagates from the first attempt."""

    def __enter__(self) -> None:
        return None

    async def __aenter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:
        return None

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc_value: BaseException | None, traceback: TracebackType | None
    ) -> bool | None:
        return None
