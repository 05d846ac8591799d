"""Fixtures for the llm_config tests."""

from __future__ import annotations

import pytest

from autogen.llm_config import config as config_module


@pytest.fixture
def fresh_deprecations():
    """Forget which deprecated forms already warned, so a test sees the one-time warning again."""
    saved = set(config_module._WARNED)
    config_module._WARNED.clear()
    yield
    config_module._WARNED.clear()
    config_module._WARNED.update(saved)


@pytest.fixture
def clean_env(monkeypatch):
    """An environment without the variables the config helpers read."""
    for name in (
        "OAI_CONFIG_LIST",
        "OPENAI_API_KEY",
        "OPENAI_API_BASE",
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_API_BASE",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch
