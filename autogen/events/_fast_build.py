"""Building events without pydantic's and uuid's per-call checks: the one place that leans on their internals.

A chat emits several events per turn, each a public wrapper (``type`` + ``content``) around an inner
pydantic model, with a fresh UUID. Two shortcuts keep that cheap:

- an event id is what ``UUID(int=...)`` builds, with the slots set directly (the value is in range by
  construction), from a per-process random base plus a counter (see below);
- a wrapper around an inner event that was just validated is filled as ``model_construct`` would
  fill it (``__dict__``, fields set, no extras, no private attributes), without validating again.

test/events/test_fast_build.py pins both against the public constructions they stand for.
"""

from __future__ import annotations

import itertools
import os
from uuid import UUID, SafeUUID

from pydantic import BaseModel

__all__ = ["fill_wrapper", "new_blank", "new_event_uuid"]

# Event ids are version-4 UUIDs. They identify events and are not secrets, and a chat emits several
# events per turn, so instead of 16 fresh random bytes each (uuid4), an id is a random 128-bit base
# drawn once per process (again in a forked child) plus a counter: unique within the process, and
# unrelated to other processes' ids. Version and variant bits are set as uuid4 sets them.
_V4_KEEP = ((1 << 128) - 1) & ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (0x4000 << 64) | (0x8000 << 48)
_SAFE_UNKNOWN = SafeUUID.unknown
_id_base = 0
_id_counter = itertools.count()


def _reset_event_ids() -> None:
    global _id_base, _id_counter
    # Version/variant bits set once; bit 61 cleared so that adding the counter (< 2**61 ids) never
    # carries into the variant bits: each id is then the base plus the counter, one addition.
    _id_base = (int.from_bytes(os.urandom(16), "big") & _V4_KEEP & ~(1 << 61)) | _V4_SET
    _id_counter = itertools.count()


_reset_event_ids()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_event_ids)


_new_object = object.__new__
_set_attr = object.__setattr__
# Slot setters, called directly (a little cheaper than object.__setattr__, which looks them up).
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_safe = UUID.__dict__["is_safe"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def new_event_uuid() -> UUID:
    """A fresh random (version 4) UUID for an event."""
    # What UUID(int=...) builds, without its argument checks (the value is in range by construction).
    value = _new_object(UUID)
    _set_uuid_int(value, _id_base + next(_id_counter))
    _set_uuid_safe(value, _SAFE_UNKNOWN)
    return value


#: An instance of a class without running its __init__ (for `fill_wrapper`).
new_blank = _new_object


def fill_wrapper(event: BaseModel, content: BaseModel) -> None:
    """Fill a wrapper around an already validated inner event, as ``model_construct`` would: the
    inner event was just validated and ``type`` is the class's constant, so nothing is validated twice."""
    _set_attr(event, "__dict__", {"type": type(event)._type_tag, "content": content})  # type: ignore[attr-defined]
    _set_fields_set(event, {"content"})
    _set_extra(event, None)
    _set_private(event, None)
