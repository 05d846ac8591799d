"""Errors raised by the LLM client layer, and how a failed model call is classified.

The classification decides what ``OpenAIWrapper.create`` does next: retry the same config after a
back-off (rate limit, 5xx, timeout, dropped connection), move to the next config (other API errors),
re-raise at once (content filter), or let the exception propagate (programming or configuration
errors, which retrying cannot fix).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = [
    "Attempt",
    "FailureKind",
    "LLMCallError",
    "LLMTimeoutError",
    "MissingAPIKeyError",
    "ModelClientNotRegisteredError",
    "UnsupportedAPITypeError",
    "classify_failure",
    "classify_transport_error",
    "register_failure_classifier",
    "retry_after_seconds",
]


class MissingAPIKeyError(ValueError):
    """No API key could be found for a config entry when its first request was about to be sent."""


class UnsupportedAPITypeError(NotImplementedError):
    """The config entry's ``api_type`` has no client in this implementation."""


class ModelClientNotRegisteredError(RuntimeError):
    """A config entry names a ``model_client_cls`` that was never registered on the wrapper."""


@dataclass(frozen=True)
class Attempt:
    """One failed request: which config, which try, and what went wrong."""

    config_index: int
    model: str | None
    base_url: str | None
    attempt: int
    max_attempts: int
    error: BaseException

    def describe(self) -> str:
        """One line for an error message."""
        where = f"config {self.config_index} (model={self.model!r}, base_url={self.base_url!r})"
        return f"{where}, attempt {self.attempt}/{self.max_attempts}: {type(self.error).__name__}: {self.error}"


class LLMCallError(RuntimeError):
    """Every config in the config list failed; the message lists each attempt.

    ``attempts`` holds the :class:`Attempt` records and ``last_error`` the final exception (also
    chained as ``__cause__``).
    """

    def __init__(self, message: str, attempts: list[Attempt]) -> None:
        super().__init__(message)
        self.attempts = list(attempts)
        self.last_error: BaseException | None = attempts[-1].error if attempts else None


class LLMTimeoutError(LLMCallError, TimeoutError):
    """Every attempt on every config timed out (catchable as the builtin ``TimeoutError``)."""


def summarize_attempts(attempts: list[Attempt], n_configs: int) -> str:
    """The multi-line explanation shared by every all-configs-failed error."""
    plural = "s" if n_configs != 1 else ""
    lines = [f"The LLM call failed on all {n_configs} config{plural} ({len(attempts)} attempts):"]
    lines += [f"  - {a.describe()}" for a in attempts]
    return "\n".join(lines)


class FailureKind(enum.Enum):
    """What to do after a failed model call."""

    RETRY = "retry"  # transient: back off and try the same config again, then the next one
    TIMEOUT = "timeout"  # transient, and counts toward a TimeoutError when nothing else failed
    NEXT = "next"  # this config cannot answer this request: try the next config
    RAISE = "raise"  # re-raise immediately (content filter)
    PROPAGATE = "propagate"  # not a model failure: let it through untouched


# Provider SDKs' own exception classifiers, by the top-level package the exception comes from.
_PROVIDER_CLASSIFIERS: dict[str, Callable[[BaseException], FailureKind | None]] = {}


def register_failure_classifier(package: str, classify: Callable[[BaseException], FailureKind | None]) -> None:
    """Teach :func:`classify_failure` a provider SDK's exceptions.

    ``classify`` is called with every failure whose class lives in ``package`` (e.g. ``"anthropic"``)
    and returns a :class:`FailureKind`, or None to fall back to the generic rules. A provider client
    module registers its classifier when it is imported, which happens before its SDK can raise.
    """
    _PROVIDER_CLASSIFIERS[package] = classify


def classify_failure(exc: BaseException) -> FailureKind:
    """Classify an exception raised while calling a model."""
    if isinstance(exc, (MissingAPIKeyError, UnsupportedAPITypeError, ModelClientNotRegisteredError)):
        return FailureKind.PROPAGATE
    if _PROVIDER_CLASSIFIERS:
        provider = _PROVIDER_CLASSIFIERS.get(type(exc).__module__.partition(".")[0])
        if provider is not None:
            kind = provider(exc)
            if kind is not None:
                return kind
    if getattr(exc, "code", None) == "content_filter":
        return FailureKind.RAISE
    openai = _openai_if_loaded()
    if openai is not None and isinstance(exc, openai.OpenAIError):
        if isinstance(exc, openai.APITimeoutError):
            return FailureKind.TIMEOUT
        if isinstance(exc, openai.APIConnectionError):
            return FailureKind.RETRY
        if isinstance(exc, openai.APIResponseValidationError):
            # a 2xx body that does not parse: typically a proxy or server hiccup
            return FailureKind.RETRY
        if isinstance(exc, openai.APIStatusError):
            return _classify_status(exc.status_code, getattr(exc, "code", None))
        if isinstance(exc, openai.APIError):
            return FailureKind.NEXT
        return FailureKind.PROPAGATE
    if isinstance(exc, json.JSONDecodeError):
        # the server answered with a body that is not JSON (the SDK lets the decode error through)
        return FailureKind.RETRY
    if isinstance(exc, TimeoutError):
        return FailureKind.TIMEOUT
    if isinstance(exc, ConnectionError):
        return FailureKind.RETRY
    status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
    if isinstance(status, int) and not isinstance(status, bool):  # provider SDK errors that look like HTTP errors
        return _classify_status(status, getattr(exc, "code", None))
    return FailureKind.PROPAGATE


def _classify_status(status: int, code: Any) -> FailureKind:
    if status == 429:
        # an exhausted quota does not come back by waiting
        return FailureKind.NEXT if code == "insufficient_quota" else FailureKind.RETRY
    if status >= 500 or status in (408, 409):
        return FailureKind.RETRY
    return FailureKind.NEXT


def classify_transport_error(exc: BaseException) -> FailureKind | None:
    """An ``httpx``-style transport failure that an SDK let through unwrapped: a timeout, or a connection
    that failed or dropped (retried); None for anything else."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "TimeoutException" in names:
        return FailureKind.TIMEOUT
    if "TransportError" in names:
        return FailureKind.RETRY
    return None


# SDKs built on httpx (and Mistral's on its fork httpx2) raise its exceptions for dropped connections.
register_failure_classifier("httpx", classify_transport_error)
register_failure_classifier("httpx2", classify_transport_error)


def retry_after_seconds(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` / ``retry-after`` headers), if any."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):  # botocore's ClientError: the parsed response, headers in its metadata
        headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders")
    else:
        headers = getattr(response, "headers", None)
    if headers is None:
        headers = getattr(exc, "headers", None)  # SDKs that keep the response headers on the error (Mistral, Cohere)
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return max(0.0, float(ms) / 1000)
        value = headers.get("retry-after")
    except Exception:  # headers of an unknown type
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # HTTP-date form
        import time

        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _openai_if_loaded() -> Any:
    # The exception came from somewhere; if openai is not imported it cannot be an openai error,
    # and importing it here just to find that out would be wasted time.
    import sys

    return sys.modules.get("openai")
