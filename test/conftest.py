"""Shared pytest configuration for the whole suite."""

pytest_plugins = ["autogen.testing.pytest_plugin"]


import sys

import pytest


@pytest.fixture(autouse=True)
def _forget_shared_sdk_clients():
    """Close the SDK clients the oai layer shares per endpoint after each test: every FakeLLMServer is a
    new endpoint, and a whole suite's worth of kept clients (with their sockets) runs the process out of
    low file descriptor numbers."""
    yield
    endpoints = sys.modules.get("autogen.oai.endpoints")
    if endpoints is not None:
        endpoints.clear_client_registry()
