"""Turning arbitrary objects into JSON text for the runtime logs, with secrets redacted.

Logged values come from user code (init args, requests, model responses, tool results), so the
conversion never raises: anything it cannot represent is logged as its ``str()``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import inspect
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

__all__ = [
    "REDACTED",
    "EventStreamHandler",
    "SecretScrubber",
    "constructor_args",
    "event_print",
    "function_name",
    "get_current_ts",
    "get_event_logger",
    "is_secret_key",
    "redact",
    "source_name",
    "to_dict",
    "to_json",
    "to_jsonable",
    "without_secrets",
]

REDACTED = "***REDACTED***"
# Values this short are too likely to occur in ordinary text to be scrubbed out of every string.
_MIN_SCRUB_LENGTH = 16
_MAX_DEPTH = 32
_SECRET_WORDS = ("secret", "password", "passwd", "authorization", "credential", "bearer")
# Key names that hold a credential without saying so by a secret word (ag2 hides these too).
_SECRET_NAMES = frozenset({"azure_ad_token_provider", "azure_endpoint"})
# Name endings of credentials: `api_key`, `openai_api_key`, `aws_access_key`, `access_token`, ...
# (a plain `key` or `cache_key` names a lookup key, not a secret)
_SECRET_SUFFIXES = ("api_key", "apikey", "api-key", "access_key", "private_key", "secret_key", "session_key", "token")


def get_current_ts() -> str:
    """The current UTC time as ``YYYY-MM-DD HH:MM:SS.ffffff`` (sortable text, as stored in the logs)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def is_secret_key(key: Any) -> bool:
    """Whether a mapping key names a secret (``api_key``, ``azure_ad_token``, ``Authorization``, ...)."""
    if not isinstance(key, str):
        return False
    k = key.lower()
    return k in _SECRET_NAMES or k.endswith(_SECRET_SUFFIXES) or any(word in k for word in _SECRET_WORDS)


def without_secrets(value: Any) -> Any:
    """A copy of ``value`` (dicts/lists nested) with every secret-named key left out entirely."""
    if isinstance(value, Mapping):
        return {k: without_secrets(v) for k, v in value.items() if not is_secret_key(k)}
    if isinstance(value, (list, tuple)):
        return [without_secrets(v) for v in value]
    return value


# ag2's exact list of sensitive key names for `redact` (compared case-insensitively).
SENSITIVE_KEYS = frozenset(
    {
        "api_key", "api-key", "apikey", "api_token", "access_token", "refresh_token", "auth_token",
        "azure_ad_token", "azure_ad_token_provider", "azure_endpoint", "password", "secret", "credential",
        "authorization", "bearer",
    }
)  # fmt: skip


def redact(value: Any, _depth: int = 0, max_depth: int = 10) -> Any:
    """A copy of ``value`` with the values of keys named in `SENSITIVE_KEYS` replaced by ``REDACTED``.

    Dicts are copied, lists and tuples keep their type; anything else is returned as is. Below
    ``max_depth`` levels of nesting values are returned unchanged (a guard against deep data).
    """
    if _depth >= max_depth:
        return value
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and k.lower() in SENSITIVE_KEYS else redact(v, _depth + 1, max_depth)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v, _depth + 1, max_depth) for v in value]
    if isinstance(value, tuple):
        return tuple(redact(v, _depth + 1, max_depth) for v in value)
    return value


def source_name(source: Any) -> str | None:
    """The name stored for an event source: a str as is, otherwise its ``name`` attribute."""
    if source is None or isinstance(source, str):
        return source
    name = getattr(source, "name", None)
    return name if isinstance(name, str) else str(source)


def function_name(function: Any) -> str:
    """The name stored for a logged function: a str as is, otherwise its ``__name__``."""
    if isinstance(function, str):
        return function
    return getattr(function, "__name__", None) or str(function)


