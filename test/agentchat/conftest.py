"""Fixtures for agent tests: an IO stream that records events and answers input from a script."""

from __future__ import annotations

import pytest
from _streams import RecordingStream

from autogen.io.base import IOStream


@pytest.fixture
def stream():
    s = RecordingStream()
    with IOStream.set_default(s):
        yield s
