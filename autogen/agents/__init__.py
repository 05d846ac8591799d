"""Prebuilt agents (``autogen.agents.experimental``); nothing here is loaded by ``import autogen``."""