def constructor_args(obj: Any, local_vars: Mapping[str, Any]) -> dict[str, Any]:
    """Only the constructor parameters out of ``locals()`` taken inside an ``__init__``.

    Any ``__init__`` in the class's MRO counts, so a base-class constructor's locals work for
    subclasses; helper variables and ``self`` are dropped.
    """
    if local_vars.get("self") is not obj:  # an explicit dict of arguments, not locals()
        return {k: v for k, v in local_vars.items() if k not in ("self", "__class__")}
    names: set[str] = set()
    for cls in type(obj).__mro__:
        init = cls.__dict__.get("__init__")
        code = getattr(init, "__code__", None)
        if code is not None:
            count = code.co_argcount + code.co_kwonlyargcount
            names.update(code.co_varnames[1:count])
    return {k: v for k, v in local_vars.items() if k in names}


class SecretScrubber:
    """Remembers the secret values redacted so far and removes them from any later logged text.

    Key-based redaction catches ``{"api_key": ...}``; the scrubber also catches the same key showing
    up elsewhere (a header value, an error message, a URL).
    """

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def remember(self, value: Any) -> None:
        """Note a secret value (only strings long enough to be unambiguous are remembered)."""
        if isinstance(value, str) and len(value) >= _MIN_SCRUB_LENGTH:
            self._secrets.add(value)

    def scrub(self, text: str) -> str:
        """``text`` with every remembered secret replaced by the redaction marker."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


def _looks_like_agent(obj: Any) -> bool:
    return hasattr(obj, "generate_reply") and isinstance(getattr(obj, "name", None), str)


def to_jsonable(obj: Any, scrubber: SecretScrubber | None = None, _depth: int = 0) -> Any:
    """A JSON-compatible copy of ``obj``; values under secret-looking keys are redacted.

    Agents become their name, callables their qualified name, pydantic models and dataclasses
    dicts; anything else unknown becomes ``str(obj)``. The input is never modified.
    """
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if _depth > _MAX_DEPTH:
        return _safe_str(obj)
    nxt = _depth + 1
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            name = key if isinstance(key, str) else _safe_str(key)
            if value is not None and not (isinstance(value, str) and not value) and is_secret_key(name):
                if scrubber is not None:
                    scrubber.remember(_secret_text(value))
                out[name] = REDACTED
            else:
                out[name] = to_jsonable(value, scrubber, nxt)
        return out
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v, scrubber, nxt) for v in obj]
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value, scrubber, nxt)
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, bytes):
        return obj.decode("utf-8", errors="replace")
    if callable(getattr(obj, "get_secret_value", None)):  # pydantic SecretStr and friends
        if scrubber is not None:
            scrubber.remember(_secret_text(obj))
        return REDACTED
    if isinstance(obj, type):
        return obj.__qualname__
    if _looks_like_agent(obj):
        return obj.name
    dump = getattr(obj, "model_dump", None)
    if callable(dump) and not isinstance(obj, type):
        try:
            return to_jsonable(dump(), scrubber, nxt)
        except Exception:  # noqa: BLE001 - user objects may fail in any way; log their str() instead
            return _safe_str(obj)
    if dataclasses.is_dataclass(obj):
        return to_jsonable({f.name: getattr(obj, f.name, None) for f in dataclasses.fields(obj)}, scrubber, nxt)
    if callable(obj):
        return getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or _safe_str(obj)
    if type(obj).__name__ == "SimpleNamespace":
        return to_jsonable(vars(obj), scrubber, nxt)
    return _safe_str(obj)


def to_json(obj: Any, scrubber: SecretScrubber | None = None, **dumps_kwargs: Any) -> str:
    """JSON text of :func:`to_jsonable` ``(obj)``, with remembered secrets scrubbed out."""
    try:
        text = json.dumps(to_jsonable(obj, scrubber), default=_safe_str, **dumps_kwargs)
    except (TypeError, ValueError):  # e.g. float("nan") with allow_nan=False, or circular data
        text = json.dumps(_safe_str(obj))
    return scrubber.scrub(text) if scrubber is not None else text


def _secret_text(value: Any) -> Any:
    getter = getattr(value, "get_secret_value", None)
    if callable(getter):
        try:
            return getter()
        except Exception:  # noqa: BLE001 - user objects may fail in any way; log their str() instead
            return None
    return value


def _safe_str(obj: Any) -> str:
    try:
        return str(obj)
    except Exception:  # noqa: BLE001 - user objects may fail in any way; log their str() instead
        return f"<unprintable {type(obj).__qualname__}>"


# ----------------------------------------------------------------------------------------------
# Printing through logging (ag2's event_print): output a logging configuration can redirect
# ----------------------------------------------------------------------------------------------
EVENT_LOGGER_NAME = "ag2.event.processor"
_END_KEY = "ag2_event_end"
_FLUSH_KEY = "ag2_event_flush"


class EventStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that ends each record with the record's own ``end`` and flushes only
    when asked, so printed text reaches the stream exactly as ``print`` would write it.

    Without a stream it writes to whatever ``sys.stdout`` is at the time of each record (so
    redirected or captured output keeps working).
    """

    def __init__(self, stream: Any = None) -> None:
        super().__init__(stream)
        self._follow_stdout = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        """Write the formatted record followed by its ``end`` (default newline)."""
        try:
            stream = sys.stdout if self._follow_stdout else self.stream
            stream.write(self.format(record))
            stream.write(getattr(record, _END_KEY, "\n"))
            if getattr(record, _FLUSH_KEY, True):
                stream.flush()
        except Exception:  # noqa: BLE001 - logging's own error reporting
            self.handleError(record)


