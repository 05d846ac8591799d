"""pytest fixture ``fake_llm``: a started FakeLLMServer, stopped when the test ends.

Use it from a conftest.py with ``from autogen.testing.pytest_plugin import fake_llm  # noqa: F401``
(or ``pytest_plugins = ["autogen.testing.pytest_plugin"]`` in the rootdir conftest), then::

    def test_hello(fake_llm):
        fake_llm.add_replies("Hello!")
        ...  # agents built with llm_config=fake_llm.llm_config

Outside pytest (e.g. in a notebook) start the server yourself; it runs in a background thread::

    from autogen.testing import FakeLLMServer
    server = FakeLLMServer(["Hi there!"], default_reply="I have nothing more to say.").start()
    import openai
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-fake")
    print(client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "hi"}]))
    server.stop()
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeLLMServer

__all__ = ["fake_llm"]


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    """A started FakeLLMServer with an empty script; add replies with ``fake_llm.add_replies(...)``."""
    server = FakeLLMServer().start()
    try:
        yield server
    finally:
        server.stop()
