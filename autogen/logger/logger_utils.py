"""Turning arbitrary objects into JSON text for the runtime logs, with secrets redacted.

Logged values come from user code (init args, requests, model responses, tool results), so the
conversion never raises: anything it cannot represent is logged as its ``str()``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "REDACTED",
    "SecretScrubber",
    "constructor_args",
    "function_name",
    "get_current_ts",
    "is_secret_key",
    "source_name",
    "to_json",
    "to_jsonable",
]

REDACTED = "**REDACTED**"
# Values this short are too likely to occur in ordinary text to be scrubbed out of every string.
_MIN_SCRUB_LENGTH = 16
_MAX_DEPTH = 32
_SECRET_WORDS = ("secret", "password", "passwd", "authorization", "credential")


def get_current_ts() -> str:
    """The current UTC time as ``YYYY-MM-DD HH:MM:SS.ffffff`` (sortable text, as stored in the logs)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def is_secret_key(key: Any) -> bool:
    """Whether a mapping key names a secret (``api_key``, ``azure_ad_token``, ``Authorization``, ...)."""
    if not isinstance(key, str):
        return False
    k = key.lower()
    return k.endswith(("key", "token")) or any(word in k for word in _SECRET_WORDS)


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