def get_event_logger() -> logging.Logger:
    """The ``ag2.event.processor`` logger, given a stdout ``EventStreamHandler`` if it has no handler."""
    event_logger = logging.getLogger(EVENT_LOGGER_NAME)
    if not event_logger.handlers:
        handler = EventStreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        event_logger.addHandler(handler)
        if event_logger.level == logging.NOTSET:
            event_logger.setLevel(logging.INFO)
        event_logger.propagate = False
    return event_logger


def event_print(
    *objects: Any,
    sep: str = " ",
    end: str = "\n",
    flush: bool = True,
    logger: logging.Logger | None = None,
    level: int = logging.INFO,
) -> None:
    """``print`` through a logger (default: :func:`get_event_logger`); ``end``/``flush`` travel with the record."""
    (logger or get_event_logger()).log(
        level, sep.join(str(o) for o in objects), extra={_END_KEY: end, _FLUSH_KEY: flush}
    )


def to_dict(obj: Any, exclude: tuple[str, ...] = (), no_recursive: Any = ()) -> Any:
    """A plain-data view of ``obj`` (ag2's helper): dicts, lists and object attributes recursively,
    keys in ``exclude`` left out, instances of ``no_recursive`` types as their ``str()``, paths as
    text and functions as their source code (or name when the source is not available)."""
    if isinstance(obj, (int, float, str, bool)) or obj is None:
        return obj
    if isinstance(obj, PurePath):
        return str(obj)
    if callable(obj) and not isinstance(obj, type):
        try:
            return inspect.getsource(obj).strip()
        except (OSError, TypeError):
            return getattr(obj, "__qualname__", None) or _safe_str(obj)

    def item(value: Any) -> Any:
        if no_recursive and isinstance(value, no_recursive):
            return _safe_str(value)
        return to_dict(value, exclude, no_recursive)

    if isinstance(obj, Mapping):
        return {str(k): item(v) for k, v in obj.items() if k not in exclude}
    if isinstance(obj, (list, tuple)):
        return [item(v) for v in obj]
    if hasattr(obj, "__dict__"):
        return {str(k): item(v) for k, v in vars(obj).items() if k not in exclude}
    return obj
