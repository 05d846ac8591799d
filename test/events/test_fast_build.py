"""The event-building shortcuts of autogen/events/_fast_build.py give what the public constructions give."""

from __future__ import annotations

import uuid

from autogen.events._fast_build import fill_wrapper, new_blank, new_event_uuid
from autogen.events.agent_events import TerminationEvent, TextEvent


def test_event_ids_are_what_uuid_builds_from_the_same_int():
    for _ in range(100):
        fast = new_event_uuid()
        slow = uuid.UUID(int=fast.int)
        assert fast == slow and hash(fast) == hash(slow) and str(fast) == str(slow)
        assert fast.version == 4 and fast.variant == uuid.RFC_4122
        assert fast.is_safe == slow.is_safe


def test_a_filled_wrapper_equals_model_construct_and_the_public_constructor():
    for cls, fields in (
        (TextEvent, {"content": "hi", "sender": "a", "recipient": "b"}),
        (TerminationEvent, {"termination_reason": "done", "sender": "a", "recipient": "b"}),
    ):
        inner = cls.content_model.__pydantic_validator__.validate_python(fields)
        fast = new_blank(cls)
        fill_wrapper(fast, inner)
        constructed = cls.model_construct(content=inner)
        public = cls(**fields)
        for other in (constructed, public):
            assert fast.model_dump(exclude={"content": {"uuid"}}) == other.model_dump(exclude={"content": {"uuid"}})
        assert fast.model_dump() == constructed.model_dump()
        assert fast.model_dump_json() == constructed.model_dump_json()
        assert fast.model_fields_set == constructed.model_fields_set
        assert fast.__pydantic_extra__ == constructed.__pydantic_extra__
        assert fast.__pydantic_private__ == constructed.__pydantic_private__
        assert fast == constructed
        assert type(fast).model_validate_json(fast.model_dump_json()) == fast
