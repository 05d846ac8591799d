"""Fixtures for the IO stream tests."""

import re
from collections.abc import Callable, Iterator

import pytest

from autogen.io.base import IOStream

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def plain() -> Callable[[str], str]:
    """Strip terminal colour codes so assertions do not depend on whether colours are on."""
    return lambda text: _ANSI.sub("", text)


@pytest.fixture
def restore_global_default() -> Iterator[None]:
    """Put the process-wide default stream back after a test that replaces it."""
    saved = IOStream._global_default
    try:
        yield
    finally:
        IOStream.set_global_default(saved)
