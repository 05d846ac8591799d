"""Fixtures for the embedded local model tests: one real llama.cpp server shared by a module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from autogen.local import LocalModelServer


@pytest.fixture(scope="module")
def local_server() -> Iterator[LocalModelServer]:
    """A started LocalModelServer with the bundled SmolLM2 model, stopped after the module."""
    pytest.importorskip("xllamacpp", reason='xllamacpp is not installed (pip install "ag2[local]")')
    from autogen.local import LocalModelServer

    server = LocalModelServer()
    try:
        yield server
    finally:
        server.stop()
