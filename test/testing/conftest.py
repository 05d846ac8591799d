"""Fixtures for the autogen.testing tests: the project's own fake_llm plus openai clients bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from autogen.testing import FakeLLMServer
from autogen.testing.pytest_plugin import fake_llm  # noqa: F401


@pytest.fixture
def client(fake_llm: FakeLLMServer) -> Iterator[Any]:  # noqa: F811
    """A sync openai client without retries, pointed at the fake server."""
    import openai

    c = openai.OpenAI(base_url=fake_llm.base_url, api_key="sk-fake", max_retries=0)
    yield c
    c.close()


@pytest.fixture
async def aclient(fake_llm: FakeLLMServer) -> AsyncIterator[Any]:  # noqa: F811
    """An async openai client without retries, pointed at the fake server."""
    import openai

    c = openai.AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-fake", max_retries=0)
    yield c
    await c.close()
