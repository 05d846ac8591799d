"""How a durable step's outcome is saved and read back: pickle, made explicit.

A step records one *record* (bytes): its name, its outcome (a value, or the exception it raised)
and the chat state it changed (`ContextVariables` data). Three things would not survive plain
pickling and are handled here:

- exceptions whose constructor does not accept their own ``args`` (``openai.APIStatusError`` needs
  ``response=``): rebuilt without calling ``__init__``, keeping ``args`` and the attributes that
  can be saved; failing that, replaced by a `RecordedStepError` with the same message;
- agents returned by a speaker choice: saved by name and looked up among the agents of the call
  on the way back (an agent holds clients, locks and histories, none of which belong in a record);
- values that cannot be pickled at all: a `StepNotSavableError` naming the step and the type.
"""

from __future__ import annotations

import importlib
import pickle
from dataclasses import dataclass
from typing import Any

__all__ = [
    "RecordedStepError",
    "StepNotSavableError",
    "StepRecord",
    "dump_record",
    "load_record",
    "pack_exception",
    "unpack_exception",
]


class RecordedStepError(RuntimeError):
    """Stands in for a step's exception that could not be saved as itself (same message)."""


class StepNotSavableError(TypeError):
    """A step's result (or the chat state it changed) cannot be pickled, so it cannot be recorded."""


@dataclass(frozen=True)
class _AgentRef:
    name: str


@dataclass(frozen=True)
class _ExceptionState:
    """An exception saved field by field: rebuilt with ``cls.__new__``, then ``args`` and attributes."""

    module: str
    qualname: str
    args: tuple[Any, ...]
    attrs: dict[str, Any]
    text: str

    def restore(self) -> BaseException:
        try:
            cls: Any = importlib.import_module(self.module)
            for part in self.qualname.split("."):
                cls = getattr(cls, part)
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                raise TypeError(cls)
            exc = cls.__new__(cls)
            exc.args = self.args
            for key, value in self.attrs.items():
                try:
                    setattr(exc, key, value)
                except Exception:  # noqa: BLE001, S112 - a read-only attribute: the message is what matters
                    continue
            return exc  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - any failure to rebuild: keep the message
            return RecordedStepError(f"{self.qualname}: {self.text}")


@dataclass(frozen=True)
class StepRecord:
    """What one step saved: ``ok`` and ``value`` (the result, or the packed exception), and
    ``state``: ``(index of a tracked ContextVariables, its new data)`` for each one it changed."""

    name: str
    ok: bool
    value: Any
    state: tuple[tuple[int, dict[str, Any]], ...] = ()


def _can_pickle(value: Any) -> bool:
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:  # noqa: BLE001 - whatever pickle raises means no
        return False
    return True


def pack_exception(exc: BaseException) -> Any:
    """``exc`` itself when it survives pickling, else an `_ExceptionState` that rebuilds it."""
    if _can_pickle(exc):
        return exc
    args = tuple(a if _can_pickle(a) else str(a) for a in exc.args)
    attrs = {k: v for k, v in getattr(exc, "__dict__", {}).items() if _can_pickle(v)}
    cls = type(exc)
    return _ExceptionState(cls.__module__, cls.__qualname__, args, attrs, str(exc))


def unpack_exception(packed: Any) -> BaseException:
    """The exception `pack_exception` saved."""
    return packed.restore() if isinstance(packed, _ExceptionState) else packed  # type: ignore[no-any-return]


def _is_agent(value: Any) -> bool:
    return isinstance(getattr(value, "name", None), str) and callable(getattr(value, "generate_reply", None))


def _agents_in(item: Any) -> list[Any]:
    if _is_agent(item):
        return [item]
    pool = item if isinstance(item, list) else getattr(item, "agents", None)
    return [a for a in pool if _is_agent(a)] if isinstance(pool, list) else []


def encode_agents(value: Any) -> Any:
    """An agent (a speaker choice) becomes a reference by name; anything else is kept."""
    return _AgentRef(value.name) if _is_agent(value) else value


def decode_agents(value: Any, where: tuple[Any, ...]) -> Any:
    """The agent a reference names, found among ``where`` (agents, lists of agents, or objects with
    an ``agents`` list, such as a GroupChat)."""
    if not isinstance(value, _AgentRef):
        return value
    for item in where:
        for agent in _agents_in(item):
            if agent.name == value.name:
                return agent
    raise LookupError(
        f"The recorded speaker choice names agent {value.name!r}, which is not among the agents of the chat."
    )


def dump_record(record: StepRecord) -> bytes:
    """The record as bytes; `StepNotSavableError` when its value or state cannot be pickled."""
    try:
        return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:
        what = type(record.value).__name__ if record.ok else "its exception"
        raise StepNotSavableError(
            f"Durable step {record.name!r} returned {what}, which cannot be recorded ({type(e).__name__}: {e}). "
            "Return plain data (str, dict, list, pydantic models) from tools and model clients used in durable chats, "
            "and keep ContextVariables values picklable."
        ) from e


def load_record(data: bytes) -> StepRecord:
    """The record `dump_record` saved."""
    record = pickle.loads(data)
    if not isinstance(record, StepRecord):
        raise TypeError(f"Not a durable step record: {type(record).__name__}.")
    return record
