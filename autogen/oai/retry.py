"""Retry policy for transient model-call failures (exponential back-off, honouring retry-after).

The openai SDK's own retries are switched off (``max_retries=0`` on the SDK client) so that every
attempt is ours: visible in error messages, bounded, and the same for sync and async calls.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import retry_after_seconds

__all__ = ["RETRY_OPTION_KEYS", "RetryPolicy"]

# config keys read by the policy (never sent to the model API)
RETRY_OPTION_KEYS = frozenset({"max_retries", "retry_base_delay", "retry_max_delay"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before retrying the same config.

    ``max_retries`` retries follow the first attempt. The n-th retry waits
    ``min(retry_max_delay, retry_base_delay * 2**(n-1))`` seconds (with +-20% jitter so concurrent
    callers do not retry in lock-step), or what the server's ``retry-after`` header asks for, up to
    ``max_retry_after`` seconds.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetryPolicy:
        """Read ``max_retries``, ``retry_base_delay`` and ``retry_max_delay`` from a config entry."""
        kwargs: dict[str, Any] = {}
        if config.get("max_retries") is not None:
            kwargs["max_retries"] = int(config["max_retries"])
        if config.get("retry_base_delay") is not None:
            kwargs["base_delay"] = float(config["retry_base_delay"])
        if config.get("retry_max_delay") is not None:
            kwargs["max_delay"] = float(config["retry_max_delay"])
        policy = cls(**kwargs)
        if policy.max_retries < 0 or policy.base_delay < 0 or policy.max_delay < 0:
            raise ValueError(
                "max_retries, retry_base_delay and retry_max_delay must be >= 0; "
                f"got {policy.max_retries}, {policy.base_delay}, {policy.max_delay}"
            )
        return policy

    @property
    def max_attempts(self) -> int:
        """Attempts per config, the first one included."""
        return self.max_retries + 1

    def delay(self, retry_number: int, error: BaseException | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based) after ``error``."""
        asked = retry_after_seconds(error) if error is not None else None
        if asked is not None:
            return min(asked, self.max_retry_after)
        backoff = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        return backoff * random.uniform(0.8, 1.2)
