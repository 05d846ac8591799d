"""Shared pytest configuration for the whole suite."""
pytest_plugins = ["autogen.testing.pytest_plugin"]
